package index

import (
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Supervision keys: every compulsory instrument has one due entry, ordered
// by due date, so the due and overdue lists are range scans; a second key
// remembers where an instrument's entry is, to move it when a certificate
// changes its due date.
const (
	prefixDue      = "v/d/" // v/d/<due_on>\x00<instrument_id> → dueEntry JSON
	prefixDueOfIns = "v/i/" // v/i/<instrument_id> → its v/d/ key
)

func dueKey(dueOn, instrumentID string) []byte {
	return join(prefixDue, dueOn, "\x00", instrumentID)
}

func dueOfInstrumentKey(instrumentID string) []byte { return join(prefixDueOfIns, instrumentID) }

// dueEntry is what the supervision lists need of a compulsory instrument,
// kept whole in its due entry so a list reads no record.
type dueEntry struct {
	InstrumentID  string         `json:"instrument_id"`
	InstitutionID string         `json:"institution_id"`
	Region        string         `json:"region"`
	District      string         `json:"district,omitempty"`
	Category      string         `json:"category,omitempty"`
	RegisteredOn  string         `json:"registered_on,omitempty"`
	DueOn         string         `json:"due_on"`
	CertificateID string         `json:"certificate_id,omitempty"`
	IssuerID      string         `json:"issuer_id,omitempty"`
	Periods       []rules.Period `json:"periods"`
}

// registeredKey remembers the day an instrument was first indexed, the
// registration date of instruments written before the chaincode recorded
// one.
func registeredKey(instrumentID string) []byte { return join("v/reg/", instrumentID) }

// updateSupervision keeps the supervision entries in step with a record
// just stored: an instrument's own due entry, or the due entry of the
// instrument a certificate is about. day is the date of the transaction.
func updateSupervision(txn *badger.Txn, r record.EventRecord, day string) error {
	switch r.DocType {
	case record.DocInstrument:
		if day != "" {
			if v, err := get(txn, registeredKey(r.ID)); err != nil {
				return err
			} else if v == nil {
				if err := txn.Set(registeredKey(r.ID), []byte(day)); err != nil {
					return err
				}
			}
		}
		return refreshDue(txn, r.ID)
	case record.DocCertificate:
		var c struct {
			SubjectID string `json:"subject_id"`
		}
		if err := json.Unmarshal(r.Record, &c); err != nil {
			return err
		}
		return refreshDue(txn, c.SubjectID)
	}
	return nil
}

// refreshDue recomputes the due entry of an instrument (nothing for a
// standard or an instrument that is not compulsory).
func refreshDue(txn *badger.Txn, id string) error {
	l := rules.FromSource(source{txn})
	in, err := l.Instrument(id)
	if err != nil || in == nil || !in.Compulsory {
		return err
	}
	certs, err := l.CertificatesBySubject(id)
	if err != nil {
		return err
	}
	if in.RegisteredOn == "" {
		reg, err := get(txn, registeredKey(id))
		if err != nil {
			return err
		}
		in.RegisteredOn = string(reg)
	}
	d := rules.DueOf(in, certs)
	e := dueEntry{InstrumentID: in.ID, InstitutionID: in.InstitutionID, Category: in.Category, RegisteredOn: in.RegisteredOn,
		DueOn: d.DueOn, CertificateID: d.CertificateID, IssuerID: d.IssuerID, Periods: d.Periods}
	if in.Location != nil {
		e.District, e.Region = in.Location.District, record.RegionOfDistrict(in.Location.District)
	}
	if e.Region == "" {
		inst, err := l.Institution(in.InstitutionID)
		if err != nil {
			return err
		}
		if inst != nil {
			e.Region = inst.Region
		}
	}
	old, err := get(txn, dueOfInstrumentKey(id))
	if err != nil {
		return err
	}
	if old != nil {
		if err := txn.Delete(old); err != nil {
			return err
		}
	}
	key := dueKey(e.DueOn, e.InstrumentID)
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode due entry of %s: %w", id, err)
	}
	if err := txn.Set(key, data); err != nil {
		return err
	}
	return txn.Set(dueOfInstrumentKey(id), key)
}
