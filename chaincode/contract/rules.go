package contract

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Trace reports whether a standard or instrument is traceable, link by
// link, to primary standards on date at (empty: the transaction's date).
func (c *Contract) Trace(ctx contractapi.TransactionContextInterface, subjectID, at string) (string, error) {
	at, err := dateOrToday(ctx, at)
	if err != nil {
		return "", err
	}
	rep, err := rules.Trace(rules.FromSource(stateSource{ctx}), subjectID, at)
	return answer(rep, err)
}

// Impact lists what a standard affected from date since on: certificates,
// standards, instruments and institutions; with paths "true", also the path
// to each ("" or "false": without). A walk that would read more than
// record.MaxImpactUsages certificates is refused rather than left to the
// peer's execute timeout.
func (c *Contract) Impact(ctx contractapi.TransactionContextInterface, standardID, since, paths string) (string, error) {
	withPaths, err := parseFlag("paths", paths)
	if err != nil {
		return "", err
	}
	set, err := rules.ImpactWithin(rules.FromSource(stateSource{ctx}), standardID, since, withPaths, record.MaxImpactUsages)
	return answer(set, err)
}

// ImpactPage answers the impact of a standard a page at a time, each call
// bounded: at most pageSize certificates (1..record.MaxPageSize, "" for
// record.DefaultPageSize) and at most record.MaxImpactPageUsages usages
// read, with pageToken "" for the first page and then the next_page_token
// of the previous one (rules.ImpactWalk). However many certificates used
// the standard, no call walks them all.
func (c *Contract) ImpactPage(ctx contractapi.TransactionContextInterface, standardID, since, pageSize, pageToken string) (string, error) {
	size := record.DefaultPageSize
	if pageSize != "" {
		n, err := strconv.Atoi(pageSize)
		if err != nil || n < 1 || n > record.MaxPageSize {
			return "", record.Refusef(record.Invalid, record.ReasonParamInteger, record.Params{"param": "page_size", "value": pageSize, "min": "1", "max": strconv.Itoa(record.MaxPageSize)},
				"page_size must be from 1 to %d, not %q", record.MaxPageSize, pageSize)
		}
		size = n
	}
	l := rules.FromSource(stateSource{ctx})
	page, err := rules.ImpactWalk(l, stateUsagePage(ctx, l), standardID, since, size, pageToken, record.MaxImpactPageUsages)
	return answer(page, err)
}

// stateUsagePage reads a standard's usages from the certificates_by_reference
// index, a page at a time from the key of the last certificate read, with
// a paginated query: for evaluations (ImpactPage) only, since Fabric
// refuses writes in a transaction that ran one.
func stateUsagePage(ctx contractapi.TransactionContextInterface, l rules.Lookup) rules.UsagePage {
	return func(standardID, after string, limit int) ([]rules.Usage, bool, error) {
		stub := ctx.GetStub()
		bookmark := ""
		if after != "" {
			k, err := stub.CreateCompositeKey(record.IndexCertificatesByReference, []string{standardID, after})
			if err != nil {
				return nil, false, record.Errorf(record.Invalid, "page_token: %v", err)
			}
			bookmark = k
		}
		// One more than the limit: the bookmark's own key comes first again.
		it, meta, err := stub.GetStateByPartialCompositeKeyWithPagination(record.IndexCertificatesByReference, []string{standardID}, int32(limit+1), bookmark)
		if err != nil {
			return nil, false, record.Errorf(record.Internal, "certificates of %s: %v", standardID, err)
		}
		defer it.Close()
		ids, err := usageIDs(stub, it, standardID, after, limit+1)
		if err != nil {
			return nil, false, err
		}
		more := meta != nil && meta.Bookmark != ""
		if len(ids) > limit {
			ids, more = ids[:limit], true
		}
		uses, err := usagesOfIDs(l, ids)
		return uses, more, err
	}
}

