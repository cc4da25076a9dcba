package auth_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/embedded"
)

var _ auth.Identities = (*embedded.Wallet)(nil)

var now = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

func newIssuer(t *testing.T) *auth.Issuer {
	t.Helper()
	return &auth.Issuer{Secret: bytes.Repeat([]byte{7}, 32), Now: func() time.Time { return now }}
}

func TestIssueThenVerifyReturnsTheClaims(t *testing.T) {
	is := newIssuer(t)
	for _, c := range []auth.Claims{
		{Institution: "TJIM", Role: auth.RoleRecorder, MSP: "TianjinMSP"},
		{Institution: "BJIM", Role: auth.RoleInspector, MSP: "BeijingMSP", Subject: "wang"},
		{Role: auth.RoleOperator, MSP: "HebeiMSP"},
	} {
		tok, err := is.Issue(c, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := is.Verify(tok)
		if err != nil {
			t.Fatalf("verify %+v: %v", c, err)
		}
		if got.Role != c.Role || got.MSP != c.MSP || got.Institution != c.Institution {
			t.Errorf("got %+v, want %+v", got, c)
		}
		if !got.IssuedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Errorf("times %v %v", got.IssuedAt, got.ExpiresAt)
		}
		if got.Subject == "" || (c.Subject != "" && got.Subject != c.Subject) {
			t.Errorf("subject %q", got.Subject)
		}
	}
}

func TestIssueRefusesBadClaims(t *testing.T) {
	is := newIssuer(t)
	for name, c := range map[string]auth.Claims{
		"an unknown role":                {Institution: "TJIM", Role: "admin", MSP: "TianjinMSP"},
		"no role":                        {Institution: "TJIM", MSP: "TianjinMSP"},
		"no msp":                         {Institution: "TJIM", Role: auth.RoleRecorder},
		"a recorder without institution": {Role: auth.RoleRecorder, MSP: "TianjinMSP"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := is.Issue(c, time.Hour); !errors.Is(err, auth.ErrInvalidClaims) {
				t.Fatalf("got %v, want ErrInvalidClaims", err)
			}
		})
	}
	if _, err := is.Issue(auth.Claims{Role: auth.RoleOperator, MSP: "X"}, 0); err == nil {
		t.Error("a zero lifetime was accepted")
	}
	short := &auth.Issuer{Secret: []byte("short")}
	if _, err := short.Issue(auth.Claims{Role: auth.RoleOperator, MSP: "X"}, time.Hour); err == nil {
		t.Error("a short secret was accepted")
	}
}

// sign makes a token the way an attacker or a foreign system would.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefusesBadTokens(t *testing.T) {
	is := newIssuer(t)
	good := jwt.MapClaims{"role": "recorder", "msp": "TianjinMSP", "institution": "TJIM", "sub": "x",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		m := jwt.MapClaims{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	valid := sign(t, jwt.SigningMethodHS256, is.Secret, good)
	if _, err := is.Verify(valid); err != nil {
		t.Fatalf("the control token fails: %v", err)
	}
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"an expired token", sign(t, jwt.SigningMethodHS256, is.Secret, with("exp", now.Add(-time.Second).Unix())), auth.ErrExpired},
		{"a token without expiry", sign(t, jwt.SigningMethodHS256, is.Secret, with("exp", nil)), auth.ErrInvalidToken},
		{"a token issued in the future", sign(t, jwt.SigningMethodHS256, is.Secret, with("iat", now.Add(time.Hour).Unix())), auth.ErrInvalidToken},
		{"a token signed with another secret", sign(t, jwt.SigningMethodHS256, bytes.Repeat([]byte{8}, 32), good), auth.ErrInvalidToken},
		{"a token with alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good), auth.ErrInvalidToken},
		{"a token with alg HS512", sign(t, jwt.SigningMethodHS512, is.Secret, good), auth.ErrInvalidToken},
		{"a token with an unknown role", sign(t, jwt.SigningMethodHS256, is.Secret, with("role", "admin")), auth.ErrInvalidClaims},
		{"a token without msp", sign(t, jwt.SigningMethodHS256, is.Secret, with("msp", nil)), auth.ErrInvalidClaims},
		{"a tampered payload", valid[:strings.Index(valid, ".")+1] + "eyJyb2xlIjoib3BlcmF0b3IifQ" + valid[strings.LastIndex(valid, "."):], auth.ErrInvalidToken},
		{"a token with exp as a string", sign(t, jwt.SigningMethodHS256, is.Secret, with("exp", strconv.FormatInt(now.Add(time.Hour).Unix(), 10))), auth.ErrInvalidClaims},
		{"a token with iat as a string", sign(t, jwt.SigningMethodHS256, is.Secret, with("iat", strconv.FormatInt(now.Unix(), 10))), auth.ErrInvalidClaims},
		{"a token with nbf as a string", sign(t, jwt.SigningMethodHS256, is.Secret, with("nbf", strconv.FormatInt(now.Unix(), 10))), auth.ErrInvalidClaims},
		{"garbage", "not.a.token", auth.ErrInvalidToken},
		{"an empty string", "", auth.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := is.Verify(tt.token)
			if !errors.Is(err, tt.want) || !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLoadOrCreateSecretCreatesOncePrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "token-secret")
	first, err := auth.LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < auth.MinSecretSize {
		t.Fatalf("secret of %d bytes", len(first))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %#o, want 0600", info.Mode().Perm())
	}
	again, err := auth.LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the secret changed on reload")
	}
}

