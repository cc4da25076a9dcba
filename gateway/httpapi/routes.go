package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// Prefix is the path every API route lives under.
const Prefix = "/api/v1"

// kind is a record kind as the API names it.
type kind struct {
	plural  string
	docType string
	// creators are the roles that may create one; the chaincode then
	// checks the institution and organization.
	creators []string
	// filters maps a list query parameter to the index it selects.
	filters map[string]string
}

var (
	recorders = []string{auth.RoleRecorder}
	orgActors = []string{auth.RoleRecorder, auth.RoleOperator}
	readers   = []string{auth.RoleInspector, auth.RoleRecorder, auth.RoleOperator}
)

var kinds = []kind{
	{"institutions", record.DocInstitution, orgActors, nil},
	{"capabilities", record.DocCapability, recorders, map[string]string{"institution": record.IndexCapabilitiesByInstitution}},
	{"standards", record.DocStandard, recorders, map[string]string{"institution": record.IndexStandardsByInstitution}},
	{"instruments", record.DocInstrument, recorders, map[string]string{"institution": record.IndexInstrumentsByInstitution}},
	{"certificates", record.DocCertificate, recorders, map[string]string{
		"subject":    record.IndexCertificatesBySubject,
		"reference":  record.IndexCertificatesByReference,
		"issuer":     record.IndexCertificatesByIssuer,
		"dcc_sha256": record.IndexCertificatesByDCC,
	}},
	{"comparisons", record.DocComparison, recorders, map[string]string{"institution": record.IndexComparisonsByInstitution}},
	{"agreements", record.DocAgreement, orgActors, map[string]string{"party": record.IndexAgreementsByParty}},
}

// routes registers every route. API routes run authorize (unless public),
// then readBody, then validate against the OpenAPI document.
func (s *Server) routes() {
	e := s.echo
	api := func(method, path string, h echo.HandlerFunc, roles []string, body bodyKind) {
		mw := []echo.MiddlewareFunc{matched}
		if roles != nil {
			mw = append(mw, s.authorize(roles...))
		}
		mw = append(mw, readBody(body), s.validate)
		e.Add(method, Prefix+path, h, mw...)
	}
	for _, k := range kinds {
		base := "/" + k.plural
		api(http.MethodPost, base, s.create(k), k.creators, jsonBody)
		api(http.MethodGet, base, s.list(k), readers, noBody)
		api(http.MethodGet, base+"/:id", s.get(k), readers, noBody)
		api(http.MethodGet, base+"/:id/history", s.history(k), readers, noBody)
	}
	api(http.MethodPost, "/standards/:id/status", s.setStandardStatus, recorders, jsonBody)
	api(http.MethodPost, "/certificates/:id/revoke", s.revokeCertificate, recorders, jsonBody)
	api(http.MethodPost, "/certificates/:id/supersede", s.supersedeCertificate, recorders, jsonBody)
	api(http.MethodPost, "/certificates/dcc", s.importDCC, recorders, anyBody)
	api(http.MethodGet, "/certificates/:id/dcc", s.certificateDCC, readers, noBody)
	api(http.MethodPost, "/comparisons/:id/results", s.addComparisonResults, recorders, jsonBody)
	api(http.MethodPost, "/agreements/:id/approve", s.approveAgreement, recorders, optionalJSON)
	api(http.MethodGet, "/instruments/:id/owner", s.instrumentOwner, readers, noBody)
	api(http.MethodGet, "/search", s.search, readers, noBody)
	api(http.MethodGet, "/trace/:subject_id", s.trace, readers, noBody)
	api(http.MethodGet, "/impact/:standard_id", s.impact, readers, noBody)
	api(http.MethodGet, "/recognition", s.recognition, readers, noBody)
	api(http.MethodPost, "/verify", s.verify, nil, anyBody)
	api(http.MethodGet, "/openapi.yaml", s.serveOpenAPI, nil, noBody)

	e.GET("/healthz", s.healthz, matched)
	e.GET("/readyz", s.readyz, matched)
	e.GET("/metrics", s.metrics.handler(), matched)
	if s.cfg.ConsoleFS != nil {
		e.StaticFS("/", s.cfg.ConsoleFS)
	}
}
