package rules

import (
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Reasons a certificate is at risk.
const (
	RiskReferenceSealed             = "reference_sealed"
	RiskReferenceRevoked            = "reference_revoked"
	RiskApprovalExpired             = "approval_expired"
	RiskReferenceCertificateExpired = "reference_certificate_expired"
)

// Risk is one reason a certificate is at risk: a reference standard it was
// issued against was not fit for use on the day.
type Risk struct {
	ReferenceID string `json:"reference_id"`
	Reason      string `json:"reason"`
	Detail      string `json:"detail"`
}

// RisksOf lists why a valid certificate is at risk: issued against a
// reference on or after the date it was sealed or revoked, after its
// approval expired, or when the reference's own certificate had expired
// (or been withdrawn). A revoked or superseded certificate is no longer in
// force and carries no risk. The answer is in reference order.
func RisksOf(l Lookup, c *record.Certificate) ([]Risk, error) {
	if c.Status != record.CertValid {
		return nil, nil
	}
	use := c.PerformedOn
	var out []Risk
	for _, refID := range c.ReferenceIDs {
		ref, err := l.Standard(refID)
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", refID, err)
		}
		if ref == nil {
			continue
		}
		switch status, change := ref.StatusOn(use); status {
		case record.StatusSealed:
			out = append(out, Risk{refID, RiskReferenceSealed, fmt.Sprintf("reference %s was sealed since %s (%s), used %s", refID, change.Since, change.Reason, use)})
		case record.StatusRevoked:
			out = append(out, Risk{refID, RiskReferenceRevoked, fmt.Sprintf("reference %s was revoked since %s (%s), used %s", refID, change.Since, change.Reason, use)})
		}
		if ref.Approval != nil && use > ref.Approval.ValidUntil {
			out = append(out, Risk{refID, RiskApprovalExpired, fmt.Sprintf("reference %s approval %s expired %s, used %s", refID, ref.Approval.Number, ref.Approval.ValidUntil, use)})
		}
		if ref.Level == record.LevelPrimary {
			continue
		}
		certs, err := l.CertificatesBySubject(refID)
		if err != nil {
			return nil, fmt.Errorf("certificates of %s: %w", refID, err)
		}
		if len(certs) == 0 {
			continue // a root without certificate: the trace reports it
		}
		if rc, ok := CertificateAt(certs, use); !ok {
			_, _, why := describeInvalidAtUse(refID, certs, rc, use)
			out = append(out, Risk{refID, RiskReferenceCertificateExpired, why})
		}
	}
	return out, nil
}
