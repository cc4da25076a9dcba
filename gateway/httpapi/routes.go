package httpapi

import (
	"fmt"
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
	record.DocComparison:         {"institution": record.IndexComparisonsByInstitution},
	record.DocAgreement:          {"party": record.IndexAgreementsByParty},
	record.DocSigningCertificate: {"institution": record.IndexSigningCertificatesByInstitution},
}

// kinds are the record kinds the API serves, in the vocabulary's order.
var kinds = func() []kind {
	out := make([]kind, len(record.Kinds))
	for i, k := range record.Kinds {
		out[i] = kind{Kind: k, filters: listFilters[k.DocType]}
	}
	return out
}()

// routes registers every route with its middleware: route registration,
// not a list of paths, decides what runs where. API routes run the rate
// limiter, their body limit (files: up to MaxFileSize), authorize (unless
// public), ReadBody (JSON routes) and validate; the probes run validate
// only, so they always answer. Every GET route answers HEAD too. What no
// route takes goes to unrouted: a 405 with Allow, or a 404.
func (s *Server) routes() {
	e := s.echo
	s.allow = map[string]map[string]bool{}
	add := func(method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
		methods := []string{method}
		if method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		for _, m := range methods {
			e.Add(m, path, h, mw...)
			if s.allow[m] == nil {
				s.allow[m] = map[string]bool{}
			}
			s.allow[m][path] = true
		}
	}
	api := func(method, path string, h echo.HandlerFunc, roles []string, body bodyKind) {
		mw := []echo.MiddlewareFunc{matched, s.limit}
		if body == fileBody {
			limit := max(int64(fileBodyLimit), s.cfg.BodyLimit)
			mw = append(mw, bodyLimit(limit, fmt.Sprintf(" (a file may have up to %d bytes, 10 MiB)", MaxFileSize)))
		} else {
			mw = append(mw, bodyLimit(s.cfg.BodyLimit, ""))
		}
		if roles != nil {
			mw = append(mw, AuthorizeWithConfig(AuthorizeConfig{Tokens: s.cfg.Tokens, Roles: roles, Check: s.checkClaims}))
		}
		if method == http.MethodPost {
			mw = append(mw, idempotency)
		}
		if body == jsonBody || body == optionalJSON {
			mw = append(mw, ReadBodyWithConfig(ReadBodyConfig{Optional: body == optionalJSON}))
		}
		add(method, Prefix+path, h, append(mw, s.validate)...)
	}
	for _, k := range kinds {
		base := "/" + k.Plural
		api(http.MethodPost, base, s.create(k), k.Creators, jsonBody)
		api(http.MethodGet, base, s.list(k), readers, noBody)
		api(http.MethodGet, base+"/:id", s.get(k), readers, noBody)
		api(http.MethodGet, base+"/:id/history", s.history(k), readers, noBody)
	}
	api(http.MethodPost, "/standards/:id/status", s.setStandardStatus, actionRoles("/standards/{id}/status"), jsonBody)
	api(http.MethodPost, "/certificates/:id/revoke", s.revokeCertificate, actionRoles("/certificates/{id}/revoke"), jsonBody)
	api(http.MethodPost, "/certificates/:id/supersede", s.supersedeCertificate, actionRoles("/certificates/{id}/supersede"), jsonBody)
	signingKeepers, _ := record.KindOf(record.DocSigningCertificate)
	api(http.MethodPost, "/signing-certificates/:id/revoke", s.revokeSigningCertificate, signingKeepers.Creators, jsonBody)
	api(http.MethodPost, "/certificates/batch", s.issueCertificates, recorderOnly, jsonBody)
	api(http.MethodPost, "/certificates/dcc", s.importDCC, recorderOnly, fileBody)
	api(http.MethodGet, "/certificates/:id/dcc", s.certificateDCC, readers, noBody)
	api(http.MethodPost, "/comparisons/:id/results", s.addComparisonResults, actionRoles("/comparisons/{id}/results"), jsonBody)
	api(http.MethodPost, "/agreements/:id/approve", s.approveAgreement, actionRoles("/agreements/{id}/approve"), optionalJSON)
	api(http.MethodGet, "/instruments/:id/owner", s.instrumentOwner, readers, noBody)
	api(http.MethodGet, "/search", s.search, readers, noBody)
	api(http.MethodGet, "/trace/:subject_id", s.trace, readers, noBody)
	api(http.MethodGet, "/impact/:standard_id", s.impact, readers, noBody)
	api(http.MethodGet, "/trace/:subject_id/graph.svg", s.traceGraph, readers, noBody)
	api(http.MethodGet, "/impact/:standard_id/graph.svg", s.impactGraph, readers, noBody)
	api(http.MethodGet, "/reports/trace/:subject_id", s.traceReport, readers, noBody)
	api(http.MethodGet, "/reports/impact/:standard_id", s.impactCSV, readers, noBody)
	api(http.MethodGet, "/recognition", s.recognition, readers, noBody)
	api(http.MethodGet, "/supervision/due", s.supervisionDue, readers, noBody)
	api(http.MethodGet, "/supervision/overdue", s.supervisionOverdue, readers, noBody)
	api(http.MethodGet, "/supervision/approvals", s.supervisionApprovals, readers, noBody)
	api(http.MethodGet, "/supervision/at-risk", s.supervisionAtRisk, readers, noBody)
	api(http.MethodGet, "/supervision/coverage", s.supervisionCoverage, readers, noBody)
	api(http.MethodGet, "/supervision/open-notices", s.supervisionOpenNotices, readers, noBody)
	api(http.MethodPost, "/cases", s.openCase, caseOpeners, jsonBody)
	api(http.MethodGet, "/cases/:id", s.getCase, readers, noBody)
	api(http.MethodGet, "/notices/:id", s.getNotice, readers, noBody)
	api(http.MethodPost, "/notices/:id/resolve", s.resolveNotice, recorderOnly, jsonBody)
	api(http.MethodPost, "/subscriptions", s.subscribe, subscribers, jsonBody)
	api(http.MethodPost, "/verify", s.verify, nil, fileBody)
	api(http.MethodGet, "/openapi.yaml", s.serveOpenAPI, nil, noBody)
	api(http.MethodGet, "/vocabulary", s.vocabulary, nil, noBody)

	add(http.MethodGet, "/healthz", s.healthz, matched, s.validate)
	add(http.MethodGet, "/readyz", s.readyz, matched, s.validate)
	add(http.MethodGet, "/metrics", s.metrics.handler(), matched, s.validate)
	if s.cfg.ConsoleFS != nil {
		add(http.MethodGet, "/*", echo.StaticDirectoryHandler(s.cfg.ConsoleFS, !e.EnablePathUnescapingStaticFiles),
			matched, s.limit)
	}
	// Under the API prefix the console never answers: a path it lacks is
	// the API's 404 or 405.
	e.RouteNotFound(Prefix+"/*", s.unrouted, s.limit)
	e.RouteNotFound("/*", s.unrouted, s.limit)
}
