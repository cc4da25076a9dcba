package auth

import (
	"fmt"
	"slices"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Roles a token can carry: the chaincode's metrotrace.role values.
const (
	RoleRecorder  = record.RoleRecorder
	RoleInspector = record.RoleInspector
	RoleOperator  = record.RoleOperator
)

// Claims is what a token says about its bearer.
type Claims struct {
	// Subject names the bearer (the JWT "sub"); Issue fills in
	// role@institution or role@msp when empty.
	Subject string
	// Institution is the institution the bearer acts for; required for
	// recorders and inspectors, optional for operators.
	Institution string
	// Role is one of [record.Roles].
	Role string
	// MSP is the bearer's organization, e.g. TianjinMSP.
	MSP string
	// IssuedAt and ExpiresAt are set by [Issuer.Issue].
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Validate checks that the claims name a known role, an organization and,
// for every role but operator, an institution.
func (c Claims) Validate() error {
	switch c.Role {
	case RoleRecorder, RoleInspector, RoleOperator:
	case "":
		return fmt.Errorf("%w: no role", ErrInvalidClaims)
	default:
		return fmt.Errorf("%w: unknown role %q (recorder, inspector or operator)", ErrInvalidClaims, c.Role)
	}
	if c.MSP == "" {
		return fmt.Errorf("%w: no msp", ErrInvalidClaims)
	}
	if c.Institution == "" && c.Role != RoleOperator {
		return fmt.Errorf("%w: a %s token must name its institution", ErrInvalidClaims, c.Role)
	}
	return nil
}

// HasRole reports whether the claims carry one of roles.
func (c Claims) HasRole(roles ...string) bool { return slices.Contains(roles, c.Role) }
