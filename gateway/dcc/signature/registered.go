package signature

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Registered reports whether the signer's certificate is, or chains to, a
// signing certificate that institution registered on the ledger (regs:
// its signing_certificate records), the registered certificate and its
// chain valid at the signing time and the record not revoked then. When it
// is not, the reason says why, naming the closest record.
func (s *Signature) Registered(institution string, regs []record.SigningCertificate) (bool, string) {
	ok, err := s.registered(institution, regs)
	if err != nil {
		return ok, err.Error()
	}
	return ok, ""
}

// registered is [Signature.Registered] with the reason as an error that
// carries its [Reason].
func (s *Signature) registered(institution string, regs []record.SigningCertificate) (bool, error) {
	if s.signedAt.IsZero() {
		return false, because(ReasonNoSigningTimeRegistration, nil, "the signature states no signing time, so registration cannot be judged at it")
	}
	at := s.signedAt.Format(time.RFC3339)
	n := 0
	var reason error
	for i := range regs {
		reg := &regs[i]
		if reg.InstitutionID != institution {
			continue
		}
		n++
		cert, chain, err := parseRegistered(reg)
		if err != nil {
			reason = because(ReasonRegisteredUnparsable, map[string]string{"id": reg.ID, "institution": institution, "detail": err.Error()},
				"signing certificate %s of %s does not parse: %v", reg.ID, institution, err)
			continue
		}
		if !s.signer.Equal(cert) {
			if _, err := s.verifyChain([]*x509.Certificate{cert}, append(append([]*x509.Certificate(nil), s.embedded...), chain...)); err != nil {
				continue
			}
		}
		if s.signedAt.Before(cert.NotBefore) || s.signedAt.After(cert.NotAfter) {
			from, to := cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339)
			reason = because(ReasonRegisteredNotValidAt, map[string]string{"id": reg.ID, "institution": institution, "signed_at": at, "from": from, "to": to},
				"the signer chains to signing certificate %s of %s, which was not valid at the signing time %s (valid %s to %s)", reg.ID, institution, at, from, to)
			continue
		}
		if err := chainValidAt(cert, chain, s.signedAt); err != nil {
			reason = because(ReasonRegisteredChainInvalid, map[string]string{"id": reg.ID, "institution": institution, "signed_at": at, "detail": err.Error()},
				"the signer chains to signing certificate %s of %s, whose registered chain is not valid at the signing time %s: %v", reg.ID, institution, at, err)
			continue
		}
		if reg.RevokedBefore(s.signedAt) {
			reason = because(ReasonRegisteredRevoked, map[string]string{"id": reg.ID, "institution": institution, "revoked_on": reg.RevokedOn, "reason": reg.RevocationReason, "signed_at": at},
				"the signer chains to signing certificate %s of %s, which %s revoked on %s (%s), before the signing time %s",
				reg.ID, institution, institution, reg.RevokedOn, reg.RevocationReason, at)
			continue
		}
		return true, nil
	}
	switch {
	case reason != nil:
		return false, reason
	case n == 0:
		return false, because(ReasonNoneRegistered, map[string]string{"institution": institution},
			"institution %s has registered no signing certificate on the ledger", institution)
	}
	return false, because(ReasonNotRegistered, map[string]string{"subject": s.signer.Subject.String(), "issuer": s.signer.Issuer.String(), "count": fmt.Sprint(n), "institution": institution},
		"the signer's certificate (%s, issued by %s) is not one of the %d signing certificates %s registered, nor issued under one",
		s.signer.Subject, s.signer.Issuer, n, institution)
}

// parseRegistered parses a record's certificate and chain.
func parseRegistered(reg *record.SigningCertificate) (*x509.Certificate, []*x509.Certificate, error) {
	cert, err := record.ParseCertificatePEM("certificate", reg.Certificate)
	if err != nil {
		return nil, nil, err
	}
	var chain []*x509.Certificate
	for i, p := range reg.Chain {
		c, err := record.ParseCertificatePEM(fmt.Sprintf("chain[%d]", i), p)
		if err != nil {
			return nil, nil, err
		}
		chain = append(chain, c)
	}
	return cert, chain, nil
}

// chainValidAt checks that each certificate of a registered chain signed
// the one below it and was valid at t.
func chainValidAt(cert *x509.Certificate, chain []*x509.Certificate, t time.Time) error {
	below := cert
	for _, c := range chain {
		if t.Before(c.NotBefore) || t.After(c.NotAfter) {
			return fmt.Errorf("%s is valid %s to %s", c.Subject.CommonName, c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
		}
		if err := below.CheckSignatureFrom(c); err != nil {
			return fmt.Errorf("%s did not sign %s: %v", c.Subject.CommonName, below.Subject.CommonName, err)
		}
		below = c
	}
	return nil
}
