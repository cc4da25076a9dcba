package apiclient

import (
	"fmt"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Kind is a record kind as the API names it: the plural of its routes
// (/api/v1/capabilities) and the doc_type of its records (capability).
type Kind = record.Kind

// Kinds lists the record kinds of the API in the order of docs/DESIGN.md
// ("Records").
var Kinds = record.Kinds

// ParseKind finds a kind by its plural or its doc type, in any case.
func ParseKind(name string) (Kind, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, k := range Kinds {
		if n == k.Plural || n == k.DocType {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.DocType
	}
	return Kind{}, fmt.Errorf("unknown record kind %q (one of %s)", name, strings.Join(names, ", "))
}
