// Package httpapi is the metrotrace HTTP API (DESIGN.md "HTTP API") on
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
// one table (errors.go).
package httpapi
