// Package httpapi is the metrotrace HTTP API (docs/DESIGN.md "HTTP API") on
// Echo v4: record creation and status changes submitted to the chaincode
// through the typed contract client, reads, lists, search and the
// traceability rules answered from the read model (or from the chaincode
// with ?source=ledger), health, readiness and Prometheus metrics, and the
// OpenAPI 3 document at /api/v1/openapi.yaml that every API request is
// validated against.
//
// Callers authenticate with bearer tokens (package auth); the token's
// organization, role and institution select the Fabric identity the gateway
// submits with, so the chaincode's own access control decides every write.
// Every error is JSON {"error": {"code", "message"}}, its status chosen in
// one table (errors.go), including the refusals net/http writes before any
// handler runs when the server runs through Serve (canned.go).
//
// HTTP's rules hold for every route: a wrong method on a known path is a
// 405 with Allow, every GET answers HEAD, a query string that does not
// decode is a 400, a JSON route takes application/json only (415), and a
// request costs little whatever it carries: bodies are bounded in size and
// nesting, validation errors are summarised, and the /metrics labels take
// bounded values. The middleware is Echo's own where Echo has it
// (middleware.go says which) and in Echo's XConfig shape otherwise.
package httpapi
