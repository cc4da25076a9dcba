package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// row is one line of a result table: what was measured, the value, the
// baseline measured in the same run, their ratio and the design target.
type row struct {
	What, Measured, Baseline, Ratio, Target string
}

// table is a titled result table with notes under it.
type table struct {
	Title string
	Rows  []row
	Notes []string
}

var header = row{"what", "measured", "baseline (same run)", "ratio", "design target"}

// cells returns a row's cells, "–" for empty ones.
func (r row) cells() []string {
	c := []string{r.What, r.Measured, r.Baseline, r.Ratio, r.Target}
	for i, s := range c {
		if s == "" {
			c[i] = "–"
		}
	}
	return c
}

// write prints the table as aligned text, or as a Markdown table (the
// README's format) when markdown is set.
func (t *table) write(w io.Writer, markdown bool) error {
	var b strings.Builder
	if markdown {
		fmt.Fprintf(&b, "**%s**\n\n", t.Title)
		line := func(c []string) {
			for i := range c {
				c[i] = strings.ReplaceAll(c[i], "|", `\|`)
			}
			b.WriteString("| " + strings.Join(c, " | ") + " |\n")
		}
		line(header.cells())
		b.WriteString("|---|---|---|---|---|\n")
		for _, r := range t.Rows {
			line(r.cells())
		}
		if len(t.Notes) > 0 {
			b.WriteString("\n")
		}
		for _, n := range t.Notes {
			b.WriteString("- " + n + "\n")
		}
	} else {
		all := [][]string{header.cells()}
		for _, r := range t.Rows {
			all = append(all, r.cells())
		}
		width := make([]int, len(all[0]))
		for _, c := range all {
			for i, s := range c {
				width[i] = max(width[i], utf8.RuneCountInString(s))
			}
		}
		fmt.Fprintf(&b, "%s\n", t.Title)
		for n, c := range all {
			for i, s := range c {
				if i == len(c)-1 {
					b.WriteString(s)
				} else {
					b.WriteString(s + strings.Repeat(" ", width[i]-utf8.RuneCountInString(s)+2))
				}
			}
			b.WriteString("\n")
			if n == 0 {
				total := 0
				for _, w := range width {
					total += w + 2
				}
				b.WriteString(strings.Repeat("-", total-2) + "\n")
			}
		}
		for _, n := range t.Notes {
			b.WriteString("  * " + n + "\n")
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
