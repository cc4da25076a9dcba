package contract_test

import (
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

func TestAccessControlRefusesAndWritesNothing(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	beijingCert := *f.Certificate("NIM-2024-0001")
	beijingCert.ID, beijingCert.IssuerID = "FORGED-0001", "BJIM"
	watched := [][2]string{{"certificate", "FORGED-0001"}, {"certificate", "BJIM-2024-0100"}, {"institution", "TJ-NEW"}, {"standard", "BJ-STD-MASS"}}
	newInstitution := record.Institution{ID: "TJ-NEW", Name: "天津新站", Region: "TJ", MSPID: "TianjinMSP", Kind: "authorized_station"}
	tests := []struct {
		name string
		who  [3]string // msp, role, institution
		fn   string
		args []string
		want record.Code
		msg  string
	}{
		{"a Tianjin recorder cannot issue a certificate as a Beijing institution", [3]string{"TianjinMSP", "recorder", "TJIM"},
			"IssueCertificate", []string{mustJSON(t, beijingCert)}, record.Forbidden,
			"issue certificate FORGED-0001: TianjinMSP recorder of TJIM may not write for BJIM, which belongs to BeijingMSP"},
		{"a Tianjin admin cannot issue a certificate as a Beijing institution", [3]string{"TianjinMSP", "", ""},
			"IssueCertificate", []string{mustJSON(t, beijingCert)}, record.Forbidden,
			"issue certificate FORGED-0001: identity of TianjinMSP may not write for BJIM, which belongs to BeijingMSP"},
		{"a Tianjin identity cannot revoke a Beijing certificate", [3]string{"TianjinMSP", "recorder", "TJIM"},
			"RevokeCertificate", []string{"BJIM-2024-0100", "wrong"}, record.Forbidden,
			"revoke certificate BJIM-2024-0100: TianjinMSP recorder of TJIM may not write for BJIM, which belongs to BeijingMSP"},
		{"a recorder of another Beijing institution cannot revoke it", [3]string{"BeijingMSP", "recorder", "NIM"},
			"RevokeCertificate", []string{"BJIM-2024-0100", "wrong"}, record.Forbidden,
			"revoke certificate BJIM-2024-0100: a recorder of NIM may not write for BJIM"},
		{"an inspector cannot revoke", [3]string{"BeijingMSP", "inspector", "BJIM"},
			"RevokeCertificate", []string{"BJIM-2024-0100", "wrong"}, record.Forbidden,
			"revoke certificate BJIM-2024-0100: inspectors read; they cannot write for BJIM"},
		{"an operator cannot seal a standard", [3]string{"BeijingMSP", "operator", ""},
			"SetStandardStatus", []string{"BJ-STD-MASS", "sealed", "2024-05-01", "x"}, record.Forbidden,
			"set status of standard BJ-STD-MASS: operators register institutions and propose agreements; records of BJIM are written by its recorders"},
		{"a recorder cannot register an institution", [3]string{"TianjinMSP", "recorder", "TJIM"},
			"RegisterInstitution", []string{mustJSON(t, newInstitution)}, record.Forbidden,
			"only an operator registers institutions; caller is a recorder"},
		{"a Beijing operator cannot register a Tianjin institution", [3]string{"BeijingMSP", "operator", ""},
			"RegisterInstitution", []string{mustJSON(t, newInstitution)}, record.Forbidden,
			"BeijingMSP operator may not register TJ-NEW for TianjinMSP"},
		{"an unknown role is refused", [3]string{"TianjinMSP", "auditor", "TJIM"},
			"RevokeCertificate", []string{"BJIM-2024-0100", "wrong"}, record.Forbidden,
			"revoke certificate BJIM-2024-0100: unknown role \"auditor\" (recorder, inspector or operator)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := l.snapshot(watched...)
			_, err := l.submit(l.as(tt.who[0], tt.who[1], tt.who[2]), tt.fn, tt.args...)
			wantCode(t, err, tt.want)
			if got := err.(*record.Error).Message; got != tt.msg {
				t.Errorf("message = %q, want %q", got, tt.msg)
			}
			if after := l.snapshot(watched...); after != before {
				t.Fatalf("a refused transaction changed the ledger:\nbefore %s\nafter %s", before, after)
			}
		})
	}
}

func TestOwnersRecorderMayRevokeAndHistoryShowsBothVersions(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	out := l.mustSubmit(l.as("BeijingMSP", "recorder", "BJIM"), "RevokeCertificate", "BJIM-2024-0100", "reference weight damaged")
	cert := decode[record.Certificate](t, out)
	if cert.Status != "revoked" || cert.StatusReason != "reference weight damaged" {
		t.Fatalf("revoked certificate = %+v", cert)
	}
	type version struct {
		TxID      string             `json:"tx_id"`
		Timestamp string             `json:"timestamp"`
		IsDelete  bool               `json:"is_delete"`
		Value     record.Certificate `json:"value"`
	}
	h := decode[[]version](t, l.mustEvaluate(l.as("HebeiMSP", "", ""), "History", "certificate", "BJIM-2024-0100"))
	if len(h) != 2 || h[0].Value.Status != "valid" || h[1].Value.Status != "revoked" || h[0].TxID == h[1].TxID || h[0].Timestamp >= h[1].Timestamp {
		t.Fatalf("history = %+v, want valid then revoked, oldest first", h)
	}
	_, err := l.submit(l.as("BeijingMSP", "recorder", "BJIM"), "RevokeCertificate", "BJIM-2024-0100", "again")
	wantCode(t, err, record.Conflict)
	// The trace now reports the revocation with its reason.
	rep := traceOf(t, l, "TJ-BAL-001", "2024-06-01")
	if rep.Traceable {
		t.Fatal("traceable through a revoked certificate")
	}
}

func TestAgreementApprovalNeedsEveryPartyThroughItsRecorder(t *testing.T) {
	f := scenario.New()
	f.Approvals["AGR-JJJ-2024"] = nil
	l := newLedger(t)
	l.load(f)
	_, err := l.submit(l.as("TianjinMSP", "recorder", "TJIM"), "ApproveAgreement", "AGR-JJJ-2024", "HBIM")
	wantCode(t, err, record.Forbidden)
	_, err = l.submit(l.as("TianjinMSP", "recorder", "TJ-ENT"), "ApproveAgreement", "AGR-JJJ-2024", "")
	wantCode(t, err, record.Invalid) // TJ-ENT is not a party
	for _, p := range []struct{ msp, inst string }{{"BeijingMSP", "BJIM"}, {"TianjinMSP", "TJIM"}, {"HebeiMSP", "HBIM"}} {
		l.mustSubmit(l.as(p.msp, "recorder", p.inst), "ApproveAgreement", "AGR-JJJ-2024", "")
	}
	a := decode[record.Agreement](t, l.mustEvaluate(l.as("HebeiMSP", "", ""), "Get", "agreement", "AGR-JJJ-2024"))
	if len(a.MissingApprovals()) != 0 || a.ProposedBy != "BJIM" {
		t.Fatalf("agreement = %+v, want approved by all, proposed by BJIM", a)
	}
	_, err = l.submit(l.as("HebeiMSP", "recorder", "HBIM"), "ApproveAgreement", "AGR-JJJ-2024", "")
	wantCode(t, err, record.Conflict)
}
