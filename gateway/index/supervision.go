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
	InstrumentID  string `json:"instrument_id"`
	InstitutionID string `json:"institution_id"`
	Region        string `json:"region"`
	District      string `json:"district,omitempty"`
	Category      string `json:"category,omitempty"`
	RegisteredOn  string `json:"registered_on,omitempty"`
	DueOn         string `json:"due_on"`
	CertificateID string `json:"certificate_id,omitempty"`
	IssuerID      string `json:"issuer_id,omitempty"`
	// IntervalMonths is the interval the entry was computed with: when the
	// instrument's changes, the entry is computed again.
	IntervalMonths int            `json:"interval_months,omitempty"`
	Periods        []rules.Period `json:"periods"`
}

// registeredKey remembers the day an instrument was first indexed, the
// registration date of instruments written before the chaincode recorded
// one.
func registeredKey(instrumentID string) []byte { return join("v/reg/", instrumentID) }

// A compulsory instrument's verifications are kept beside its due entry,
// one key each (dueCert JSON), so that applying a new verification reads
// and writes its own key and the entry, however many verifications the
// instrument had: v/vc/<instrument_id>\x00<certificate_id>. Only a
// verification that stops counting (revoked, superseded, its dates
// corrected) or a changed interval makes the entry be computed again from
// all of them. keyVerifications marks an index whose verification keys are
// complete (indexes before them kept one list per instrument, under v/c/).
const (
	prefixVerifications = "v/vc/"
	keyVerifications    = "v/vc-built"
	prefixOldLists      = "v/c/"
)

func verificationsPrefix(instrumentID string) []byte {
	return join(prefixVerifications, instrumentID, "\x00")
}

func verificationKey(instrumentID, certificateID string) []byte {
	return join(prefixVerifications, instrumentID, "\x00", certificateID)
}

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

func dueCertOf(c *record.Certificate) dueCert {
	return dueCert{ID: c.ID, SubjectID: c.SubjectID, Kind: c.Kind, Status: c.Status, Conformity: c.Conformity,
		PerformedOn: c.PerformedOn, ValidUntil: c.ValidUntil, IssuerID: c.IssuerID}
}

// setVerification keeps a verification of a compulsory instrument under
// its key.
func setVerification(txn setter, c dueCert) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return txn.Set(verificationKey(c.SubjectID, c.ID), data)
}

// setter is a badger.Txn or a badger.WriteBatch.
type setter interface{ Set(k, v []byte) error }

// verificationOf reads the kept version of a verification (nil when none).
func verificationOf(txn *badger.Txn, instrumentID, certificateID string) (*dueCert, error) {
	v, err := get(txn, verificationKey(instrumentID, certificateID))
	if err != nil || v == nil {
		return nil, err
	}
	var c dueCert
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("verification %s of %s: %w", certificateID, instrumentID, err)
	}
	return &c, nil
}

// verificationsOf reads every kept verification of an instrument.
func verificationsOf(txn *badger.Txn, instrumentID string) ([]*record.Certificate, error) {
	prefix := verificationsPrefix(instrumentID)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var out []*record.Certificate
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		var c dueCert
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
			return nil, fmt.Errorf("verification %q: %w", it.Item().Key(), err)
		}
		out = append(out, c.certificate())
	}
	return out, nil
}

