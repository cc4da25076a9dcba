package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Prefix is the path every API route lives under.
const Prefix = "/api/v1"

// kind is a record kind of the vocabulary with the list filters the API
// offers for it.
type kind struct {
	record.Kind
	// filters maps a list query parameter to the index it selects.
	filters map[string]string
}

var (
	readers      = record.Roles
	recorderOnly = []string{record.RoleRecorder}
)

// listFilters are the list query parameters of each doc type.
var listFilters = map[string]map[string]string{
	record.DocCapability: {"institution": record.IndexCapabilitiesByInstitution},
	record.DocStandard:   {"institution": record.IndexStandardsByInstitution},
	record.DocInstrument: {"institution": record.IndexInstrumentsByInstitution},
	record.DocCertificate: {
		"subject":    record.IndexCertificatesBySubject,
		"reference":  record.IndexCertificatesByReference,
		"issuer":     record.IndexCertificatesByIssuer,
		"dcc_sha256": record.IndexCertificatesByDCC,
	},
	record.DocComparison: {"institution": record.IndexComparisonsByInstitution},
	record.DocAgreement:  {"party": record.IndexAgreementsByParty},
}

// kinds are the record kinds the API serves, in the vocabulary's order.
var kinds = func() []kind {
	out := make([]kind, len(record.Kinds))
	for i, k := range record.Kinds {
		out[i] = kind{Kind: k, filters: listFilters[k.DocType]}
	}
	return out
}()

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
		base := "/" + k.Plural
		api(http.MethodPost, base, s.create(k), k.Creators, jsonBody)
		api(http.MethodGet, base, s.list(k), readers, noBody)
		api(http.MethodGet, base+"/:id", s.get(k), readers, noBody)
		api(http.MethodGet, base+"/:id/history", s.history(k), readers, noBody)
	}
	api(http.MethodPost, "/standards/:id/status", s.setStandardStatus, recorderOnly, jsonBody)
	api(http.MethodPost, "/certificates/:id/revoke", s.revokeCertificate, recorderOnly, jsonBody)
	api(http.MethodPost, "/certificates/:id/supersede", s.supersedeCertificate, recorderOnly, jsonBody)
	api(http.MethodPost, "/certificates/dcc", s.importDCC, recorderOnly, anyBody)
	api(http.MethodGet, "/certificates/:id/dcc", s.certificateDCC, readers, noBody)
	api(http.MethodPost, "/comparisons/:id/results", s.addComparisonResults, recorderOnly, jsonBody)
	api(http.MethodPost, "/agreements/:id/approve", s.approveAgreement, recorderOnly, optionalJSON)
	api(http.MethodGet, "/instruments/:id/owner", s.instrumentOwner, readers, noBody)
	api(http.MethodGet, "/search", s.search, readers, noBody)
	api(http.MethodGet, "/trace/:subject_id", s.trace, readers, noBody)
	api(http.MethodGet, "/impact/:standard_id", s.impact, readers, noBody)
	api(http.MethodGet, "/recognition", s.recognition, readers, noBody)
	api(http.MethodPost, "/verify", s.verify, nil, anyBody)
	api(http.MethodGet, "/openapi.yaml", s.serveOpenAPI, nil, noBody)
	api(http.MethodGet, "/vocabulary", s.vocabulary, nil, noBody)

	e.GET("/healthz", s.healthz, matched)
	e.GET("/readyz", s.readyz, matched)
	e.GET("/metrics", s.metrics.handler(), matched)
	if s.cfg.ConsoleFS != nil {
		e.StaticFS("/", s.cfg.ConsoleFS)
	}
}
