// Package signature checks the enveloped XML signatures that signed DCCs
// carry, as PTB's signed examples do: XML-DSig with XAdES qualifying
// properties (a signing time, the signing certificate's digest, and for
// long-term validation the CA certificates and CRLs or OCSP responses),
// ECDSA or RSA over SHA-2, exclusive C14N and C14N 1.1 transforms, and a
// second reference to the XAdES SignedProperties.
//
// Canonicalization is github.com/russellhaering/goxmldsig's. Its Validate
// cannot be used as it stands for DCCs: it verifies only the reference to
// the root, expects ASN.1 ECDSA signatures where XML-DSig writes r‖s
// (RFC 4051), and trusts a certificate only if it is in its store, judged
// today. [Verify] therefore checks SignedInfo, every reference and the
// signature value itself with the library's canonicalizers, then judges the
// signer's chain at the signing time against given roots and the
// revocation data the file embeds. Whether the signer is one an institution
// registered on the ledger is [Signature.Registered].
package signature

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Result is what a signature check answers, as import and verify show it.
type Result struct {
	// Present says the DCC carries an XML signature.
	Present bool `json:"present"`
	// Valid is the cryptographic check: the signature value verifies with
	// the signer's key over SignedInfo, every reference's digest matches,
	// the whole document is covered, and the signed XAdES properties name
	// the signer's certificate.
	Valid bool `json:"valid"`
	// SignerSubject and SignerIssuer are the distinguished names of the
	// signer's certificate.
	SignerSubject string `json:"signer_subject"`
	SignerIssuer  string `json:"signer_issuer"`
	// SignedAt is the XAdES SigningTime (RFC 3339, UTC), "" when the
	// signature states none.
	SignedAt string `json:"signed_at"`
	// ChainValid says the signer's certificate chains to a trust root, each
	// certificate valid at the signing time, and no certificate of the chain
	// is revoked at the signing time by the revocation data the file embeds.
	ChainValid bool `json:"chain_valid"`
	// Registered says the signer's certificate chains to a signing
	// certificate the DCC's issuing institution registered on the ledger,
	// valid and not revoked at the signing time (see [Signature.Registered]).
	Registered bool `json:"registered"`
	// Reason says why valid, chain_valid or registered does not hold, one
	// sentence for each that fails, joined by "; "; "" when all hold.
	Reason string `json:"reason"`
	// Reasons are the sentences of Reason as codes with the values they
	// print (see [ReasonCodes]), so that a client says them in its own
	// language.
	Reasons []Reason `json:"reasons,omitempty"`
	// Revocation is what the file's own revocation data (XAdES
	// RevocationValues) say about the signer's chain; null when the file
	// embeds none.
	Revocation *Revocation `json:"revocation,omitempty"`
}

// Revocation is the outcome of the revocation data a signed file embeds.
type Revocation struct {
	// CRLs and OCSPResponses count the revocation values embedded.
	CRLs          int `json:"crls"`
	OCSPResponses int `json:"ocsp_responses"`
	// Checked lists the certificates of the chain (subject names) that
	// a verified CRL or OCSP response covers.
	Checked []string `json:"checked"`
	// Revoked says a certificate of the chain was revoked at or before the
	// signing time; Subject, RevokedAt and Reason describe that revocation.
	Revoked   bool   `json:"revoked"`
	Subject   string `json:"subject,omitempty"`
	RevokedAt string `json:"revoked_at,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// Options steers [Verify].
type Options struct {
	// Roots are the trust anchors chain_valid is judged against; without
	// any, chain_valid is false.
	Roots []*x509.Certificate
	// Intermediates are CA certificates to build chains with, besides those
	// the file embeds.
	Intermediates []*x509.Certificate
	// Institution is the DCC's issuing institution and Registered its
	// signing_certificate records on the ledger; registered is judged
	// against them (see [Signature.Registered]).
	Institution string
	Registered  []record.SigningCertificate
}

// Verify checks the XML signature of a DCC and its chain. A file without a
// signature answers Present false; a malformed signature answers Valid
// false with the reason. The *Signature is nil unless the signature was
// valid, and then serves [Signature.Registered].
func Verify(data []byte, opts Options) (Result, *Signature) {
	sig, err := parse(data)
	if err == errNoSignature {
		return failed(Result{}, because(ReasonNoSignature, nil, "the DCC carries no XML signature")), nil
	}
	if nx, ok := err.(notXML); ok {
		return failed(Result{}, because(ReasonNotXML, map[string]string{"detail": nx.Error()},
			"the file is not an XML document, so it carries no XML signature (%s)", nx.Error())), nil
	}
	res := Result{Present: true}
	if sig != nil && sig.signer != nil {
		res.SignerSubject = sig.signer.Subject.String()
		res.SignerIssuer = sig.signer.Issuer.String()
	}
	if sig != nil && !sig.signedAt.IsZero() {
		res.SignedAt = sig.signedAt.UTC().Format(time.RFC3339)
	}
	if err != nil {
		return failed(res, because(ReasonNotVerified, map[string]string{"detail": err.Error()}, "the signature does not verify: %v", err)), nil
	}
	res.Valid = true
	var reasons []error
	res.ChainValid, res.Revocation, err = sig.chain(opts)
	if err != nil {
		reasons = append(reasons, err)
	}
	if opts.Institution == "" {
		reasons = append(reasons, because(ReasonNoInstitution, nil, "no issuing institution is known to look registered signing certificates up for"))
	} else if res.Registered, err = sig.registered(opts.Institution, opts.Registered); !res.Registered {
		reasons = append(reasons, err)
	}
	return failed(res, reasons...), sig
}

// names joins certificate subjects for messages.
func names(certs []*x509.Certificate) string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = c.Subject.CommonName
	}
	return strings.Join(out, " → ")
}

// failf makes a verification error.
func failf(format string, args ...any) error { return fmt.Errorf(format, args...) }
