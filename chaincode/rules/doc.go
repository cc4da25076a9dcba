// Package rules holds metrotrace's traceability rules as pure functions over
// a small [Lookup] interface: the trace up from a subject to primary
// standards ([Trace]), the impact down from a faulty standard ([Impact]),
// the mutual-recognition decision ([Recognize]) and the checks they share
// (issuer capability, uncertainty ratio). The chaincode runs them over the
// world state; the gateway's index runs the very same code over its read
// model, so both give the same answers.
//
// The rules are deterministic: no clock (the caller supplies the date), no
// randomness, and every list is ordered.
package rules
