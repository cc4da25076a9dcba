// Package network describes how clients reach the metrotrace Hyperledger
// Fabric network that scripts/network.sh runs natively on loopback: three
// organisations (BeijingMSP, TianjinMSP, HebeiMSP) with one peer each, three
// etcdraft orderers, the channel "metrology" and the chaincode "metrotrace"
// running as a service.
//
// "scripts/network.sh up" writes a connection description to
// <network dir>/connection.json (the network dir is $METROTRACE_NETWORK_DIR,
// by default <repo>/.network). It names, per organisation, the peer endpoint,
// its TLS CA certificate and host override, and the institution users enrolled
// from the organisation's Fabric CA with their certificate, private key and
// MSP directory. [LoadConnection] reads and validates that file; the gateway's
// fabric backend uses it to open one Fabric Gateway connection per
// organisation.
//
// The network's own configuration (peer, orderer and channel templates, the
// chaincode-as-a-service builder) lives beside this package, see README.md in
// this directory; the Fabric binaries are built from the separate module in
// network/tools.
package network
