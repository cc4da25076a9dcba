package rules_test

import (
	"reflect"
	"testing"

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
