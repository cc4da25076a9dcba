package record

import (
	"encoding/json"
	"slices"
)

// The wire vocabulary shared by the chaincode, the gateway, the CLI, the
// network tooling and the web console: everything a second party must spell
// the same way to talk to the contract. It lives here, beside the records,
// so no client imports the chaincode's implementation to learn a name.

// ContractName is the chaincode's name on the channel and its default
// contract; ContractVersion is the version its metadata announces.
const (
	ContractName    = "metrotrace"
	ContractVersion = "1.0.0"
)

// Fabric CA attributes the chaincode reads from the caller's enrollment
// certificate.
const (
	AttrInstitution = "metrotrace.institution"
	AttrRole        = "metrotrace.role"
)

// Roles carried in the metrotrace.role attribute and in gateway tokens.
const (
	// RoleRecorder writes the records of its institution.
	RoleRecorder = "recorder"
	// RoleInspector reads.
	RoleInspector = "inspector"
	// RoleOperator acts for its organization: it registers the
	// organization's institutions and proposes agreements.
	RoleOperator = "operator"
)

// Roles lists the known roles.
var Roles = []string{RoleRecorder, RoleInspector, RoleOperator}

// IsRole reports whether r is one of Roles.
func IsRole(r string) bool { return slices.Contains(Roles, r) }

// TransientOwner is the transient-data key that carries an instrument
// owner's private details to RegisterInstrument or SetInstrumentOwner.
const TransientOwner = "owner"

// Transaction function names of the contract.
const (
	FnRegisterInstitution  = "RegisterInstitution"
	FnRegisterCapability   = "RegisterCapability"
	FnRegisterStandard     = "RegisterStandard"
	FnRegisterInstrument   = "RegisterInstrument"
	FnIssueCertificate     = "IssueCertificate"
	FnIssueCertificates    = "IssueCertificates"
	FnRecordComparison     = "RecordComparison"
	FnProposeAgreement     = "ProposeAgreement"
	FnSetStandardStatus    = "SetStandardStatus"
	FnRevokeCertificate    = "RevokeCertificate"
	FnSupersedeCertificate = "SupersedeCertificate"
	FnAddComparisonResults = "AddComparisonResults"
	FnApproveAgreement     = "ApproveAgreement"
	FnSetInstrumentOwner   = "SetInstrumentOwner"
	FnOpenCase             = "OpenCase"
	FnContinueCase         = "ContinueCase"
	FnResolveNotice        = "ResolveNotice"

	FnRegisterSigningCertificate = "RegisterSigningCertificate"
	FnRevokeSigningCertificate   = "RevokeSigningCertificate"

	FnGet                = "Get"
	FnHistory            = "History"
	FnList               = "List"
	FnGetInstrumentOwner = "GetInstrumentOwner"
	FnTrace              = "Trace"
	FnImpact             = "Impact"
	FnImpactPage         = "ImpactPage"
	FnRecognize          = "Recognize"
	FnFindByDCC          = "FindByDCC"
	FnGetIdempotentWrite = "GetIdempotentWrite"
)

// EvaluateFunctions are the contract's read-only functions.
var EvaluateFunctions = []string{FnGet, FnHistory, FnList, FnGetInstrumentOwner, FnTrace, FnImpact, FnImpactPage, FnRecognize, FnFindByDCC, FnGetIdempotentWrite}

// Kind is a record kind: the doc type of its records, the plural its HTTP
// routes use (/api/v1/capabilities), the function that creates one, and
// the roles that may ask for that (the chaincode then checks the
// institution and organization).
type Kind struct {
	DocType  string   `json:"doc_type"`
	Plural   string   `json:"plural"`
	Create   string   `json:"create"`
	Creators []string `json:"creators"`
}

var (
	recorderOnly = []string{RoleRecorder}
	orgActors    = []string{RoleRecorder, RoleOperator}
)

// Kinds lists the record kinds in the order of the design.
var Kinds = []Kind{
	{DocInstitution, "institutions", FnRegisterInstitution, orgActors},
	{DocCapability, "capabilities", FnRegisterCapability, recorderOnly},
	{DocStandard, "standards", FnRegisterStandard, recorderOnly},
	{DocInstrument, "instruments", FnRegisterInstrument, recorderOnly},
	{DocCertificate, "certificates", FnIssueCertificate, recorderOnly},
	{DocComparison, "comparisons", FnRecordComparison, recorderOnly},
	{DocAgreement, "agreements", FnProposeAgreement, orgActors},
	{DocSigningCertificate, "signing-certificates", FnRegisterSigningCertificate, orgActors},
}

// KindOf returns the kind of a doc type.
func KindOf(docType string) (Kind, bool) {
	for _, k := range Kinds {
		if k.DocType == docType {
			return k, true
		}
	}
	return Kind{}, false
}

// Page limits of every list, on the ledger and in the index.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// MaxImpactUsages bounds the contract's Impact evaluation: it refuses a
// walk that reads more certificates than this (about what a peer reads in
// a few seconds) instead of running until the peer's execute timeout. The
// gateway's index answers larger impacts.
const MaxImpactUsages = 50000

// MaxImpactPageUsages bounds one call of the contract's ImpactPage: it
// reads at most this many usages (a certificate and its subject each,
// well inside a second of a peer's time) and hands the rest of the walk on
// in its page token.
const MaxImpactPageUsages = 2000

// Search limits.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// Version is one version of a record in its history.
type Version struct {
	TxID      string          `json:"tx_id"`
	Timestamp string          `json:"timestamp"`
	IsDelete  bool            `json:"is_delete"`
	Value     json.RawMessage `json:"value"`
	// BlockNumber is the block of the transaction. The ledger's history
	// has none; the gateway fills it from its index.
	BlockNumber *uint64 `json:"block_number,omitempty"`
}

// Page is one page of a list as the gateway answers it. NextPageToken,
// when not empty, asks for the next page.
type Page struct {
	Records       []json.RawMessage `json:"records"`
	NextPageToken string            `json:"next_page_token"`
}

// LedgerPage is one page of the contract's List: the records, their count
// and Fabric's bookmark of the next page.
type LedgerPage struct {
	Records  []json.RawMessage `json:"records"`
	Count    int               `json:"count"`
	Bookmark string            `json:"bookmark"`
}

// Hit is one search result: a record named by its doc type and id.
type Hit struct {
	DocType string `json:"doc_type"`
	ID      string `json:"id"`
	Name    string `json:"name"`
}
