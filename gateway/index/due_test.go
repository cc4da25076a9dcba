package index

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestDueEntriesAgreeWithDueOf applies random events (instruments made
// compulsory and not, intervals changed, verifications and calibrations
// issued, revoked, restored and corrected, several to an event) and after
// each compares every instrument's due entry with rules.DueOf over all its
// certificates; then it drops the verification keys, as an index from
// before them, and checks that the upgrade Open runs builds the same keys
// again.
func TestDueEntriesAgreeWithDueOf(t *testing.T) {
	x, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewSource(3))
	day := func(n int) string {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	}
	instruments := map[string]*record.Instrument{}
	certs := map[string]*record.Certificate{}
	var certIDs []string
	ids := []string{"I0", "I1", "I2", "I3", "I4"}
	rec := func(docType, id string, v any) record.EventRecord {
		data, _ := json.Marshal(v)
		return record.EventRecord{DocType: docType, ID: id, Record: data}
	}
	for block := uint64(1); block <= 400; block++ {
		var recs []record.EventRecord
		for range 1 + r.Intn(6) {
			switch op := r.Intn(10); {
			case op < 2 || len(instruments) < len(ids):
				id := ids[r.Intn(len(ids))]
				in := &record.Instrument{ID: id, InstitutionID: "LAB", Type: "balance", Compulsory: r.Intn(4) > 0,
					RegisteredOn: "2024-01-01", IntervalMonths: 6 * r.Intn(3)}
				if in.Compulsory {
					in.Category = "non_automatic_weighing"
				}
				instruments[id] = in
				recs = append(recs, rec(record.DocInstrument, id, in))
			case op < 6:
				id := fmt.Sprintf("C%04d", len(certIDs))
				from := r.Intn(900)
				c := &record.Certificate{ID: id, Kind: record.KindVerification, SubjectID: ids[r.Intn(len(ids))], IssuerID: fmt.Sprintf("L%d", r.Intn(3)),
					Conformity: "pass", PerformedOn: day(from), ValidUntil: day(from + r.Intn(400)), Status: record.CertValid,
					ReferenceIDs: []string{}, Results: []record.Result{}}
				if instruments[c.SubjectID] == nil {
					continue
				}
				if r.Intn(6) == 0 {
					c.Kind = record.KindCalibration
				}
				if r.Intn(7) == 0 {
					c.Conformity = "fail"
				}
				certs[id], certIDs = c, append(certIDs, id)
				recs = append(recs, rec(record.DocCertificate, id, c))
			case op < 8 && len(certIDs) > 0:
				c := *certs[certIDs[r.Intn(len(certIDs))]]
				c.Status = []string{record.CertValid, record.CertRevoked, record.CertSuperseded}[r.Intn(3)]
				certs[c.ID] = &c
				recs = append(recs, rec(record.DocCertificate, c.ID, &c))
			case len(certIDs) > 0:
				c := *certs[certIDs[r.Intn(len(certIDs))]]
				from := r.Intn(900)
				c.PerformedOn, c.ValidUntil = day(from), day(from+r.Intn(400))
				certs[c.ID] = &c
				recs = append(recs, rec(record.DocCertificate, c.ID, &c))
			}
		}
		payload, _ := json.Marshal(record.Event{Function: "test", TxID: fmt.Sprint("tx", block), Records: recs})
		if err := x.Apply(ledger.Event{BlockNumber: block, TxID: fmt.Sprint("tx", block), Name: record.EventName, Payload: payload}); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			in := instruments[id]
			var e *dueEntry
			if err := x.db.View(func(txn *badger.Txn) error {
				_, data, err := dueOf(txn, id)
				if data != nil {
					e = new(dueEntry)
					err = json.Unmarshal(data, e)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if in == nil || !in.Compulsory {
				if e != nil {
					t.Fatalf("block %d: %s is not compulsory but has a due entry %+v", block, id, e)
				}
				continue
			}
			var of []*record.Certificate
			for _, c := range certs {
				if c.SubjectID == id {
					of = append(of, c)
				}
			}
			want := rules.DueOf(in, of)
			if e == nil {
				t.Fatalf("block %d: compulsory %s has no due entry", block, id)
			}
			if got := (rules.Due{DueOn: e.DueOn, CertificateID: e.CertificateID, IssuerID: e.IssuerID, Periods: e.Periods}); !reflect.DeepEqual(got, want) {
				t.Fatalf("block %d: due entry of %s = %+v, want %+v", block, id, got, want)
			}
		}
	}
	keys := func() map[string]string {
		out := map[string]string{}
		if err := x.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixVerifications)})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				out[string(it.Item().Key())] = string(v)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := keys()
	if len(before) == 0 {
		t.Fatal("no verification keys kept")
	}
	if err := x.db.DropPrefix([]byte(prefixVerifications), []byte(keyVerifications)); err != nil {
		t.Fatal(err)
	}
	if err := x.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(prefixOldLists+"I0"), []byte("[]")) }); err != nil {
		t.Fatal(err)
	}
	if err := x.ensureVerifications(); err != nil {
		t.Fatal(err)
	}
	if after := keys(); !reflect.DeepEqual(after, before) {
		t.Errorf("verification keys built again: %d, kept before: %d", len(after), len(before))
	}
	if err := x.db.View(func(txn *badger.Txn) error {
		if v, err := get(txn, []byte(prefixOldLists+"I0")); err != nil || v != nil {
			return fmt.Errorf("the old list is still there (%q, %v)", v, err)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}
