package httpapi

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// maxLookup bounds the records one DCC lookup reads.
const maxLookup = 1000

// listRecords returns the records an index holds for a value.
func listRecords(ctx context.Context, r Reader, index, value string) ([]json.RawMessage, error) {
	p, err := r.List(ctx, record.IndexDocType[index], index, value, maxLookup, "")
	if err != nil {
		return nil, err
	}
	return p.Records, nil
}

// ledgerLookup answers the DCC mapping's questions about the ledger: the
// standards a measuring equipment may be, the certificate a previous
// report names.
type ledgerLookup struct {
	ctx context.Context
	r   Reader
}

var (
	_ dcc.StandardLookup = ledgerLookup{}
	_ dcc.AnchorLookup   = ledgerLookup{}
)

// ByIdentification lists the standards carrying an identification.
func (l ledgerLookup) ByIdentification(issuer, value string) ([]string, error) {
	recs, err := listRecords(l.ctx, l.r, record.IndexStandardsByIdentification, record.IdentificationKey(issuer, value))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		var std record.Standard
		if err := json.Unmarshal(r, &std); err != nil {
			return nil, fmt.Errorf("decode standard: %w", err)
		}
		ids = append(ids, std.ID)
	}
	return ids, nil
}

// Exists reports whether a standard is registered.
func (l ledgerLookup) Exists(id string) (bool, error) {
	_, err := l.r.Get(l.ctx, record.DocStandard, id)
	if record.ErrorCode(err) == record.NotFound {
		return false, nil
	}
	return err == nil, err
}

// ByDCCSHA256 lists the certificates anchoring a DCC by its exact or
// canonical SHA-256.
func (l ledgerLookup) ByDCCSHA256(sha string) ([]record.Certificate, error) {
	var out []record.Certificate
	seen := map[string]bool{}
	for _, index := range []string{record.IndexCertificatesByDCC, record.IndexCertificatesByDCCC14N} {
		recs, err := listRecords(l.ctx, l.r, index, sha)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			var c record.Certificate
			if err := json.Unmarshal(r, &c); err != nil {
				return nil, fmt.Errorf("decode certificate: %w", err)
			}
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// ByCanonical lists the certificates anchoring a DCC of a canonical
// SHA-256.
func (l ledgerLookup) ByCanonical(sha string) ([]record.Certificate, error) {
	recs, err := listRecords(l.ctx, l.r, record.IndexCertificatesByDCCC14N, sha)
	if err != nil {
		return nil, err
	}
	out := make([]record.Certificate, 0, len(recs))
	for _, r := range recs {
		var c record.Certificate
		if err := json.Unmarshal(r, &c); err != nil {
			return nil, fmt.Errorf("decode certificate: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// verifySignature checks the signature of a verified file, judged for the
// issuer of the certificate anchoring it (or, when altered, named by it),
// else for the laboratory the DCC names.
func (s *Server) verifySignature(ctx context.Context, r Reader, v *Verification, data []byte) error {
	institution := ""
	if v.Certificate != nil {
		institution = v.Certificate.IssuerID
	} else if doc, err := dcc.Parse(data); err == nil && record.ValidateID("issuer_id", doc.Laboratory.Code) == nil {
		institution = doc.Laboratory.Code
	}
	sig, err := s.checkSignature(ctx, r, data, institution)
	if err != nil {
		return err
	}
	v.Signature = sig
	return nil
}

// signingCertificates returns the signing certificates an institution
// registered.
func signingCertificates(ctx context.Context, r Reader, institution string) ([]record.SigningCertificate, error) {
	recs, err := listRecords(ctx, r, record.IndexSigningCertificatesByInstitution, institution)
	if err != nil {
		return nil, err
	}
	out := make([]record.SigningCertificate, 0, len(recs))
	for _, r := range recs {
		var sc record.SigningCertificate
		if err := json.Unmarshal(r, &sc); err != nil {
			return nil, fmt.Errorf("decode signing certificate: %w", err)
		}
		out = append(out, sc)
	}
	return out, nil
}

// checkSignature checks a DCC's XML signature against the trust roots and
// the signing certificates institution registered. The roots are
// Config.SignatureRoots and the self-signed certificates of the registered
// chains, whose other certificates serve as intermediates.
func (s *Server) checkSignature(ctx context.Context, r Reader, data []byte, institution string) (*signature.Result, error) {
	opts := signature.Options{Roots: append([]*x509.Certificate(nil), s.cfg.SignatureRoots...), Institution: institution}
	if institution != "" {
		regs, err := signingCertificates(ctx, r, institution)
		if err != nil {
			return nil, err
		}
		opts.Registered = regs
		for _, reg := range regs {
			for _, p := range reg.Chain {
				c, err := record.ParseCertificatePEM("chain", p)
				switch {
				case err != nil:
				case bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil:
					opts.Roots = append(opts.Roots, c)
				default:
					opts.Intermediates = append(opts.Intermediates, c)
				}
			}
		}
	}
	res, _ := signature.Verify(data, opts)
	return &res, nil
}

// refuseBrokenSignature refuses a DCC whose XML signature is present but
// does not verify: its signed content was changed, and a ledger must not
// anchor it.
func refuseBrokenSignature(sig *signature.Result) error {
	if sig.Present && !sig.Valid {
		detail := strings.TrimPrefix(sig.Reason, "the signature does not verify: ")
		return refusef(string(record.Invalid), ReasonDCCSignatureBroken, record.Params{"detail": detail}, "the DCC carries an XML signature that does not verify: %s", detail)
	}
	return nil
}

// requireSignature refuses a DCC whose issuer requires signed DCCs
// (Institution.RequireSignedDCC) unless its signature is valid and
// registered.
func requireSignature(ctx context.Context, r Reader, issuer string, sig *signature.Result) error {
	in, err := readAs[record.Institution](ctx, r, record.DocInstitution, issuer)
	if err != nil || !in.RequireSignedDCC {
		return err
	}
	if !sig.Present || !sig.Valid || !sig.Registered {
		return refusef(string(record.Invalid), ReasonDCCSignatureRequired, record.Params{"institution": issuer, "detail": sig.Reason},
			"institution %s requires its DCCs to be signed with a signing certificate it registered: %s", issuer, sig.Reason)
	}
	return nil
}

// sameIdentifier refuses, with a 409, a DCC whose certificate id is
// already a certificate on the ledger: re-importing the same file would be
// refused by the chaincode anyway, and a different file under the same
// identifier must not replace the one anchored.
func sameIdentifier(ctx context.Context, r Reader, cert *record.Certificate) error {
	existing, err := readAs[record.Certificate](ctx, r, record.DocCertificate, cert.ID)
	if record.ErrorCode(err) == record.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if existing.DCCSHA256 == cert.DCCSHA256 {
		return refusef(string(record.Conflict), ReasonDCCOnLedger, record.Params{"id": cert.ID, "digest": cert.DCCSHA256}, "certificate %s is on the ledger already, anchoring this very DCC (SHA-256 %s)", cert.ID, cert.DCCSHA256)
	}
	return refusef(string(record.Conflict), ReasonDCCOnLedgerOther, record.Params{"id": cert.ID, "digest": orNone(existing.DCCSHA256), "file_digest": cert.DCCSHA256},
		"certificate %s is on the ledger already, anchoring another DCC (SHA-256 %s; this file's is %s): a DCC that replaces it needs its own uniqueIdentifier and a previousReport naming the anchored one",
		cert.ID, orNone(existing.DCCSHA256), cert.DCCSHA256)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
