package record

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxBatch is the most certificates one IssueCertificates transaction
// takes. A batch of that size stays far below Fabric's event and block
// limits and the index's transaction size.
const MaxBatch = 500

// ItemError is why one item of a batch was refused: its position in the
// batch (from 0), the code and the message of its error, and, when its
// error is one sentence with a code (a field error or a reason, see
// [FieldErrorOf]), that code and its parameters.
type ItemError struct {
	Index   int       `json:"index"`
	Code    Code      `json:"code"`
	Message string    `json:"message"`
	Reason  FieldCode `json:"reason,omitempty"`
	Params  Params    `json:"params,omitempty"`
	// Fields are the field errors of an item refused for several fields
	// (Reason [ReasonItemFields]), each with its code and parameters.
	Fields []FieldError `json:"fields,omitempty"`
}

// BatchError is the error of a refused batch: nothing was written. Its
// code is the first refused item's; its message names every refused item
// as "item N: code: message", items separated by "; ", so that
// [BatchItems] recovers them from the message alone (the only thing a
// chaincode error carries through Fabric). Its details are its own reason
// ([ReasonBatchRefused], the whole message), then one per refused item
// (its "item N: ..." text, with the item's Reason and Params as code and
// params), so that [BatchItemReasons] recovers the items' codes.
func BatchError(what string, total int, items []ItemError) *Error {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("item %d: %s: %s", it.Index, it.Code, it.Message)
	}
	code := Internal
	if len(items) > 0 {
		code = items[0].Code
	}
	fe := NewFieldError("", ReasonBatchRefused, Params{"refused": strconv.Itoa(len(items)), "total": strconv.Itoa(total)},
		"%s: %d of %d refused, nothing written: %s", what, len(items), total, strings.Join(parts, "; "))
	details := []FieldError{fe}
	for i, it := range items {
		details = append(details, FieldError{Message: parts[i], Code: it.Reason, Params: it.Params, Fields: it.Fields})
	}
	return &Error{Code: code, Message: fe.Message, Details: details}
}

// BatchItemReasons is the items of a refused batch err (as [BatchItems]
// reads them from its message) with the Reason and Params its details
// carry; nil for any other error.
func BatchItemReasons(err error) []ItemError {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	items := BatchItems(e.Message)
	ds := e.details()
	if len(ds) == len(items)+1 && ds[0].Code == ReasonBatchRefused {
		for i := range items {
			items[i].Reason, items[i].Params, items[i].Fields = ds[i+1].Code, ds[i+1].Params, ds[i+1].Fields
		}
	}
	return items
}

var batchItem = regexp.MustCompile(`item (\d+): (` + codePattern() + `): `)

func codePattern() string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = string(c)
	}
	return strings.Join(names, "|")
}

// BatchItems recovers the refused items from the message of a
// [BatchError]; nil when the message is not one.
func BatchItems(message string) []ItemError {
	marker := " refused, nothing written: "
	at := strings.Index(message, marker)
	if at < 0 {
		return nil
	}
	rest := message[at+len(marker):]
	locs := batchItem.FindAllStringSubmatchIndex(rest, -1)
	var out []ItemError
	// An item starts at the start or after "; ", and runs to the next one.
	starts := func(pos int) bool { return pos == 0 || pos >= 2 && rest[pos-2:pos] == "; " }
	for i, loc := range locs {
		if !starts(loc[0]) || (loc[0] > 0 && len(out) == 0) {
			continue
		}
		end := len(rest)
		for _, next := range locs[i+1:] {
			if starts(next[0]) {
				end = next[0] - 2
				break
			}
		}
		n, err := strconv.Atoi(rest[loc[2]:loc[3]])
		if err != nil {
			continue
		}
		out = append(out, ItemError{Index: n, Code: Code(rest[loc[4]:loc[5]]), Message: rest[loc[1]:end]})
	}
	return out
}
