package record_test

import (
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

func scale() *record.Instrument {
	return &record.Instrument{ID: "S-1", InstitutionID: "TJIM", Type: "scale", Manufacturer: "m", Model: "x", Serial: "1",
		Quantity: "mass", Range: record.Range{Min: 0, Max: 15, Unit: "kg"}, MPE: record.Value{Value: 5, Unit: "g"}}
}

func TestInstrumentLocationCategoryAndInterval(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*record.Instrument)
		newErr string // "" : a new registration is accepted
		stored bool   // Validate (stored records) accepts it
	}{
		{"a record without the new fields stays valid", func(*record.Instrument) {}, "", true},
		{"a Tianjin district with a category and interval is valid", func(in *record.Instrument) {
			in.Compulsory, in.Category, in.IntervalMonths = true, "non_automatic_weighing", 12
			in.Location = &record.Location{District: "120116", Address: "第三大街"}
		}, "", true},
		{"a compulsory instrument without category is stored but not registered", func(in *record.Instrument) { in.Compulsory = true },
			"category is required for a compulsory instrument", true},
		{"a five-digit district is refused", func(in *record.Instrument) { in.Location = &record.Location{District: "12011"} },
			`location.district "12011" is not a GB/T 2260 code of six digits`, false},
		{"a Shanghai district is refused", func(in *record.Instrument) { in.Location = &record.Location{District: "310101"} },
			"outside Beijing (11xxxx), Tianjin (12xxxx) and Hebei (13xxxx)", false},
		{"a location without district is refused", func(in *record.Instrument) { in.Location = &record.Location{Address: "x"} },
			"location.district is required", false},
		{"an unknown category is refused", func(in *record.Instrument) { in.Category = "toaster" },
			`category "toaster" is not a code of the catalogue`, false},
		{"a negative interval is refused", func(in *record.Instrument) { in.IntervalMonths = -1 },
			"interval_months must be from 1 to 120", false},
		{"registered_on is the ledger's", func(in *record.Instrument) { in.RegisteredOn = "2024-01-01" },
			"registered_on is set by the ledger", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := scale()
			tc.change(in)
			err := in.ValidateNew()
			if tc.newErr == "" && err != nil {
				t.Fatalf("ValidateNew: %v", err)
			}
			if tc.newErr != "" && (err == nil || !strings.Contains(err.Error(), tc.newErr) || record.ErrorCode(err) != record.Invalid) {
				t.Fatalf("ValidateNew = %v, want %q", err, tc.newErr)
			}
			if err := in.Validate(); (err == nil) != tc.stored {
				t.Fatalf("Validate = %v, stored valid %v", err, tc.stored)
			}
		})
	}
}

func TestAddMonthsKeepsTheDayOrTheMonthEnd(t *testing.T) {
	for from, want := range map[string]string{"2024-01-31": "2024-02-29", "2024-05-10": "2024-06-10", "2024-12-15": "2025-01-15"} {
		if got, err := record.AddMonths(from, 1); err != nil || got != want {
			t.Errorf("AddMonths(%s, 1) = %s, %v; want %s", from, got, err, want)
		}
	}
	if got, _ := record.AddMonths("2023-03-31", 11); got != "2024-02-29" {
		t.Errorf("AddMonths(2023-03-31, 11) = %s", got)
	}
}

func TestRegionOfDistrict(t *testing.T) {
	for code, want := range map[string]string{"110105": "BJ", "120116": "TJ", "130100": "HB", "310101": "", "": ""} {
		if got := record.RegionOfDistrict(code); got != want {
			t.Errorf("RegionOfDistrict(%q) = %q, want %q", code, got, want)
		}
	}
	if _, ok := record.CategoryOf("taximeter"); !ok || len(record.CategoryCodes) != len(record.Categories) {
		t.Error("taximeter is not in the catalogue")
	}
}
