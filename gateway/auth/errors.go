package auth

import "errors"

// Errors of Verify and Issue, testable with errors.Is. Every error Verify
// returns wraps ErrInvalidToken; expired tokens also wrap ErrExpired and
// tokens with bad claims ErrInvalidClaims.
var (
	ErrInvalidToken  = errors.New("invalid token")
	ErrExpired       = errors.New("token expired")
	ErrInvalidClaims = errors.New("invalid token claims")
)

// ErrUnknownOrganization is wrapped by an [Identities] implementation asked
// for an identity of an organization it does not serve: a token naming it
// is not a token of this consortium.
var ErrUnknownOrganization = errors.New("unknown organization")
