package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

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

// certsOfInstrumentKey holds what the due date needs of an instrument's
// certificates (dueCert JSON list, in the order they came), so applying a
// certificate reads one key instead of iterating the certificates of its
// subject: an iterator inside a write transaction sorts every pending
// write of the event, which made applying a large event quadratic.
func certsOfInstrumentKey(instrumentID string) []byte { return join("v/c/", instrumentID) }

// dueCert is what rules.DueOf reads of a certificate.
type dueCert struct {
	ID          string `json:"id"`
	SubjectID   string `json:"subject_id"`
	Kind        string `json:"kind"`
	Status      string `json:"status"`
	Conformity  string `json:"conformity,omitempty"`
	PerformedOn string `json:"performed_on"`
	ValidUntil  string `json:"valid_until"`
	IssuerID    string `json:"issuer_id"`
}

func (c dueCert) certificate() *record.Certificate {
	return &record.Certificate{ID: c.ID, SubjectID: c.SubjectID, Kind: c.Kind, Status: c.Status, Conformity: c.Conformity,
		PerformedOn: c.PerformedOn, ValidUntil: c.ValidUntil, IssuerID: c.IssuerID}
}

// certsOf returns the certificates of a compulsory instrument as DueOf
// needs them: from its certsOfInstrumentKey, or, for an instrument indexed
// before that key existed, from its certificates (once; the key is written
// then).
func certsOf(txn *badger.Txn, l rules.Lookup, id string) ([]dueCert, error) {
	v, err := get(txn, certsOfInstrumentKey(id))
	if err != nil {
		return nil, err
	}
	if v != nil {
		var out []dueCert
		if err := json.Unmarshal(v, &out); err != nil {
			return nil, fmt.Errorf("certificates of %s: %w", id, err)
		}
		return out, nil
	}
	certs, err := l.CertificatesBySubject(id)
	if err != nil {
		return nil, err
	}
	out := make([]dueCert, 0, len(certs))
	for _, c := range certs {
		out = append(out, dueCert{ID: c.ID, SubjectID: c.SubjectID, Kind: c.Kind, Status: c.Status, Conformity: c.Conformity,
			PerformedOn: c.PerformedOn, ValidUntil: c.ValidUntil, IssuerID: c.IssuerID})
	}
	return out, nil
}

// dueBatch gathers, over one event, the instruments whose due entries
// must be recomputed, with their certificate lists, so that each is read,
// written and recomputed once per event however many of its certificates
// the event holds (a batch of certificates of one instrument would
// otherwise rewrite a growing list per certificate).
type dueBatch struct {
	lists  map[string][]dueCert // nil: not a compulsory instrument
	order  []string
	counts counts
}

func newDueBatch() *dueBatch { return &dueBatch{lists: map[string][]dueCert{}, counts: counts{}} }

// touch notes that instrument id's due entry must be recomputed, with
// changed, when set, one of its certificates just stored; fresh says the
// instrument was not indexed before (it has no certificates yet).
func (b *dueBatch) touch(txn *badger.Txn, id string, changed *dueCert, fresh bool) error {
	kept, ok := b.lists[id]
	if !ok {
		b.order = append(b.order, id)
		v, err := get(txn, recordKey(record.DocInstrument, id))
		if err != nil {
			return err
		}
		var in struct {
			Compulsory bool `json:"compulsory"`
		}
		if v != nil {
			if err := json.Unmarshal(v, &in); err != nil {
				return fmt.Errorf("instrument %s: %w", id, err)
			}
		}
		switch {
		case !in.Compulsory:
			// A standard's certificate, an unregistered subject, or an
			// instrument without a due date: no list is kept, and one kept
			// while it was compulsory goes (a later version that makes it
			// compulsory again reads its certificates afresh).
			if v != nil && changed == nil {
				if err := txn.Delete(certsOfInstrumentKey(id)); err != nil {
					return err
				}
				if err := dropDue(txn, b.counts, id); err != nil {
					return err
				}
			}
		case fresh:
			kept = []dueCert{}
		default:
			if kept, err = certsOf(txn, rules.FromSource(source{txn}), id); err != nil {
				return err
			}
		}
		b.lists[id] = kept
	}
	if kept == nil || changed == nil {
		return nil
	}
	if i := slices.IndexFunc(kept, func(c dueCert) bool { return c.ID == changed.ID }); i >= 0 {
		kept[i] = *changed
	} else {
		b.lists[id] = append(kept, *changed)
	}
	return nil
}

// flush writes the lists and recomputes the due entries of every
// instrument touched, in the order first touched.
func (b *dueBatch) flush(txn *badger.Txn) error {
	for _, id := range b.order {
		if kept := b.lists[id]; kept != nil {
			if err := refreshDue(txn, b.counts, id, kept); err != nil {
				return err
			}
		}
	}
	return b.counts.apply(txn)
}

// updateSupervision keeps the supervision entries in step with a record
// just stored: an instrument's own due entry, or the due entry of the
// instrument a certificate is about, recomputed when due flushes. day is
// the date of the transaction; first says the record was not in the index
// before.
func updateSupervision(txn *badger.Txn, due *dueBatch, r record.EventRecord, day string, first bool) error {
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
		return due.touch(txn, r.ID, nil, first)
	case record.DocCertificate:
		var c dueCert
		if err := json.Unmarshal(r.Record, &c); err != nil {
			return err
		}
		return due.touch(txn, c.SubjectID, &c, false)
	}
	return nil
}

// refreshDue writes the certificate list of a compulsory instrument and
// recomputes its due entry.
func refreshDue(txn *badger.Txn, c counts, id string, kept []dueCert) error {
	l := rules.FromSource(source{txn})
	in, err := l.Instrument(id)
	if err != nil || in == nil || !in.Compulsory {
		return err
	}
	list, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	if err := txn.Set(certsOfInstrumentKey(id), list); err != nil {
		return err
	}
	certs := make([]*record.Certificate, len(kept))
	for i, k := range kept {
		certs[i] = k.certificate()
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
	return replaceDue(txn, c, &e)
}

// replaceDue puts e in place of the instrument's due entry, unless it is
// the same.
func replaceDue(txn *badger.Txn, c counts, e *dueEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode due entry of %s: %w", e.InstrumentID, err)
	}
	key, old, err := dueOf(txn, e.InstrumentID)
	if err != nil {
		return err
	}
	if key != nil {
		if bytes.Equal(key, dueKey(e.DueOn, e.InstrumentID)) && bytes.Equal(old, data) {
			return nil
		}
		if err := removeDue(txn, c, e.InstrumentID, key, old); err != nil {
			return err
		}
	}
	return putDue(txn, c, e, data)
}
