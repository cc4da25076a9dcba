package contract

import (
	"reflect"
	"testing"
)

func TestStringSerializerPassesStringsThroughAndDelegatesTheRest(t *testing.T) {
	s := &stringSerializer{}
	v, err := s.FromString(`{"id":"X"}`, reflect.TypeOf(""), nil, nil)
	if err != nil || v.String() != `{"id":"X"}` {
		t.Fatalf("FromString(string) = %v, %v", v, err)
	}
	out, err := s.ToString(reflect.ValueOf("done"), reflect.TypeOf(""), nil, nil)
	if err != nil || out != "done" {
		t.Fatalf("ToString(string) = %q, %v", out, err)
	}
	n, err := s.FromString("42", reflect.TypeOf(int32(0)), nil, nil)
	if err != nil || n.Int() != 42 {
		t.Fatalf("FromString(int32) = %v, %v", n, err)
	}
	if _, err := s.FromString("many", reflect.TypeOf(int32(0)), nil, nil); err == nil {
		t.Fatal("a non-number converted to int32")
	}
}
