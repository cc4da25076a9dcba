package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Input formats of import.
const (
	formatAuto  = "auto"
	formatJSON  = "json"  // one JSON array of records, or a stream of objects
	formatJSONL = "jsonl" // one record a line
	formatCSV   = "csv"
)

// item is one record read from an import file: where it was, its id, and
// its JSON, or why it could not be made into JSON.
type item struct {
	// Pos says where the record is, e.g. "line 3" or "record 2 (line 7)".
	Pos string `json:"position"`
	// Line is the record's first line in the file.
	Line int `json:"line"`
	// ID is the record's id, when it has one.
	ID string `json:"id,omitempty"`
	// Body is the record's JSON.
	Body json.RawMessage `json:"-"`
	// Err is a local rejection: the record never reached the server.
	Err error `json:"-"`
}

// readItems reads the records of an import file of a doc type. A file that
// cannot be read as a whole (malformed JSON array, CSV header naming no
// field) is an error; a record that cannot be converted is an item with Err.
func readItems(data []byte, name, format, docType string) ([]item, error) {
	if format == formatAuto {
		format = sniffFormat(data, name)
	}
	switch format {
	case formatJSON:
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
			return readJSONArray(data)
		}
		return readJSONStream(data)
	case formatJSONL:
		return readJSONLines(data), nil
	case formatCSV:
		return readCSV(data, docType)
	}
	return nil, usageErrorf("--format %q is not auto, json, jsonl or csv", format)
}

// sniffFormat picks a format from the file name, else from the content.
func sniffFormat(data []byte, name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson":
		return formatJSONL
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		return formatJSON
	case bytes.HasPrefix(trimmed, []byte("{")):
		// One record a line when the first line is a whole record;
		// otherwise pretty-printed objects, one after another.
		first, _, _ := bytes.Cut(trimmed, []byte("\n"))
		if json.Valid(bytes.TrimSpace(first)) {
			return formatJSONL
		}
		return formatJSON
	case strings.ToLower(filepath.Ext(name)) == ".json":
		return formatJSON
	}
	return formatCSV
}

func lineAt(data []byte, offset int64) int {
	return 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n"))
}

// startOf returns the offset where a decoded value ending at end starts
// (the decoder hands back the value's exact bytes).
func startOf(end int64, raw []byte) int64 { return end - int64(len(raw)) }

func readJSONArray(data []byte) ([]item, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("malformed JSON array: %v", err)
	}
	var items []item
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("record %d (line %d): malformed JSON: %v", n, lineAt(data, dec.InputOffset()), err)
		}
		line := lineAt(data, startOf(dec.InputOffset(), raw))
		items = append(items, newItem(fmt.Sprintf("record %d (line %d)", n, line), line, raw))
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("malformed JSON array: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the JSON array (line %d)", lineAt(data, dec.InputOffset()))
	}
	return items, nil
}

func readJSONStream(data []byte) ([]item, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var items []item
	for n := 1; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("record %d (line %d): malformed JSON: %v", n, lineAt(data, dec.InputOffset()), err)
		}
		line := lineAt(data, startOf(dec.InputOffset(), raw))
		items = append(items, newItem(fmt.Sprintf("record %d (line %d)", n, line), line, raw))
	}
}

func readJSONLines(data []byte) []item {
	var items []item
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		it := newItem(fmt.Sprintf("line %d", i+1), i+1, line)
		if !json.Valid(line) {
			var v any
			it.Err = fmt.Errorf("malformed JSON: %v", json.Unmarshal(line, &v))
		}
		items = append(items, it)
	}
	return items
}

func newItem(pos string, line int, raw []byte) item {
	it := item{Pos: pos, Line: line, Body: append(json.RawMessage(nil), raw...)}
	var head struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &head) == nil && head.ID != nil {
		it.ID = fmt.Sprint(head.ID)
	}
	return it
}

// recordTypes are the Go types of the records, which say what type each
// CSV column's field has.
var recordTypes = map[string]reflect.Type{
	record.DocInstitution: reflect.TypeFor[record.Institution](),
	record.DocCapability:  reflect.TypeFor[record.Capability](),
	record.DocStandard:    reflect.TypeFor[record.Standard](),
	record.DocInstrument:  reflect.TypeFor[record.Instrument](),
	record.DocCertificate: reflect.TypeFor[record.Certificate](),
	record.DocComparison:  reflect.TypeFor[record.Comparison](),
	record.DocAgreement:   reflect.TypeFor[record.Agreement](),
}

