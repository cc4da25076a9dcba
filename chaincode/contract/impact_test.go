package contract_test

import (
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

func TestImpactListsExactlyWhatWasCalibratedAfterTheDate(t *testing.T) {
	f := scenario.New()
	// Calibrated before the standard was affected: must not be listed.
	f.Certificates = append(f.Certificates,
		&record.Certificate{ID: "BJIM-2023-0099", Kind: "calibration", IssuerID: "BJIM", SubjectID: "TJ-ENT-STD", ReferenceIDs: []string{"BJ-STD-MASS"},
			Quantity: "mass", PerformedOn: "2023-03-01", ValidUntil: "2024-02-29", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: scenario.UP(0.3, "mg")}}},
		// Verified by the working standard before the working standard was affected (2024-04-01).
		&record.Certificate{ID: "TJENT-2024-0031", Kind: "verification", IssuerID: "TJ-ENT", SubjectID: "TJ-BAL-002", ReferenceIDs: []string{"TJ-ENT-WS"},
			Quantity: "mass", PerformedOn: "2024-03-15", ValidUntil: "2025-03-14", Method: "JJG 1036-2022", Conformity: "pass"},
		// Verified after: affected through the working standard.
		&record.Certificate{ID: "TJENT-2024-0050", Kind: "verification", IssuerID: "TJ-ENT", SubjectID: "TJ-BAL-002", ReferenceIDs: []string{"TJ-ENT-WS"},
			Quantity: "mass", PerformedOn: "2024-05-20", ValidUntil: "2025-05-19", Method: "JJG 1036-2022", Conformity: "pass"},
	)
	f.Instruments = append(f.Instruments, &record.Instrument{ID: "TJ-BAL-002", InstitutionID: "TJ-ENT", Type: "electronic balance",
		Manufacturer: "Mettler Toledo", Model: "ME204", Serial: "C55", Quantity: "mass", Range: record.Range{Min: 0, Max: 220, Unit: "g"},
		MPE: record.Value{Value: 1, Unit: "mg"}})
	l := newLedger(t)
	l.load(f)
	set := decode[rules.ImpactSet](t, l.mustEvaluate(l.as("BeijingMSP", "inspector", "BJIM"), "Impact", "BJ-STD-MASS", "2024-02-01", "true"))
	want := rules.ImpactSet{
		StandardID:   "BJ-STD-MASS",
		Since:        "2024-02-01",
		Certificates: []string{"BJIM-2024-0100", "TJENT-2024-0007", "TJENT-2024-0042", "TJENT-2024-0050"},
		Instruments:  []string{"TJ-BAL-001", "TJ-BAL-002"},
		Standards:    []string{"TJ-ENT-STD", "TJ-ENT-WS"},
		Institutions: []string{"BJIM", "TJ-ENT"},
		Paths: map[string][]string{
			"BJIM-2024-0100":  {"BJ-STD-MASS", "BJIM-2024-0100"},
			"BJIM":            {"BJ-STD-MASS", "BJIM-2024-0100"},
			"TJ-ENT-STD":      {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD"},
			"TJ-ENT":          {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD"},
			"TJENT-2024-0007": {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007"},
			"TJ-ENT-WS":       {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007", "TJ-ENT-WS"},
			"TJENT-2024-0042": {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007", "TJ-ENT-WS", "TJENT-2024-0042"},
			"TJ-BAL-001":      {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007", "TJ-ENT-WS", "TJENT-2024-0042", "TJ-BAL-001"},
			"TJENT-2024-0050": {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007", "TJ-ENT-WS", "TJENT-2024-0050"},
			"TJ-BAL-002":      {"BJ-STD-MASS", "BJIM-2024-0100", "TJ-ENT-STD", "TJENT-2024-0007", "TJ-ENT-WS", "TJENT-2024-0050", "TJ-BAL-002"},
		},
	}
	if !reflect.DeepEqual(set, want) {
		t.Fatalf("impact =\n%+v\nwant\n%+v", set, want)
	}
}

func TestImpactAfterEveryUseIsEmpty(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	set := decode[rules.ImpactSet](t, l.mustEvaluate(l.as("BeijingMSP", "inspector", "BJIM"), "Impact", "BJ-STD-MASS", "2024-03-02", ""))
	if len(set.Certificates)+len(set.Instruments)+len(set.Standards)+len(set.Institutions) != 0 {
		t.Fatalf("impact after the last use = %+v, want nothing", set)
	}
}

func TestImpactRefusesBadInput(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	viewer := l.as("BeijingMSP", "inspector", "BJIM")
	_, err := l.evaluate(viewer, "Impact", "BJ-STD-MASS", "yesterday", "")
	wantCode(t, err, record.Invalid)
	_, err = l.evaluate(viewer, "Impact", "TJ-BAL-001", "2024-01-01", "")
	wantCode(t, err, record.NotFound)
	_, err = l.evaluate(viewer, "Impact", "BJ-STD-MASS", "2024-01-01", "yes")
	wantCode(t, err, record.Invalid)
	// Without paths the answer lists the same ids and no paths.
	bare := decode[rules.ImpactSet](t, l.mustEvaluate(viewer, "Impact", "BJ-STD-MASS", "2024-02-01", "false"))
	if bare.Paths != nil || len(bare.Certificates) != 3 || len(bare.Instruments) != 1 {
		t.Fatalf("impact without paths = %+v", bare)
	}
}