// dropVerifications removes the kept verifications of an instrument that
// is no longer compulsory.
func dropVerifications(txn *badger.Txn, instrumentID string) error {
	prefix := verificationsPrefix(instrumentID)
	var keys [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// keepVerifications writes the verification keys of an instrument from
// its certificates in the index, and returns the certificates.
func keepVerifications(txn *badger.Txn, w setter, id string) ([]*record.Certificate, error) {
	certs, err := rules.FromSource(source{txn}).CertificatesBySubject(id)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		if c.Kind == record.KindVerification {
			if err := setVerification(w, dueCertOf(c)); err != nil {
				return nil, err
			}
		}
	}
	return certs, nil
}

// dueBatch gathers, over one event, the instruments whose due entries
// must be recomputed and how, so that each is recomputed once per event
// however many of its certificates the event holds. It also keeps the
// instruments the event read or wrote, decoded, so that an instrument is
// decoded once per event, not for every certificate of it.
type dueBatch struct {
	work        map[string]*dueWork
	order       []string
	counts      counts
	instruments map[string]*record.Instrument // nil: no such instrument
}

// dueWork is what an event changed of one instrument.
type dueWork struct {
	compulsory bool
	fresh      bool                  // not indexed before the event: no certificates, no entry
	rebuild    bool                  // compute the entry again from all its verifications
	added      []*record.Certificate // verifications that count from this event on
}

func newDueBatch() *dueBatch {
	return &dueBatch{work: map[string]*dueWork{}, counts: counts{}, instruments: map[string]*record.Instrument{}}
}

// instrument returns the instrument id as the event has it so far (nil
// when there is none); read once per event.
func (b *dueBatch) instrument(txn *badger.Txn, id string) (*record.Instrument, error) {
	if in, ok := b.instruments[id]; ok {
		return in, nil
	}
	in, err := rules.FromSource(source{txn}).Instrument(id)
	if err != nil {
		return nil, err
	}
	b.instruments[id] = in
	return in, nil
}

// wrote notes an instrument's version the event just stored.
func (b *dueBatch) wrote(in *record.Instrument) { b.instruments[in.ID] = in }

// lookup is the index's lookup within the event's transaction, reading
// instruments through b.
func (b *dueBatch) lookup(txn *badger.Txn) rules.Lookup {
	return eventLookup{Lookup: rules.FromSource(source{txn}), b: b, txn: txn}
}

// eventLookup reads instruments through a dueBatch.
type eventLookup struct {
	rules.Lookup
	b   *dueBatch
	txn *badger.Txn
}

func (l eventLookup) Instrument(id string) (*record.Instrument, error) {
	return l.b.instrument(l.txn, id)
}

// touch notes that instrument id's due entry must be recomputed: changed,
// when set, is one of its certificates just stored, otherwise the
// instrument itself was; fresh says the instrument was not indexed before.
func (b *dueBatch) touch(txn *badger.Txn, id string, changed *record.Certificate, fresh bool) error {
	w, ok := b.work[id]
	if !ok {
		b.order = append(b.order, id)
		w = &dueWork{fresh: fresh}
		b.work[id] = w
	}
	if !ok || changed == nil {
		in, err := b.instrument(txn, id)
		if err != nil {
			return err
		}
		compulsory := in != nil && in.Compulsory
		if ok && !w.compulsory && compulsory {
			// Made compulsory within the event: its verifications are read
			// from its certificates at flush.
			w.fresh, w.rebuild, w.added = false, false, nil
		}
		if w.compulsory && !compulsory || !ok && in != nil && changed == nil && !compulsory {
			// No longer compulsory (a later version that makes it
			// compulsory again reads its certificates afresh).
			if err := dropVerifications(txn, id); err != nil {
				return err
			}
			if err := dropDue(txn, b.counts, id); err != nil {
				return err
			}
		}
		w.compulsory = compulsory
	}
	if !w.compulsory || changed == nil || changed.Kind != record.KindVerification {
		return nil
	}
	old, err := verificationOf(txn, id, changed.ID)
	if err != nil {
		return err
	}
	if err := setVerification(txn, dueCertOf(changed)); err != nil {
		return err
	}
	was, now := old != nil && rules.Counts(id, old.certificate()), rules.Counts(id, changed)
	if was {
		// Counted since earlier in this event: it changes among the added.
		if i := slices.IndexFunc(w.added, func(c *record.Certificate) bool { return c.ID == changed.ID }); i >= 0 {
			if now {
				w.added[i] = changed
			} else {
				w.added = slices.Delete(w.added, i, i+1)
			}
			return nil
		}
	}
	switch {
	case was && (!now || old.PerformedOn != changed.PerformedOn || old.ValidUntil != changed.ValidUntil || old.IssuerID != changed.IssuerID):
		w.rebuild = true
	case !was && now:
		w.added = append(w.added, changed)
	}
	return nil
}

// flush recomputes the due entries of every compulsory instrument touched,
// in the order first touched.
func (b *dueBatch) flush(txn *badger.Txn) error {
	for _, id := range b.order {
		if w := b.work[id]; w.compulsory {
			if err := b.refreshDue(txn, id, w); err != nil {
				return err
			}
		}
	}
	return b.counts.apply(txn)
}

// updateSupervision keeps the supervision entries in step with a record
// just stored (v, decoded): an instrument's own due entry, or the due entry of the
// instrument a certificate is about, recomputed when due flushes. day is
// the date of the transaction; first says the record was not in the index
// before.
func updateSupervision(txn *badger.Txn, due *dueBatch, v any, day string, first bool) error {
	switch r := v.(type) {
	case *record.Instrument:
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
	case *record.Certificate:
		return due.touch(txn, r.SubjectID, r, false)
	}
	return nil
}

// refreshDue recomputes the due entry of a compulsory instrument from what
// the event changed of it.
func (b *dueBatch) refreshDue(txn *badger.Txn, id string, w *dueWork) error {
	l, c := b.lookup(txn), b.counts
	stored, err := b.instrument(txn, id)
	if err != nil || stored == nil || !stored.Compulsory {
		return err
	}
	in := new(record.Instrument)
	*in = *stored // RegisteredOn may be filled in below
	if in.RegisteredOn == "" {
		reg, err := get(txn, registeredKey(id))
		if err != nil {
			return err
		}
		in.RegisteredOn = string(reg)
	}
	key, data, err := dueOf(txn, id)
	if err != nil {
		return err
	}
	var old *dueEntry
	if data != nil {
		old = new(dueEntry)
		if err := json.Unmarshal(data, old); err != nil {
			return fmt.Errorf("due entry of %s: %w", id, err)
		}
	}
	var d rules.Due
	switch {
	case old == nil && w.fresh && !w.rebuild:
		d = rules.DueAdding(in, rules.Due{Periods: []rules.Period{}}, nil, w.added)
	case old == nil:
		// Compulsory from this event on: its verifications are read from
		// its certificates, and kept.
		certs, err := keepVerifications(txn, txn, id)
		if err != nil {
			return err
		}
		d = rules.DueOf(in, certs)
	default:
		var latest *record.Certificate
		if old.CertificateID != "" && !w.rebuild {
			kept, err := verificationOf(txn, id, old.CertificateID)
			if err != nil {
				return err
			}
			if kept != nil {
				latest = kept.certificate()
			}
		}
		if w.rebuild || old.IntervalMonths != in.IntervalMonths || old.CertificateID != "" && latest == nil {
			certs, err := verificationsOf(txn, id)
			if err != nil {
				return err
			}
			d = rules.DueOf(in, certs)
		} else {
			d = rules.DueAdding(in, rules.Due{Periods: old.Periods}, latest, w.added)
		}
	}
	e := dueEntry{InstrumentID: in.ID, InstitutionID: in.InstitutionID, Category: in.Category, RegisteredOn: in.RegisteredOn,
		IntervalMonths: in.IntervalMonths, DueOn: d.DueOn, CertificateID: d.CertificateID, IssuerID: d.IssuerID, Periods: d.Periods}
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
	return replaceDue(txn, c, &e, key, data)
}

// replaceDue puts e in place of the instrument's due entry, unless it is
// the same; key and old are where the entry is and what it holds now
// (nil when it has none).
func replaceDue(txn *badger.Txn, c counts, e *dueEntry, key, old []byte) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode due entry of %s: %w", e.InstrumentID, err)
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

// ensureVerifications gives an index written before the verification keys
// existed the keys of every instrument with a due entry, from its
// certificates (once; keyVerifications remembers), and drops the lists
// that kept them before.
func (x *Index) ensureVerifications() error {
	if done, err := x.built(keyVerifications); err != nil || done {
		return err
	}
	instruments := 0
	err := x.backfill(keyVerifications, func(txn *badger.Txn, wb *badger.WriteBatch) error {
		prefix := []byte(prefixDueOfIns)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			if _, err := keepVerifications(txn, wb, string(it.Item().Key()[len(prefix):])); err != nil {
				return err
			}
			instruments++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := x.db.DropPrefix([]byte(prefixOldLists)); err != nil {
		return err
	}
	if instruments > 0 {
		x.log.Info("verification keys built from the certificates", "instruments", instruments)
	}
	return nil
}
