// Package apiclient is a Go client of the metrotrace HTTP API (docs/DESIGN.md
// "HTTP API"), the one the metrotrace command line uses: records, history,
// the trace, impact and recognition rules, certificate verification and DCC
// import.
//
// Every method sends one request with the client's bearer token and returns
// either the decoded answer or an error. A refusal by the server is an
// [*Error] carrying the HTTP status and the server's {"error": {"code",
// "message"}} body, testable with errors.As; anything else (connection
// refused, timeout) is a transport error wrapped with the request it
// belongs to. Requests refused with 429 Too Many Requests are retried after
// the server's Retry-After, a few times, so bulk imports pace themselves to
// the server's rate limit.
package apiclient
