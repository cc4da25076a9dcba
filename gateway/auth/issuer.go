package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinSecretSize is the smallest HMAC secret an Issuer accepts, in bytes.
const MinSecretSize = 32

// Issuer signs and verifies tokens with one HMAC-SHA256 secret.
type Issuer struct {
	// Secret is the HMAC key, at least MinSecretSize bytes
	// (see [LoadOrCreateSecret]).
	Secret []byte
	// Now is the clock; nil means time.Now. Tests fix it.
	Now func() time.Time

	// verified remembers the claims of tokens whose signature and
	// claims were checked, so that a client's every request does not
	// parse and verify its token again; see [Issuer.Verify].
	mu       sync.Mutex
	verified map[string]verifiedToken
}

// verifiedToken is a token that passed Verify under secret.
type verifiedToken struct {
	secret string
	claims Claims
}

// VerifiedTokens is how many verified tokens an Issuer remembers; past
// it, it forgets them all and starts again.
const VerifiedTokens = 4096

// tokenClaims is the JWT body.
type tokenClaims struct {
	Institution string `json:"institution,omitempty"`
	Role        string `json:"role"`
	MSP         string `json:"msp"`
	jwt.RegisteredClaims
}

func (is *Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

func (is *Issuer) checkSecret() error {
	if len(is.Secret) < MinSecretSize {
		return fmt.Errorf("token secret must be at least %d bytes, got %d", MinSecretSize, len(is.Secret))
	}
	return nil
}

// Issue signs a token carrying claims, valid for ttl from now. Subject
// defaults to role@institution (role@msp for an operator without one).
func (is *Issuer) Issue(c Claims, ttl time.Duration) (string, error) {
	if err := is.checkSecret(); err != nil {
		return "", err
	}
	if err := c.Validate(); err != nil {
		return "", err
	}
	if ttl <= 0 {
		return "", fmt.Errorf("token lifetime must be positive, got %v", ttl)
	}
	if c.Subject == "" {
		who := c.Institution
		if who == "" {
			who = c.MSP
		}
		c.Subject = c.Role + "@" + who
	}
	now := is.now().Truncate(time.Second)
	tc := tokenClaims{
		Institution: c.Institution, Role: c.Role, MSP: c.MSP,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   c.Subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, tc).SignedString(is.Secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// Verify checks a token's signature (HS256 only: "none" and every other
// algorithm are refused), its expiry and its claims, and returns them.
//
// A token verified before under the same secret is not parsed again: only
// its expiry is checked against the clock.
func (is *Issuer) Verify(token string) (Claims, error) {
	if err := is.checkSecret(); err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	is.mu.Lock()
	v, ok := is.verified[token]
	is.mu.Unlock()
	if ok && v.secret == string(is.Secret) {
		if !is.now().Before(v.claims.ExpiresAt) {
			return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, ErrExpired)
		}
		return v.claims, nil
	}
	c, err := is.verify(token)
	if err != nil {
		return Claims{}, err
	}
	is.mu.Lock()
	if is.verified == nil || len(is.verified) >= VerifiedTokens {
		is.verified = make(map[string]verifiedToken)
	}
	is.verified[token] = verifiedToken{secret: string(is.Secret), claims: c}
	is.mu.Unlock()
	return c, nil
}

// verify parses and checks a token: its signature, expiry and claims.
func (is *Issuer) verify(token string) (Claims, error) {
	var tc tokenClaims
	_, err := jwt.ParseWithClaims(token, &tc, func(*jwt.Token) (any, error) { return is.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(is.now),
	)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, ErrExpired)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Claims{}, fmt.Errorf("%w: bad signature or algorithm", ErrInvalidToken)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return Claims{}, fmt.Errorf("%w: malformed token", ErrInvalidToken)
	default:
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if err := numericDates(token); err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	c := Claims{Subject: tc.Subject, Institution: tc.Institution, Role: tc.Role, MSP: tc.MSP}
	if tc.IssuedAt != nil {
		c.IssuedAt = tc.IssuedAt.Time
	}
	if tc.ExpiresAt != nil {
		c.ExpiresAt = tc.ExpiresAt.Time
	}
	if err := c.Validate(); err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return c, nil
}

// numericDates refuses a token whose exp, iat or nbf is not a JSON number:
// RFC 7519 makes them NumericDates, and jwt/v5 also accepts a quoted number,
// so a string "exp" would otherwise pass as a date.
func numericDates(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("malformed token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("malformed token payload")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return errors.New("malformed token payload")
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
			return fmt.Errorf("%w: %s must be a number of seconds, not %s", ErrInvalidClaims, name, truncate(string(raw), 40))
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
