package auth

import (
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/identity"
)

// Identities gives the Fabric identity the gateway submits with for an
// organization, role and institution; embedded.Wallet implements it by
// issuing from its local CAs.
type Identities interface {
	Identity(msp, role, institution string) (*identity.Identity, error)
}

// IdentityFor returns the identity a verified token acts as.
func IdentityFor(ids Identities, c Claims) (*identity.Identity, error) {
	id, err := ids.Identity(c.MSP, c.Role, c.Institution)
	if err != nil {
		return nil, fmt.Errorf("identity of %s %s of %s: %w", c.MSP, c.Role, c.Institution, err)
	}
	return id, nil
}
