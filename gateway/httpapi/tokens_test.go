package httpapi_test

import (
	"context"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// TestTokensMeanWhatTheySay: a token whose institution is not registered,
// or belongs to another organization, or whose organization this gateway
// does not serve, is a 401 that reads nothing and writes nothing.
func TestTokensMeanWhatTheySay(t *testing.T) {
	e := newEnv(t)
	e.create(e.as("BeijingMSP", "operator", ""), record.DocInstitution, bjim)
	e.create(e.as("TianjinMSP", "operator", ""), record.DocInstitution, tjim)
	tj := e.as("TianjinMSP", "recorder", "TJIM")
	inst := &record.Instrument{ID: "TJIM-W-9", InstitutionID: "TJIM", Type: "weight", Manufacturer: "m", Model: "F1", Serial: "S9",
		Quantity: "mass", Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 5, Unit: "mg"}}
	w, err := e.client.Create(context.Background(), tj, record.DocInstrument, []byte(mustJSON(t, inst)),
		map[string][]byte{record.TransientOwner: []byte(`{"owner_name":"天津某厂","contact":"022-1234"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.index.WaitFor(context.Background(), w.Receipt.BlockNumber); err != nil {
		t.Fatal(err)
	}
	// The honest Tianjin inspector reads the owner; the check is not a wall.
	e.create(e.as("TianjinMSP", "operator", ""), record.DocInstitution, &record.Institution{ID: "TJ-AMR", Name: "天津市市场监督管理委员会", Region: "TJ", MSPID: "TianjinMSP", Kind: "legal_metrology"})
	if m := e.get("/api/v1/instruments/TJIM-W-9/owner", e.token(auth.RoleInspector, "TianjinMSP", "TJ-AMR")).expect(t, 200); m["owner_name"] != "天津某厂" {
		t.Fatalf("owner %v", m)
	}

	height := func() uint64 {
		h, err := e.ledger.Height(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name, role, msp, institution string
		method, path                 string
		body                         any
		msg                          string
	}{
		{"an inspector of BJIM claiming Tianjin's organization reads no owner details", auth.RoleInspector, "TianjinMSP", "BJIM",
			"GET", "/api/v1/instruments/TJIM-W-9/owner", nil, "institution BJIM of BeijingMSP, but organization TianjinMSP"},
		{"a recorder of TJIM claiming Beijing's organization writes nothing", auth.RoleRecorder, "BeijingMSP", "TJIM",
			"POST", "/api/v1/capabilities", map[string]any{"id": "CMC-X", "institution_id": "TJIM"}, "institution TJIM of TianjinMSP, but organization BeijingMSP"},
		{"an operator naming another organization's institution", auth.RoleOperator, "BeijingMSP", "TJIM",
			"GET", "/api/v1/institutions/TJIM", nil, "institution TJIM of TianjinMSP"},
		{"a recorder of an unregistered institution", auth.RoleRecorder, "TianjinMSP", "TJ-GHOST",
			"GET", "/api/v1/institutions/TJIM", nil, "institution TJ-GHOST, which is not registered"},
		{"an operator of an unknown organization", auth.RoleOperator, "EvilMSP", "",
			"POST", "/api/v1/institutions", map[string]any{"id": "EVIL", "name": "e", "region": "BJ", "msp_id": "EvilMSP", "kind": "enterprise"}, `organization "EvilMSP", which this gateway does not serve`},
		{"an inspector of an unknown organization", auth.RoleInspector, "EvilMSP", "TJIM",
			"GET", "/api/v1/instruments/TJIM-W-9/owner", nil, `organization "EvilMSP"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := height()
			r := e.do(req{method: tt.method, path: tt.path, token: e.token(tt.role, tt.msp, tt.institution), body: tt.body})
			r.expectError(t, 401, "unauthorized", tt.msg)
			if after := height(); after != before {
				t.Fatalf("height %d → %d", before, after)
			}
		})
	}
	if e.wallet.Serves("EvilMSP") {
		t.Error("the wallet serves EvilMSP")
	}
}
