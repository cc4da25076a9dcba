// Package ops is the consortium operator's view of the metrotrace Fabric
// network, built on github.com/hyperledger/fabric-sdk-go: peer heights and the
// committed chaincode definition (Status), and the proof behind one
// transaction (Audit): its block, validation code, creator, endorsers and the
// block's hash chain and data hash; Fabric CA registration and enrollment
// (Register, Enroll), revocation with the CA's CRL put into the channel
// configuration (Revoke, UpdateCRL), and the chaincode lifecycle (Deploy).
//
// fabric-sdk-go registers the protobuf types of the old
// github.com/hyperledger/fabric-protos-go module under the same names as
// fabric-protos-go-apiv2, which fabric-gateway and fabric-contract-api-go/v2
// use: a program that links both panics at start-up. This package must
// therefore only be imported by cmd/metrotrace-ops (and its own tests), never
// by the gateway, the chaincode or anything they import. cmd/linkage_test.go
// fails the build of any binary that breaks this rule.
//
// The sdk is configured with a connection profile generated at run time from
// the network's connection.json (Profile): every peer, orderer and CA by name,
// and entityMatchers that map the 127.0.0.1:<port> endpoints discovery and the
// channel configuration return back to those names.
package ops
