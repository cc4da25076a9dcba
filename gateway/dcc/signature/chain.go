package signature

import (
	"bytes"
	"crypto/x509"
	"time"

	"golang.org/x/crypto/ocsp"
)

// chain judges the signer's certificate at the signing time: it must chain
// to one of opts.Roots through the certificates given and embedded, each
// valid then, and the revocation values the file embeds must not show a
// certificate of the chain revoked at or before then.
func (s *Signature) chain(opts Options) (bool, *Revocation, error) {
	rev := s.revocation(append(append(append([]*x509.Certificate(nil), s.embedded...), opts.Intermediates...), opts.Roots...))
	if s.signedAt.IsZero() {
		return false, rev, because(ReasonNoSigningTimeChain, nil, "the signature states no signing time (XAdES SigningTime), so its chain cannot be judged at it")
	}
	if rev != nil && rev.Revoked {
		return false, rev, because(ReasonChainRevoked, map[string]string{"subject": rev.Subject, "revoked_at": rev.RevokedAt, "reason": rev.Reason, "signed_at": s.signedAt.Format(time.RFC3339)},
			"certificate %q was revoked at %s (%s), before the signing time %s, as the file's own revocation data state",
			rev.Subject, rev.RevokedAt, rev.Reason, s.signedAt.Format(time.RFC3339))
	}
	if len(opts.Roots) == 0 {
		return false, rev, because(ReasonNoRoots, nil, "no trust roots are configured to judge the signer's chain against")
	}
	if _, err := s.verifyChain(opts.Roots, append(append([]*x509.Certificate(nil), s.embedded...), opts.Intermediates...)); err != nil {
		return false, rev, because(ReasonChainUntrusted, map[string]string{"signed_at": s.signedAt.Format(time.RFC3339), "detail": err.Error()},
			"the signer's certificate does not chain to a trust root at the signing time %s: %v", s.signedAt.Format(time.RFC3339), err)
	}
	return true, rev, nil
}

// verifyChain verifies the signer's certificate at the signing time
// against roots through intermediates, for any extended key usage (DCC
// signing has none of its own).
func (s *Signature) verifyChain(roots, intermediates []*x509.Certificate) ([][]*x509.Certificate, error) {
	rp, ip := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range roots {
		rp.AddCert(c)
	}
	for _, c := range intermediates {
		ip.AddCert(c)
	}
	return s.signer.Verify(x509.VerifyOptions{
		Roots: rp, Intermediates: ip, CurrentTime: s.signedAt,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
}

// issuerOf finds the certificate among candidates that signed c.
func issuerOf(c *x509.Certificate, candidates []*x509.Certificate) *x509.Certificate {
	for _, p := range candidates {
		if bytes.Equal(p.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(p) == nil {
			return p
		}
	}
	return nil
}

// crlReasons names the CRL reason codes of RFC 5280.
var crlReasons = map[int]string{
	0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold",
	8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise",
}

func reasonName(code int) string {
	if n, ok := crlReasons[code]; ok {
		return n
	}
	return "unspecified"
}

// revocation reads what the embedded CRLs and OCSP responses say about the
// signer's chain (built upwards from the signer through candidates). Only
// revocation values whose signature verifies with the issuer of the
// certificate they concern count. Nil when the file embeds none.
func (s *Signature) revocation(candidates []*x509.Certificate) *Revocation {
	if len(s.crls) == 0 && len(s.ocsps) == 0 {
		return nil
	}
	rev := &Revocation{CRLs: len(s.crls), OCSPResponses: len(s.ocsps), Checked: []string{}}
	var crls []*x509.RevocationList
	for _, der := range s.crls {
		if rl, err := x509.ParseRevocationList(der); err == nil {
			crls = append(crls, rl)
		}
	}
	c := s.signer
	for depth := 0; c != nil && depth < 8; depth++ {
		issuer := issuerOf(c, candidates)
		if issuer == nil || bytes.Equal(issuer.Raw, c.Raw) {
			break // no issuer known, or a self-signed root: no CRL revokes it
		}
		checked := false
		for _, rl := range crls {
			if !bytes.Equal(rl.RawIssuer, c.RawIssuer) || rl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			checked = true
			for _, e := range rl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(c.SerialNumber) == 0 && !e.RevocationTime.After(s.signedAt) && !rev.Revoked {
					rev.Revoked, rev.Subject = true, c.Subject.String()
					rev.RevokedAt = e.RevocationTime.UTC().Format(time.RFC3339)
					rev.Reason = reasonName(e.ReasonCode) + " (CRL of " + issuer.Subject.CommonName + ")"
				}
			}
		}
		for _, der := range s.ocsps {
			r, err := ocsp.ParseResponseForCert(der, c, issuer)
			if err != nil || r.SerialNumber.Cmp(c.SerialNumber) != 0 {
				continue
			}
			checked = true
			if r.Status == ocsp.Revoked && !r.RevokedAt.After(s.signedAt) && !rev.Revoked {
				rev.Revoked, rev.Subject = true, c.Subject.String()
				rev.RevokedAt = r.RevokedAt.UTC().Format(time.RFC3339)
				rev.Reason = reasonName(r.RevocationReason) + " (OCSP)"
			}
		}
		if checked {
			rev.Checked = append(rev.Checked, c.Subject.String())
		}
		c = issuer
	}
	return rev
}
