package index

import (
	"encoding/json"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

func recordKey(docType, id string) []byte { return join(prefixRecord, docType, "/", id) }

func recordPrefix(docType string) []byte { return join(prefixRecord, docType, "/") }

func entryPrefix(index, value string) []byte { return join(prefixEntry, index, "/", value, "\x00") }

func entryKey(index, value, id string) []byte {
	return join(prefixEntry, index, "/", value, "\x00", id)
}

func searchKey(docType, id string) []byte {
	return join(prefixSearch, strings.ToLower(id), "\x00", docType, "\x00", id)
}

func standardUsagesPrefix(referenceID string) []byte {
	return join(prefixStandardUsages, referenceID, "\x00")
}

func standardUsageKey(referenceID, certificateID string) []byte {
	return join(prefixStandardUsages, referenceID, "\x00", certificateID)
}

func usageSplitsPrefix(referenceID string) []byte {
	return join(prefixUsageSplits, referenceID, "\x00")
}

func usageSplitKey(referenceID, certificateID string) []byte {
	return join(prefixUsageSplits, referenceID, "\x00", certificateID)
}

// putUsage stores a certificate's certificates_by_reference entry under a
// reference standard, and the split key of the standard's usages when the
// certificate is one of those that split them (splitsUsages).
func putUsage(set func(k, v []byte) error, referenceID, certificateID string, usage []byte) error {
	if err := set(entryKey(record.IndexCertificatesByReference, referenceID, certificateID), usage); err != nil {
		return err
	}
	if splitsUsages(certificateID) {
		return set(usageSplitKey(referenceID, certificateID), nil)
	}
	return nil
}

func blockKey(txID string) []byte { return join(prefixBlock, txID) }

func join(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// entries returns a record's index entries (the chaincode's indexes), the
// name search shows for it and the record decoded (nil for a type the
// index does not know).
func entries(docType string, data []byte) (map[string][]string, string, any, error) {
	var v any
	name := func() string { return "" }
	switch docType {
	case record.DocCertificate:
		c := &record.Certificate{}
		v, name = c, func() string { return c.Kind + " of " + c.SubjectID + " by " + c.IssuerID }
	case record.DocStandard:
		s := &record.Standard{}
		v, name = s, func() string { return s.Name }
	case record.DocInstrument:
		in := &record.Instrument{}
		v, name = in, func() string { return in.Type + " " + in.Model }
	case record.DocCapability:
		c := &record.Capability{}
		v, name = c, func() string { return c.Quantity + " " + c.Method }
	case record.DocAgreement:
		a := &record.Agreement{}
		v, name = a, func() string { return strings.Join(a.Quantities, ", ") }
	case record.DocComparison:
		c := &record.Comparison{}
		v, name = c, func() string { return c.Quantity + " comparison piloted by " + c.PilotID }
	case record.DocSigningCertificate:
		sc := &record.SigningCertificate{}
		v, name = sc, func() string { return sc.Subject }
	case record.DocInstitution:
		in := &record.Institution{}
		v, name = in, func() string { return in.Name }
	case record.DocCase:
		c := &record.Case{}
		v, name = c, func() string { return "out-of-tolerance case of " + c.StandardID }
	case record.DocNotice:
		n := &record.Notice{}
		v, name = n, func() string { return "notice of case " + n.CaseID + " to " + n.InstitutionID }
	case record.DocNoticeItem:
		it := &record.NoticeItem{}
		v, name = it, func() string { return "certificate " + it.CertificateID + " of notice " + it.NoticeID }
	default:
		return nil, "", nil, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, "", nil, err
	}
	return record.IndexEntries(v), name(), v, nil
}

// putRecord stores a record's new version with its index, search and
// supervision entries (day: the date of its transaction, "" unknown; due
// gathers the due entries to recompute at the end of the event). Indexed
// fields never change once written, so entries only grow.
func putRecord(txn *badger.Txn, due *dueBatch, r record.EventRecord, day string) error {
	if !record.IsDocType(r.DocType) {
		return nil // a newer chaincode's record: not ours to index
	}
	e, name, v, err := entries(r.DocType, r.Record)
	if err != nil {
		return err
	}
	first := false
	if in, ok := v.(*record.Instrument); ok {
		prev, err := due.instrument(txn, r.ID)
		if err != nil {
			return err
		}
		first = prev == nil
		due.wrote(in)
	}
	if err := txn.Set(recordKey(r.DocType, r.ID), r.Record); err != nil {
		return err
	}
	var usage []byte
	var refs []string // the references of a certificate of a standard
	if c, ok := v.(*record.Certificate); ok {
		// A certificate's entries under its reference standards carry what
		// the impact walk needs, so it reads no certificate or subject.
		u, err := rules.UsageOf(due.lookup(txn), c)
		if err != nil {
			return err
		}
		usage = u.Encode()
		if u.SubjectDocType == record.DocStandard {
			refs = c.ReferenceIDs
		}
	}
	for _, ref := range refs {
		if err := txn.Set(standardUsageKey(ref, r.ID), usage); err != nil {
			return err
		}
	}
	for idx, values := range e {
		for _, v := range values {
			var err error
			if idx == record.IndexCertificatesByReference {
				err = putUsage(txn.Set, v, r.ID, usage)
			} else {
				err = txn.Set(entryKey(idx, v, r.ID), nil)
			}
			if err != nil {
				return err
			}
		}
	}
	if err := txn.Set(searchKey(r.DocType, r.ID), searchValue(r.DocType, name, r.Record)); err != nil {
		return err
	}
	return updateSupervision(txn, due, v, day, first)
}

// searchValue is what a search entry holds: the name a hit shows, then,
// after a NUL, the other words a search matches (an instrument's serial,
// manufacturer and model).
func searchValue(docType, name string, raw []byte) []byte {
	if docType != record.DocInstrument {
		return []byte(name)
	}
	var f struct {
		Serial       string `json:"serial"`
		Manufacturer string `json:"manufacturer"`
		Model        string `json:"model"`
	}
	_ = json.Unmarshal(raw, &f) // a record that decodes was indexed above
	var terms []string
	for _, t := range []string{f.Serial, f.Manufacturer, f.Model} {
		if t != "" {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return []byte(name)
	}
	return []byte(name + "\x00" + strings.Join(terms, "\x00"))
}
