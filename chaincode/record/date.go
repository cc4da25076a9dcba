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

// Bounds of a plausible date on a record: nothing in metrology's records
// happened before 1900, and nothing stays valid beyond 2200; a year outside
// is a typing error (0001-01-01, 9999-12-31) that would otherwise sort
// before or after every real date.
const (
	MinYear = 1900
	MaxYear = 2200
)

// PlausibleDate checks that value is a YYYY-MM-DD date with a year from
// [MinYear] to [MaxYear], naming the field.
func PlausibleDate(field, value string) error {
	t, err := ParseDate(value)
	if err != nil {
		return invalid(field, FieldBadDate, Params{"value": value}, "%s: %v", field, err)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return invalid(field, FieldImplausibleDate, Params{"value": value, "min": itoa(MinYear), "max": itoa(MaxYear)}, "%s %s is not a plausible date (years %d to %d)", field, value, MinYear, MaxYear)
	}
	return nil
}

// NotAfter checks that a date something happened on (performed_on,
// completed_on) is not after today, the transaction's date.
func NotAfter(field, value, today string) error {
	if value > today {
		return invalid(field, FieldAfterToday, Params{"value": value, "today": today}, "%s %s is after the transaction's date %s", field, value, today)
	}
	return nil
}

// AddMonths returns the date n months after the given date, on the same
// day of the month, or on the month's last day when it has no such day
// (2024-01-31 + 1 month = 2024-02-29), as intervals are counted.
func AddMonths(date string, n int) (string, error) {
	t, err := ParseDate(date)
	if err != nil {
		return "", err
	}
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := min(t.Day(), last)
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC).Format(DateLayout), nil
}

// AddDays returns the date n days after (n < 0: before) the given date.
func AddDays(date string, n int) (string, error) {
	t, err := ParseDate(date)
	if err != nil {
		return "", err
	}
	return t.AddDate(0, 0, n).Format(DateLayout), nil
}
