// Package opsgateway holds no code, only a test on a real Fabric network
// that puts the operator tool and the gateway's Fabric backend together:
// a Tianjin recorder enrolled by the network scripts issues a certificate
// through gateway/fabric and gateway/client, metrotrace-ops audits that
// transaction and revokes the recorder, and the gateway's next submit as
// that recorder is refused while other users still write.
//
// The test imports gateway/fabric (fabric-gateway) and therefore must not
// import network/ops (fabric-sdk-go; see cmd/linkage_test.go): it builds
// cmd/metrotrace-ops and runs it as a subprocess.
package opsgateway
