package index

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Get returns a record's JSON, or a NotFound *record.Error.
func (x *Index) Get(_ context.Context, docType, id string) (json.RawMessage, error) {
	if !record.IsDocType(docType) {
		return nil, record.Errorf(record.Invalid, "unknown doc type %q", docType)
	}
	var out json.RawMessage
	err := x.db.View(func(txn *badger.Txn) error {
		v, err := get(txn, recordKey(docType, id))
		out = v
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, record.Errorf(record.NotFound, "%s %s does not exist", docType, id)
	}
	return out, nil
}

func get(txn *badger.Txn, key []byte) ([]byte, error) { return badgerdb.Get(txn, key) }

// List returns a page of records of a doc type: all of them when index is
// "", or those an index (record.Indexes) holds for value. pageSize is 1 to
// record.MaxPageSize (0: record.DefaultPageSize); pageToken is the
// NextPageToken of the previous page.
func (x *Index) List(_ context.Context, docType, index, value string, pageSize int, pageToken string) (*record.Page, error) {
	if !record.IsDocType(docType) {
		return nil, record.Errorf(record.Invalid, "unknown doc type %q", docType)
	}
	if pageSize == 0 {
		pageSize = record.DefaultPageSize
	}
	if pageSize < 1 || pageSize > record.MaxPageSize {
		return nil, record.Errorf(record.Invalid, "page_size %d must be from 1 to %d", pageSize, record.MaxPageSize)
	}
	var prefix []byte
	if index == "" {
		prefix = recordPrefix(docType)
	} else {
		if record.IndexDocType[index] != docType {
			return nil, record.Errorf(record.Invalid, "unknown index %q", index)
		}
		if value == "" {
			return nil, record.Errorf(record.Invalid, "index %s needs a value", index)
		}
		prefix = entryPrefix(index, value)
	}
	start := prefix
	if pageToken != "" {
		tok, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil || !bytes.HasPrefix(tok, prefix) {
			return nil, record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token is not a token of this list")
		}
		start = tok
	}
	page := &record.Page{Records: []json.RawMessage{}}
	err := x.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: index == "", PrefetchSize: 100})
		defer it.Close()
		for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
			key := it.Item().KeyCopy(nil)
			if len(page.Records) == pageSize {
				page.NextPageToken = base64.RawURLEncoding.EncodeToString(key)
				return nil
			}
			var data []byte
			var err error
			if index == "" {
				data, err = it.Item().ValueCopy(nil)
			} else {
				data, err = get(txn, recordKey(docType, string(key[len(prefix):])))
			}
			if err != nil {
				return err
			}
			if data != nil {
				page.Records = append(page.Records, data)
			}
		}
		return nil
	})
	return page, err
}

// Search finds records whose id, name, serial, manufacturer or model
// contains query, case-insensitively: ids that start with it first (in id
// order), then the others in id order, at most limit (1 to
// record.MaxSearchLimit+1, so that a caller can ask one more than it shows
// to tell whether there are more; 0: record.DefaultSearchLimit).
func (x *Index) Search(_ context.Context, query string, limit int) ([]record.Hit, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, record.Errorf(record.Invalid, "a search needs a query")
	}
	if limit == 0 {
		limit = record.DefaultSearchLimit
	}
	if limit < 1 || limit > record.MaxSearchLimit+1 {
		return nil, record.Errorf(record.Invalid, "limit %d must be from 1 to %d", limit, record.MaxSearchLimit)
	}
	hits := []record.Hit{}
	seen := map[string]bool{}
	err := x.db.View(func(txn *badger.Txn) error {
		lower := strings.ToLower(q)
		prefix := join(prefixSearch, lower)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixSearch), PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix) && len(hits) < limit; it.Next() {
			h, _, err := hitOf(it.Item())
			if err != nil {
				return err
			}
			hits = append(hits, h)
			seen[h.DocType+"/"+h.ID] = true
		}
		for it.Rewind(); it.Valid() && len(hits) < limit; it.Next() {
			h, terms, err := hitOf(it.Item())
			if err != nil {
				return err
			}
			if seen[h.DocType+"/"+h.ID] {
				continue
			}
			if strings.Contains(strings.ToLower(h.ID), lower) || strings.Contains(strings.ToLower(h.Name), lower) ||
				strings.Contains(strings.ToLower(terms), lower) {
				hits = append(hits, h)
			}
		}
		return nil
	})
	return hits, err
}

