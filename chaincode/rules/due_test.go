package rules_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

func TestDueOf(t *testing.T) {
	in := &record.Instrument{ID: "S-1", RegisteredOn: "2024-01-05", IntervalMonths: 6}
	ver := func(id, performed, until, conformity, status string) *record.Certificate {
		return &record.Certificate{ID: id, Kind: "verification", SubjectID: "S-1", IssuerID: "TJIM", PerformedOn: performed, ValidUntil: until, Conformity: conformity, Status: status}
	}
	for _, tc := range []struct {
		name  string
		certs []*record.Certificate
		due   string
		cert  string
	}{
		{"never verified: due from registration", nil, "2024-01-05", ""},
		{"the interval when it ends before valid_until", []*record.Certificate{ver("V1", "2024-02-10", "2025-02-09", "pass", "valid")}, "2024-08-10", "V1"},
		{"valid_until when it ends before the interval", []*record.Certificate{ver("V1", "2024-02-10", "2024-05-01", "pass", "valid")}, "2024-05-01", "V1"},
		{"the latest valid verification counts", []*record.Certificate{
			ver("V2", "2024-09-01", "2025-08-31", "pass", "valid"), ver("V1", "2024-02-10", "2024-05-01", "pass", "valid")}, "2025-03-01", "V2"},
		{"a revoked, a failed or a calibration certificate does not count", []*record.Certificate{
			ver("V1", "2024-02-10", "2024-05-01", "pass", "valid"), ver("V2", "2024-09-01", "2025-08-31", "pass", "revoked"),
			ver("V3", "2024-10-01", "2025-09-30", "fail", "valid"),
			{ID: "C1", Kind: "calibration", SubjectID: "S-1", PerformedOn: "2024-11-01", ValidUntil: "2025-10-31", Status: "valid"}}, "2024-05-01", "V1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := rules.DueOf(in, tc.certs)
			if d.DueOn != tc.due || d.CertificateID != tc.cert {
				t.Errorf("DueOf = %+v, want due %s from %q", d, tc.due, tc.cert)
			}
		})
	}
	d := rules.DueOf(in, []*record.Certificate{ver("V2", "2024-09-01", "2025-08-31", "pass", "valid"), ver("V1", "2024-02-10", "2024-05-01", "pass", "valid")})
	if want := []rules.Period{{From: "2024-02-10", To: "2024-05-01"}, {From: "2024-09-01", To: "2025-03-01"}}; !reflect.DeepEqual(d.Periods, want) {
		t.Errorf("periods = %v", d.Periods)
	}
	if !d.CoveredOn("2024-04-30") || d.CoveredOn("2024-06-01") {
		t.Error("CoveredOn is wrong")
	}
}

func TestRepeatedVerificationsOfOneSpanAreOnePeriod(t *testing.T) {
	in := &record.Instrument{ID: "S-1", RegisteredOn: "2024-01-05", IntervalMonths: 12}
	var certs []*record.Certificate
	for i := range 1000 {
		certs = append(certs, &record.Certificate{ID: fmt.Sprintf("V%04d", i), Kind: "verification", SubjectID: "S-1", IssuerID: "TJIM",
			PerformedOn: "2024-05-10", ValidUntil: "2025-05-09", Conformity: "pass", Status: "valid"})
	}
	certs = append(certs, &record.Certificate{ID: "W1", Kind: "verification", SubjectID: "S-1", IssuerID: "HBIM",
		PerformedOn: "2025-05-09", ValidUntil: "2026-01-31", Conformity: "pass", Status: "valid"},
		&record.Certificate{ID: "W2", Kind: "verification", SubjectID: "S-1", IssuerID: "HBIM",
			PerformedOn: "2026-02-01", ValidUntil: "2026-06-30", Conformity: "pass", Status: "valid"})
	d := rules.DueOf(in, certs)
	// W1 starts on the day the first span ends: merged; W2 starts the day
	// after W1 ends: a period of its own.
	want := rules.Due{DueOn: "2026-06-30", CertificateID: "W2", IssuerID: "HBIM",
		Periods: []rules.Period{{From: "2024-05-10", To: "2026-01-31"}, {From: "2026-02-01", To: "2026-06-30"}}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("DueOf = %+v, want %+v", d, want)
	}
}

// TestDueAddingAgreesWithDueOf adds random verifications one by one, and a
// few at a time, to a Due and compares it with DueOf over all of them.
func TestDueAddingAgreesWithDueOf(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	day := func(n int) string {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	}
	for round := range 100 {
		in := &record.Instrument{ID: "S-1", RegisteredOn: "2024-01-01", IntervalMonths: r.IntN(3) * 6}
		var all []*record.Certificate
		d := rules.DueOf(in, nil)
		var latest *record.Certificate
		for step := range 1 + r.IntN(12) {
			var added []*record.Certificate
			for i := range 1 + r.IntN(3) {
				from := r.IntN(900)
				c := &record.Certificate{ID: fmt.Sprintf("V%02d-%d", step, i), Kind: "verification", SubjectID: "S-1", IssuerID: fmt.Sprintf("I%d", r.IntN(3)),
					PerformedOn: day(from), ValidUntil: day(from + r.IntN(500)), Conformity: "pass", Status: "valid"}
				added = append(added, c)
			}
			all = append(all, added...)
			d = rules.DueAdding(in, d, latest, added)
			for _, c := range all {
				if c.ID == d.CertificateID {
					latest = c
				}
			}
			if want := rules.DueOf(in, all); !reflect.DeepEqual(d, want) {
				t.Fatalf("round %d step %d: DueAdding = %+v, DueOf = %+v", round, step, d, want)
			}
			for n := 0; n < 1500; n += 7 {
				covered := false
				for _, c := range all {
					to := c.ValidUntil
					if byInterval, _ := record.AddMonths(c.PerformedOn, in.IntervalMonths); in.IntervalMonths > 0 && byInterval < to {
						to = byInterval
					}
					covered = covered || c.PerformedOn <= day(n) && day(n) <= to
				}
				if d.CoveredOn(day(n)) != covered {
					t.Fatalf("round %d step %d: covered on %s = %v, want %v (periods %v)", round, step, day(n), !covered, covered, d.Periods)
				}
			}
		}
	}
}
