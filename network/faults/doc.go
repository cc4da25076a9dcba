// Package faults holds the test of metrotrace under faults on a real Fabric
// network (issue 15, item 7): scripts/network.sh brings up the 3-org
// network, two `metrotrace serve --fabric` gateways take a bounded write
// load on loopback, and the test kills, in turn, a peer, the raft leader, a
// raft follower, a chaincode server and a gateway (each started again with
// scripts/network.sh start or a new serve), then two of the three orderers.
// After each fault every acknowledged write must be on the ledger exactly
// once and every gateway's index must equal the ledger. The package has no
// code of its own; see faults_test.go.
//
//	METROTRACE_NETWORK_TESTS=1 go test ./network/faults -run TestFaultsUnderLoad -v -timeout 30m
//
// METROTRACE_FAULT_ROUNDS=N repeats the raft-leader kill N times (the long
// form, docs/RELIABILITY.md); METROTRACE_PORT_BASE moves the network's
// ports (default 24000), the gateways listen on base+90 and base+91;
// METROTRACE_FAULT_KEEP_LOGS=DIR copies the network's logs there when the
// test fails.
package faults
