// Package consortium holds the tests of the consortium run by separate
// parties: every organization initialises its own CA, peer, orderer and
// chaincode server with scripts/org.sh in its own 0700 directory on a
// loopback address of its own, exchanges only public definitions, blocks
// and config update files with the others, and serves its users through a
// gateway of its own that holds only its own users' keys. The tests need a
// real Fabric network and run with METROTRACE_NETWORK_TESTS=1.
package consortium
