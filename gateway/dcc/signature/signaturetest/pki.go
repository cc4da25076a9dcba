// Package signaturetest makes throw-away X.509 PKIs for tests of DCC
// signatures: a root CA, intermediate CAs and signers with ECDSA P-256
// keys, valid over given periods. Keys are generated per test and never
// written to disk.
package signaturetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// Entity is a certificate with its key and the CA certificates above it
// (issuer first, root last; empty for a root).
type Entity struct {
	Cert  *x509.Certificate
	Key   *ecdsa.PrivateKey
	Chain []*x509.Certificate
}

var serial atomic.Int64

// NewRoot makes a self-signed root CA valid from notBefore to notAfter.
func NewRoot(t testing.TB, cn string, notBefore, notAfter time.Time) *Entity {
	t.Helper()
	return issue(t, nil, cn, true, notBefore, notAfter)
}

// NewCA makes an intermediate CA issued by e.
func (e *Entity) NewCA(t testing.TB, cn string, notBefore, notAfter time.Time) *Entity {
	t.Helper()
	return issue(t, e, cn, true, notBefore, notAfter)
}

// NewSigner makes an end-entity signing certificate issued by e.
func (e *Entity) NewSigner(t testing.TB, cn string, notBefore, notAfter time.Time) *Entity {
	t.Helper()
	return issue(t, e, cn, false, notBefore, notAfter)
}

func issue(t testing.TB, parent *Entity, cn string, ca bool, notBefore, notAfter time.Time) *Entity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1000 + serial.Add(1)),
		Subject:      pkix.Name{Country: []string{"CN"}, Organization: []string{"metrotrace test PKI"}, CommonName: cn},
		NotBefore:    notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	if ca {
		tmpl.IsCA = true
		tmpl.KeyUsage |= x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage |= x509.KeyUsageContentCommitment
	}
	issuerCert, issuerKey := tmpl, key
	var chain []*x509.Certificate
	if parent != nil {
		issuerCert, issuerKey = parent.Cert, parent.Key
		chain = append([]*x509.Certificate{parent.Cert}, parent.Chain...)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuerCert, &key.PublicKey, issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Entity{Cert: cert, Key: key, Chain: chain}
}

// PEM encodes a certificate.
func PEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// ChainPEM encodes e's chain, issuer first.
func (e *Entity) ChainPEM() []string {
	out := make([]string, len(e.Chain))
	for i, c := range e.Chain {
		out[i] = PEM(c)
	}
	return out
}

// Signer is e as a [signature.Signer].
func (e *Entity) Signer() signature.Signer {
	return signature.Signer{Key: e.Key, Certificate: e.Cert, Chain: e.Chain}
}

// Sign signs a DCC as e at the given time.
func (e *Entity) Sign(t testing.TB, dcc []byte, at time.Time) []byte {
	t.Helper()
	out, err := signature.Sign(dcc, e.Signer(), at)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
