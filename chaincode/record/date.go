package record

import (
	"fmt"
	"time"
)

// DateLayout is the layout of every date on a record.
const DateLayout = "2006-01-02"

// ParseDate parses a "YYYY-MM-DD" date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not a valid YYYY-MM-DD date", s)
	}
	return t, nil
}

// AddYears returns the date n years after (n < 0: before) the given date.
func AddYears(date string, n int) (string, error) {
	t, err := ParseDate(date)
	if err != nil {
		return "", err
	}
	return t.AddDate(n, 0, 0).Format(DateLayout), nil
}

// DateOf formats a time as a record date in UTC.
func DateOf(t time.Time) string { return t.UTC().Format(DateLayout) }
