// Package contract is the metrotrace chaincode: a fabric-contract-api-go
// contract whose transaction functions register and change the records of
// package record, enforce access control from the caller's identity, keep
// composite-key indexes, set key-level endorsement policies, keep instrument
// owners' details in private data, emit one event per transaction, and
// answer the trace, impact and recognition questions with package rules.
//
// Every argument is a string and every structured argument or result is
// JSON, so the same calls work from the peer CLI, the Fabric Gateway and
// the embedded ledger. Errors are *record.Error values rendered as
// "code: message".
package contract