// hitOf reads a search entry: the hit, and the other search terms of its
// record joined by NULs. A key that is not one is an error, never an
// empty hit.
func hitOf(item *badger.Item) (record.Hit, string, error) {
	parts := strings.Split(string(item.Key()[len(prefixSearch):]), "\x00")
	if len(parts) != 3 {
		return record.Hit{}, "", fmt.Errorf("index: malformed search key %q", item.Key())
	}
	value, err := item.ValueCopy(nil)
	if err != nil {
		return record.Hit{}, "", err
	}
	name, terms, _ := strings.Cut(string(value), "\x00")
	return record.Hit{DocType: parts[1], ID: parts[2], Name: name}, terms, nil
}

// Trace runs the chaincode's trace rule over the index.
func (x *Index) Trace(_ context.Context, subjectID, at string) (rep *rules.TraceReport, err error) {
	err = x.view(func(_ *badger.Txn, l rules.Lookup) error {
		rep, err = rules.Trace(l, subjectID, at)
		return err
	})
	return rep, err
}

// Impact runs the chaincode's impact rule over the index.
func (x *Index) Impact(_ context.Context, standardID, since string, withPaths bool) (set *rules.ImpactSet, err error) {
	err = x.db.View(func(txn *badger.Txn) error {
		set, err = rules.Impact(rules.FromSource(source{txn}), standardID, since, withPaths)
		return err
	})
	return set, err
}

// ImpactPage answers one page of an impact over the index, streaming the
// usages of each affected standard from one snapshot, read ahead on two
// iterators (usageScan): memory holds the affected standards, the page and
// the usages read ahead, whatever the impact's size.
func (x *Index) ImpactPage(_ context.Context, standardID, since string, pageSize int, pageToken string) (page *rules.ImpactPage, err error) {
	err = x.db.View(func(txn *badger.Txn) error {
		src := usageScan{source{txn}}
		page, err = rules.ImpactPaged(rules.FromSource(src.source), src.EachUsage, src.EachStandardUsage, standardID, since, pageSize, pageToken)
		return err
	})
	return page, err
}

// ImpactStream streams an impact over the index from one snapshot: fn is
// called for every affected certificate, in the order of ImpactPage's
// pages, and the affected standards but the faulty one are returned.
// Memory holds the affected standards, one item and the usages read ahead
// on two iterators (usageScan: at most 15,360), whatever the impact's size
// (rules.ImpactStream); ctx ending stops the walk.
func (x *Index) ImpactStream(ctx context.Context, standardID, since string, fn func(rules.ImpactItem) error) (standards []string, err error) {
	err = x.db.View(func(txn *badger.Txn) error {
		src := usageScan{source{txn}}
		n := 0
		standards, err = rules.ImpactStream(rules.FromSource(src.source), src.EachUsage, src.EachStandardUsage, standardID, since, func(it rules.ImpactItem) error {
			if n++; n%4096 == 1 && ctx.Err() != nil { // the first item, then every 4096th
				return ctx.Err()
			}
			return fn(it)
		})
		return err
	})
	return standards, err
}

// Recognize runs the chaincode's recognition rule over the index.
func (x *Index) Recognize(_ context.Context, certificateID, by, at string) (d *rules.RecognitionDecision, err error) {
	err = x.view(func(_ *badger.Txn, l rules.Lookup) error {
		d, err = rules.Recognize(l, certificateID, by, at)
		return err
	})
	return d, err
}

// FindByDCC returns the certificates anchoring a DCC's SHA-256.
func (x *Index) FindByDCC(_ context.Context, sha256Hex string) (certs []record.Certificate, err error) {
	certs = []record.Certificate{}
	err = x.db.View(func(txn *badger.Txn) error {
		ids, err := source{txn}.IDs(record.IndexCertificatesByDCC, sha256Hex)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := rules.FromSource(source{txn}).Certificate(id)
			if err != nil {
				return err
			}
			if c != nil {
				certs = append(certs, *c)
			}
		}
		return nil
	})
	return certs, err
}
