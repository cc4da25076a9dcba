package contract

import (
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
	"github.com/hyperledger/fabric-contract-api-go/v2/serializer"
)

// stringSerializer passes string arguments and results through as they
// are. Every transaction function of the contract takes and returns
// strings (structured values are JSON the contract decodes strictly
// itself), and any string satisfies a string's schema, so the JSON
// serializer's per-call schema validation only costs time. Other types go
// to the JSON serializer.
type stringSerializer struct{ serializer.JSONSerializer }

// FromString returns a string argument unchanged.
func (s *stringSerializer) FromString(param string, t reflect.Type, p *metadata.ParameterMetadata, c *metadata.ComponentMetadata) (reflect.Value, error) {
	if t.Kind() == reflect.String {
		return reflect.ValueOf(param).Convert(t), nil
	}
	return s.JSONSerializer.FromString(param, t, p, c)
}

// ToString returns a string result unchanged.
func (s *stringSerializer) ToString(v reflect.Value, t reflect.Type, r *metadata.ReturnMetadata, c *metadata.ComponentMetadata) (string, error) {
	if t.Kind() == reflect.String {
		return v.String(), nil
	}
	return s.JSONSerializer.ToString(v, t, r, c)
}
