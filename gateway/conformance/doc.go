// Package conformance holds the conformance suite: the chaincode's
// scenarios (the five-level chain, one break per trace check, one case per
// recognition condition, an impact query) driven through the HTTP API
// against the embedded ledger and against a real Fabric network started by
// the network scripts. Both must give identical answers, and within each,
// the index must answer as the chaincode does.
//
// The Fabric half runs when METROTRACE_NETWORK_TESTS=1 (the test command
// sets it).
package conformance