func TestLoadOrCreateSecretRefusesUnsafeFiles(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range map[string]struct {
		content string
		mode    os.FileMode
	}{
		"a world-readable file":  {strings.Repeat("ab", 32), 0o644},
		"a file that is not hex": {strings.Repeat("zz", 32), 0o600},
		"a secret too short":     {"abcd", 0o600},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			if _, err := auth.LoadOrCreateSecret(path); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestIdentityForAsksTheWalletForTheTokensIdentity(t *testing.T) {
	w := embedded.NewWallet("")
	id, err := auth.IdentityFor(w, auth.Claims{Institution: "TJIM", Role: auth.RoleRecorder, MSP: "TianjinMSP"})
	if err != nil {
		t.Fatal(err)
	}
	if id.MSPID != "TianjinMSP" {
		t.Errorf("msp %s", id.MSPID)
	}
	if err := w.Verify(id); err != nil {
		t.Error(err)
	}
	if _, err := auth.IdentityFor(w, auth.Claims{Role: auth.RoleOperator, MSP: "bad msp!"}); err == nil {
		t.Error("a bad MSP got an identity")
	}
}

// A token Verify remembers is still refused once it expires, and under
// another secret; a tampered copy of it is verified afresh and refused.
func TestARememberedTokenIsStillCheckedForExpiryAndSecret(t *testing.T) {
	clock := now
	is := &auth.Issuer{Secret: bytes.Repeat([]byte{7}, 32), Now: func() time.Time { return clock }}
	tok, err := is.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "TianjinMSP", Institution: "TJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		c, err := is.Verify(tok)
		if err != nil || c.Institution != "TJIM" || c.Role != auth.RoleRecorder || c.Subject != "recorder@TJIM" || !c.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("verify %d: %+v %v", i, c, err)
		}
	}
	if _, err := is.Verify(tok[:len(tok)-2] + "AA"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("a tampered signature: %v, want invalid", err)
	}
	clock = now.Add(time.Hour - time.Second)
	if _, err := is.Verify(tok); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	clock = now.Add(time.Hour)
	if _, err := is.Verify(tok); !errors.Is(err, auth.ErrExpired) {
		t.Fatalf("at expiry: %v, want expired", err)
	}
	clock = now
	is.Secret = bytes.Repeat([]byte{8}, 32)
	if _, err := is.Verify(tok); !errors.Is(err, auth.ErrInvalidToken) || errors.Is(err, auth.ErrExpired) {
		t.Fatalf("under another secret: %v, want a bad signature", err)
	}
}

// Past VerifiedTokens remembered tokens the Issuer starts again and every
// token still verifies.
func TestManyTokensAllVerify(t *testing.T) {
	is := newIssuer(t)
	toks := make([]string, auth.VerifiedTokens+10)
	for i := range toks {
		tok, err := is.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "TianjinMSP", Institution: "TJIM", Subject: "r" + strconv.Itoa(i)}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		toks[i] = tok
	}
	for round := 0; round < 2; round++ {
		for i, tok := range toks {
			if c, err := is.Verify(tok); err != nil || c.Subject != "r"+strconv.Itoa(i) {
				t.Fatalf("round %d token %d: %+v %v", round, i, c, err)
			}
		}
	}
}
