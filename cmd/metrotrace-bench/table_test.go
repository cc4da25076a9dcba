package main

import (
	"strings"
	"testing"
)

func sampleTable() *table {
	return &table{Title: "T", Rows: []row{
		{What: "trace", Measured: "p99 1.03 ms", Baseline: "get p99 0.040 ms", Ratio: "26.0 ×", Target: "p99 ≤ 2 ms"},
		{What: "build", Measured: "12 s"},
		{What: "a|b", Measured: "x"},
	}, Notes: []string{"note one"}}
}

func TestTableText(t *testing.T) {
	var b strings.Builder
	if err := sampleTable().write(&b, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "T" || !strings.HasPrefix(lines[1], "what") || !strings.HasPrefix(lines[2], "----") {
		t.Fatalf("header:\n%s", b.String())
	}
	// Columns line up: "measured" starts where every row's value starts.
	col := strings.Index(lines[1], "measured")
	for _, l := range lines[3:6] {
		if r := []rune(l); len(r) <= col || r[col-1] != ' ' || r[col] == ' ' {
			t.Errorf("misaligned row %q (column %d)", l, col)
		}
	}
	if !strings.Contains(lines[4], "build") || !strings.Contains(lines[4], "–") {
		t.Errorf("empty cells are not dashes: %q", lines[4])
	}
	if !strings.Contains(b.String(), "  * note one\n") {
		t.Errorf("notes missing:\n%s", b.String())
	}
}

func TestTableMarkdown(t *testing.T) {
	var b strings.Builder
	if err := sampleTable().write(&b, true); err != nil {
		t.Fatal(err)
	}
	want := "**T**\n\n" +
		"| what | measured | baseline (same run) | ratio | design target |\n" +
		"|---|---|---|---|---|\n" +
		"| trace | p99 1.03 ms | get p99 0.040 ms | 26.0 × | p99 ≤ 2 ms |\n" +
		"| build | 12 s | – | – | – |\n" +
		`| a\|b | x | – | – | – |` + "\n\n" +
		"- note one\n\n"
	if b.String() != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", b.String(), want)
	}
}
