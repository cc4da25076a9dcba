// Package badgerstub runs Fabric chaincode outside a peer: it implements the
// shim's ChaincodeStubInterface over a badger database, so the real contract
// executes in-process with Fabric's semantics — reads see committed state
// only, writes are buffered and committed atomically when the chaincode
// succeeds, history is kept per key (newest first), one event per
// transaction, private data per collection, key-level endorsement policies,
// and a transaction log from which events can be replayed.
//
// The chaincode tests use it in memory; the gateway's embedded ledger uses
// it on disk. One writer at a time: [Store.Submit] serializes transactions,
// [Store.Evaluate] runs concurrently against a snapshot.
package badgerstub
