package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestReadCSVBuildsNestedRecordsFromDottedColumns(t *testing.T) {
	data := "id,issuer_id,reference_ids,results,performed_on,conformity\n" +
		"C-1,TJIM,STD-1; STD-2,\"[{\"\"value\"\":1,\"\"unit\"\":\"\"kg\"\"}]\",2024-01-02,\n" +
		"C-2,TJIM,,,2024-01-03,pass\n"
	items, err := readItems([]byte(data), "certs.csv", formatAuto, "certificate")
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"id": "C-1", "issuer_id": "TJIM", "reference_ids": []any{"STD-1", "STD-2"},
			"results": []any{map[string]any{"value": 1.0, "unit": "kg"}}, "performed_on": "2024-01-02"},
		{"id": "C-2", "issuer_id": "TJIM", "performed_on": "2024-01-03", "conformity": "pass"},
	}
	if len(items) != len(want) {
		t.Fatalf("%d items", len(items))
	}
	for i, it := range items {
		var got map[string]any
		if it.Err != nil || json.Unmarshal(it.Body, &got) != nil {
			t.Fatalf("item %d: %v %s", i, it.Err, it.Body)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("item %d:\n got %v\nwant %v", i, got, want[i])
		}
		if it.Pos != []string{"line 2", "line 3"}[i] || it.ID != want[i]["id"] {
			t.Errorf("item %d at %q id %q", i, it.Pos, it.ID)
		}
	}
}

func TestReadCSVConvertsTypesByField(t *testing.T) {
	data := "id,range.min,range.max,range.unit,mpe.value,mpe.unit,compulsory\n" +
		"I-1,0,20.5,kg,1e-3,g,true\n" +
		"I-2,zero,1,kg,1,g,false\n" +
		"I-3,0,1,kg,1,g,maybe\n" +
		"I-4,0,1\n"
	items, err := readItems([]byte(data), "x.csv", formatCSV, "instrument")
	if err != nil {
		t.Fatal(err)
	}
	var first map[string]any
	if err := json.Unmarshal(items[0].Body, &first); err != nil {
		t.Fatal(err)
	}
	if first["compulsory"] != true || first["range"].(map[string]any)["max"] != 20.5 || first["mpe"].(map[string]any)["value"] != 0.001 {
		t.Errorf("converted to %v", first)
	}
	for i, want := range map[int]string{1: `range.min: "zero" is not a number`, 2: `compulsory: "maybe" is not true or false`, 3: "has 3 fields, the header has 7"} {
		if items[i].Err == nil || !strings.Contains(items[i].Err.Error(), want) {
			t.Errorf("line %d: %v, want %q", i+2, items[i].Err, want)
		}
	}
}

func TestReadCSVRefusesAHeaderThatIsNotTheRecord(t *testing.T) {
	for name, header := range map[string]string{
		"an unknown field":        "id,colour",
		"an unknown nested field": "id,range.colour",
		"a field under a scalar":  "id,quantity.unit",
		"a column twice":          "id,id",
		"a column with no name":   "id,,quantity",
		"conflicting columns":     "id,range,range.min",
		"an empty file":           "",
		"a stray quote":           "id,\"quantity",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := readItems([]byte(header+"\n"), "x.csv", formatCSV, "capability"); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestReadJSONKeepsPositions(t *testing.T) {
	tests := []struct {
		name, file, data string
		pos              []string
		bad              int // index of the item with a local error, -1 for none
	}{
		{"an array", "a.json", "[\n {\"id\": \"A\"},\n\n {\"id\": \"B\"}\n]", []string{"record 1 (line 2)", "record 2 (line 4)"}, -1},
		{"json lines", "a.jsonl", "{\"id\":\"A\"}\n\n{\"id\":\"B\"\n{\"id\":\"C\"}\n", []string{"line 1", "line 3", "line 4"}, 1},
		{"json lines sniffed", "stdin", "{\"id\":\"A\"}\n{\"id\":\"B\"}\n", []string{"line 1", "line 2"}, -1},
		{"pretty objects one after another", "a.json", "{\n \"id\": \"A\"\n}\n{\n \"id\": \"B\"\n}\n", []string{"record 1 (line 1)", "record 2 (line 4)"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := readItems([]byte(tt.data), tt.file, formatAuto, "capability")
			if err != nil {
				t.Fatal(err)
			}
			var pos []string
			for i, it := range items {
				pos = append(pos, it.Pos)
				if (it.Err != nil) != (i == tt.bad) {
					t.Errorf("item %d error %v", i, it.Err)
				}
			}
			if !reflect.DeepEqual(pos, tt.pos) {
				t.Errorf("positions %q, want %q", pos, tt.pos)
			}
		})
	}
	if _, err := readItems([]byte("[{\"id\":\"A\"}, {\"id\": ]"), "a.json", formatAuto, "capability"); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("a malformed array: %v", err)
	}
}

func TestEnvironmentFallsBackForUnsetFlags(t *testing.T) {
	m := NewMain(nil, nil)
	getenv := func(k string) string {
		return map[string]string{"METROTRACE_LISTEN": "127.0.0.1:9999", "METROTRACE_DATA_DIR": "/from/env", "METROTRACE_NO_DEMO": "true"}[k]
	}
	if err := parseServeFlags(m, getenv, []string{"--data-dir", "/from/flag"}); err != nil {
		t.Fatal(err)
	}
	if m.Config.Listen != "127.0.0.1:9999" || m.Config.DataDir != "/from/flag" || !m.Config.NoDemo {
		t.Errorf("config %+v", m.Config)
	}
	m = NewMain(nil, nil)
	getenv = func(k string) string { return map[string]string{"METROTRACE_TOKEN_TTL": "forever"}[k] }
	if err := parseServeFlags(m, getenv, nil); err == nil || !strings.Contains(err.Error(), "METROTRACE_TOKEN_TTL") {
		t.Errorf("a bad environment value: %v", err)
	}
	m = NewMain(nil, nil)
	if err := parseServeFlags(m, nil, nil); err != nil || m.Config != DefaultConfig() || m.Config.Listen != "127.0.0.1:8080" || m.Config.DataDir != "./metrotrace-data" {
		t.Errorf("defaults %+v, %v", m.Config, err)
	}
}