// writableUsagePage reads the same pages without a paginated query, for a
// transaction that writes (a case's chunks): it ranges over the standard's
// index entries from the first, skipping those up to after, and stops one
// past the limit. It reads keys only, never a certificate it skips.
func writableUsagePage(ctx contractapi.TransactionContextInterface, l rules.Lookup) rules.UsagePage {
	return func(standardID, after string, limit int) ([]rules.Usage, bool, error) {
		stub := ctx.GetStub()
		it, err := stub.GetStateByPartialCompositeKey(record.IndexCertificatesByReference, []string{standardID})
		if err != nil {
			return nil, false, record.Errorf(record.Internal, "certificates of %s: %v", standardID, err)
		}
		defer it.Close()
		ids, err := usageIDs(stub, it, standardID, after, limit+1)
		if err != nil {
			return nil, false, err
		}
		more := len(ids) > limit
		if more {
			ids = ids[:limit]
		}
		uses, err := usagesOfIDs(l, ids)
		return uses, more, err
	}
}

// usageIDs reads certificate ids off certificates_by_reference entries,
// those after after (in key order), at most most of them.
func usageIDs(stub shim.ChaincodeStubInterface, it shim.StateQueryIteratorInterface, standardID, after string, most int) ([]string, error) {
	// Keys up to after's own are skipped by comparing the keys as they
	// are: composite keys order as their attributes do.
	afterKey := ""
	if after != "" {
		k, err := stub.CreateCompositeKey(record.IndexCertificatesByReference, []string{standardID, after})
		if err != nil {
			return nil, record.Errorf(record.Invalid, "page_token: %v", err)
		}
		afterKey = k
	}
	var ids []string
	for it.HasNext() && len(ids) < most {
		kv, err := it.Next()
		if err != nil {
			return nil, record.Errorf(record.Internal, "certificates of %s: %v", standardID, err)
		}
		if kv.Key <= afterKey {
			continue
		}
		_, attrs, err := stub.SplitCompositeKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return nil, record.Errorf(record.Internal, "certificates of %s: malformed index key", standardID)
		}
		ids = append(ids, attrs[1])
	}
	return ids, nil
}

// usagesOfIDs reduces certificates to usages.
func usagesOfIDs(l rules.Lookup, ids []string) ([]rules.Usage, error) {
	uses := make([]rules.Usage, 0, len(ids))
	for _, id := range ids {
		cert, err := l.Certificate(id)
		if err != nil {
			return nil, err
		}
		if cert == nil {
			return nil, record.Errorf(record.Internal, "index names certificate %s, which does not exist", id)
		}
		u, err := rules.UsageOf(l, cert)
		if err != nil {
			return nil, err
		}
		uses = append(uses, u)
	}
	return uses, nil
}

// Recognize decides whether institution by recognizes a certificate on date
// at (empty: the transaction's date), reporting every check.
func (c *Contract) Recognize(ctx contractapi.TransactionContextInterface, certificateID, by, at string) (string, error) {
	at, err := dateOrToday(ctx, at)
	if err != nil {
		return "", err
	}
	d, err := rules.Recognize(rules.FromSource(stateSource{ctx}), certificateID, by, at)
	return answer(d, err)
}

func parseFlag(name, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "", "false":
		return false, nil
	}
	return false, record.Errorf(record.Invalid, "%s must be true or false, not %q", name, v)
}

func dateOrToday(ctx contractapi.TransactionContextInterface, at string) (string, error) {
	if at == "" {
		return txDate(ctx)
	}
	if _, err := record.ParseDate(at); err != nil {
		return "", record.Errorf(record.Invalid, "at: %v", err)
	}
	return at, nil
}

// answer encodes a rule's answer. A rule's error that is a domain error
// (whatever its code) goes out as it is; any other error, such as a failed
// state read, becomes an internal one. Wrapping a domain error again would
// repeat its code ("internal: internal: ...").
func answer(v any, err error) (string, error) {
	if err != nil {
		var domain *record.Error
		if !errors.As(err, &domain) {
			return "", record.Errorf(record.Internal, "%v", err)
		}
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", record.Errorf(record.Internal, "encode answer: %v", err)
	}
	return string(out), nil
}

// stateSource lets the rules read the world state through the indexes.
type stateSource struct {
	ctx contractapi.TransactionContextInterface
}

// Record returns a record's JSON, nil when absent.
func (s stateSource) Record(docType, id string) ([]byte, error) {
	key, err := recordKey(s.ctx, docType, id)
	if err != nil {
		return nil, record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	return s.ctx.GetStub().GetState(key)
}

// IDs returns the ids an index holds for a value.
func (s stateSource) IDs(index, value string) ([]string, error) {
	return indexedIDs(s.ctx, index, value)
}
