package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Vocabulary is the answer of GET /vocabulary: the names a client must
// spell as the contract does — record kinds with their routes and
// creators, roles, regions, the contract and the page limits — so the web
// console and other clients keep no list of their own.
type Vocabulary struct {
	Contract        ContractInfo  `json:"contract"`
	Kinds           []record.Kind `json:"kinds"`
	Roles           []string      `json:"roles"`
	Regions         []string      `json:"regions"`
	Actions         []Action      `json:"actions"`
	DefaultPageSize int           `json:"default_page_size"`
	MaxPageSize     int           `json:"max_page_size"`
	// Categories is the catalogue of compulsorily managed instruments and
	// Districts the named GB/T 2260 codes (code → name), for the filters of
	// the supervision lists.
	Categories []record.Category `json:"categories"`
	Districts  map[string]string `json:"districts"`
}

// Action is a change of an existing record: its name, the doc type it
// changes, its route and the roles that may ask for it (the chaincode then
// checks the record is the caller's institution's).
type Action struct {
	Name    string   `json:"name"`
	DocType string   `json:"doc_type"`
	Path    string   `json:"path"`
	Roles   []string `json:"roles"`
}

// actions are the changes of existing records the API offers; routes
// authorizes them with these roles, and /vocabulary lists them, so a
// client offers an action only to a role that may take it.
var actions = []Action{
	{"status", record.DocStandard, "/standards/{id}/status", recorderOnly},
	{"revoke", record.DocCertificate, "/certificates/{id}/revoke", recorderOnly},
	{"supersede", record.DocCertificate, "/certificates/{id}/supersede", recorderOnly},
	{"results", record.DocComparison, "/comparisons/{id}/results", recorderOnly},
	{"approve", record.DocAgreement, "/agreements/{id}/approve", recorderOnly},
}

// actionRoles returns the roles of the action at path.
func actionRoles(path string) []string {
	for _, a := range actions {
		if a.Path == path {
			return a.Roles
		}
	}
	panic("httpapi: no action at " + path)
}

// ContractInfo names the chaincode the gateway talks to.
type ContractInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// vocabulary handles GET /vocabulary, which is public: it holds no data.
func (s *Server) vocabulary(c echo.Context) error {
	return c.JSON(http.StatusOK, Vocabulary{
		Contract:        ContractInfo{Name: record.ContractName, Version: record.ContractVersion},
		Kinds:           record.Kinds,
		Roles:           record.Roles,
		Regions:         record.Regions,
		Actions:         actions,
		DefaultPageSize: record.DefaultPageSize,
		MaxPageSize:     record.MaxPageSize,
		Categories:      record.Categories,
		Districts:       record.DistrictNames,
	})
}
