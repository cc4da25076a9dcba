// Package auth issues and verifies the gateway's bearer tokens: HS256 JWTs
// that name an institution, a role (recorder, inspector or operator) and
// the organization (MSP) the caller belongs to. The HTTP API maps a verified
// token to the Fabric identity it submits with through [Identities], so the
// chaincode's own access control (institution, MSP, role) still decides
// every write.
package auth