// column is one CSV column: the path of the field it fills and the field's
// type.
type column struct {
	path []string
	typ  reflect.Type
}

// readCSV reads records from CSV: a header row of JSON field names, nested
// fields as dotted names (range.min, uncertainty.k), arrays of scalars as
// ';'-separated cells, any other array or object as a JSON cell. An empty
// cell leaves its field out.
func readCSV(data []byte, docType string) ([]item, error) {
	t, ok := recordTypes[docType]
	if !ok {
		return nil, fmt.Errorf("no CSV layout for %q records", docType)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty CSV file: expected a header row of field names")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %v", err)
	}
	cols := make([]column, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("CSV header: column %d has no name", i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("CSV header: column %q appears twice", h)
		}
		seen[h] = true
		path := strings.Split(h, ".")
		ft, err := fieldType(t, path)
		if err != nil {
			return nil, fmt.Errorf("CSV header: column %q: %v", h, err)
		}
		cols[i] = column{path: path, typ: ft}
	}
	for i := range cols {
		for j := range cols {
			if i != j && isPrefix(cols[i].path, cols[j].path) {
				return nil, fmt.Errorf("CSV header: column %q conflicts with column %q", strings.Join(cols[i].path, "."), strings.Join(cols[j].path, "."))
			}
		}
	}
	var items []item
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("CSV line %d: %v", line, err)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		items = append(items, csvItem(row, cols, line))
	}
}

func isPrefix(a, b []string) bool {
	if len(a) >= len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func csvItem(row []string, cols []column, line int) item {
	it := item{Pos: fmt.Sprintf("line %d", line), Line: line}
	if len(row) != len(cols) {
		it.Err = fmt.Errorf("has %d fields, the header has %d", len(row), len(cols))
		if len(row) > 0 {
			it.ID = strings.TrimSpace(row[0])
		}
		return it
	}
	obj := map[string]any{}
	for i, cell := range row {
		cell = strings.TrimSpace(cell)
		name := strings.Join(cols[i].path, ".")
		if name == "id" {
			it.ID = cell
		}
		if cell == "" {
			continue
		}
		v, err := cellValue(cell, cols[i].typ)
		if err != nil {
			it.Err = fmt.Errorf("%s: %v", name, err)
			return it
		}
		set(obj, cols[i].path, v)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		it.Err = err
		return it
	}
	it.Body = body
	return it
}

func set(obj map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := obj[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[p] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

// fieldType follows a dotted path through a record type by JSON names.
func fieldType(t reflect.Type, path []string) (reflect.Type, error) {
	for i, name := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("%s has no field %q", strings.Join(path[:i], "."), name)
		}
		f, ok := jsonField(t, name)
		if !ok {
			return nil, fmt.Errorf("not a field (fields here: %s)", strings.Join(jsonFields(t), ", "))
		}
		t = f
	}
	return t, nil
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		if jsonName(t.Field(i)) == name {
			return t.Field(i).Type, true
		}
	}
	return nil, false
}

func jsonFields(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if n := jsonName(t.Field(i)); n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// cellValue converts a CSV cell to the JSON value of a field's type.
func cellValue(cell string, t reflect.Type) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return cell, nil
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.ToLower(cell))
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", cell)
		}
		return b, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err := strconv.ParseInt(cell, 10, 64); err != nil {
			return nil, fmt.Errorf("%q is not a whole number", cell)
		}
		return json.Number(cell), nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", cell)
		}
		return f, nil
	case reflect.Slice:
		if strings.HasPrefix(cell, "[") {
			return jsonCell(cell)
		}
		elem := t.Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct || elem.Kind() == reflect.Map || elem.Kind() == reflect.Slice {
			return nil, fmt.Errorf("a list of objects must be a JSON array, e.g. [{...}]")
		}
		out := []any{}
		for _, part := range strings.Split(cell, ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			v, err := cellValue(part, elem)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	// An object given whole, as JSON.
	if strings.HasPrefix(cell, "{") {
		return jsonCell(cell)
	}
	return nil, fmt.Errorf("an object must be split into dotted columns or given as JSON {...}")
}

func jsonCell(cell string) (any, error) {
	var v json.RawMessage
	if err := json.Unmarshal([]byte(cell), &v); err != nil {
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	return v, nil
}
