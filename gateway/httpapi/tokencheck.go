package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// institutionOrgs remembers the organization of each registered
// institution the gateway has seen in a token. An institution's msp_id
// never changes once registered, so a found entry stays true; an
// unregistered institution is asked again, since it may be registered
// since.
type institutionOrgs struct {
	m sync.Map // institution id → msp id
}

// checkClaims makes a verified token mean what it says: its organization
// is one this gateway serves (else 401, and nothing is created for it), and
// the institution it names is registered and belongs to that organization
// (else 401), so a token cannot borrow another organization's identity to
// read what that organization alone may read.
func (s *Server) checkClaims(ctx context.Context, claims auth.Claims) error {
	id, err := auth.IdentityFor(s.cfg.Identities, claims)
	if errors.Is(err, auth.ErrUnknownOrganization) {
		if s.memberElsewhere(ctx, claims) {
			// A consortium member this gateway does not serve: the token
			// means what it says, but this gateway holds none of that
			// organization's keys (each organization runs its own).
			return refusef(string(record.Forbidden), ReasonTokenOrgElsewhere, record.Params{"msp": claims.MSP, "institution": claims.Institution},
				"this gateway holds no key of organization %s: %s's users act through their own organization's gateway", claims.MSP, claims.Institution)
		}
		return refusef(CodeUnauthorized, ReasonTokenUnknownOrg, record.Params{"msp": claims.MSP}, "the token names organization %q, which this gateway does not serve", claims.MSP)
	}
	if err != nil || claims.Institution == "" {
		// An identity the backend lacks (a user not enrolled) is the
		// handler's 403; an operator without an institution acts for its
		// organization.
		return nil
	}
	if msp, ok := s.institutionOrgs.m.Load(claims.Institution); ok {
		return sameOrg(claims, msp.(string))
	}
	data, err := s.cfg.Client.Get(ctx, id, record.DocInstitution, claims.Institution)
	switch record.ErrorCode(err) {
	case "":
	case record.NotFound:
		return refusef(CodeUnauthorized, ReasonTokenNoInstitution, record.Params{"institution": claims.Institution}, "the token names institution %s, which is not registered", claims.Institution)
	default:
		return err
	}
	var in record.Institution
	if err := json.Unmarshal(data, &in); err != nil || in.MSPID == "" {
		return refusef(CodeUnauthorized, ReasonTokenInstitutionOrg, record.Params{"institution": claims.Institution}, "the token names institution %s, whose organization cannot be read", claims.Institution)
	}
	s.institutionOrgs.m.Store(claims.Institution, in.MSPID)
	return sameOrg(claims, in.MSPID)
}

func sameOrg(claims auth.Claims, msp string) error {
	if msp != claims.MSP {
		return refusef(CodeUnauthorized, ReasonTokenOrgMismatch, record.Params{"institution": claims.Institution, "msp": msp, "claimed": claims.MSP}, "the token names institution %s of %s, but organization %s", claims.Institution, msp, claims.MSP)
	}
	return nil
}

// memberElsewhere reports whether the token's institution is registered,
// in the index, as an institution of the token's organization: a member of
// the consortium whose organization another gateway serves.
func (s *Server) memberElsewhere(ctx context.Context, claims auth.Claims) bool {
	if claims.Institution == "" || s.cfg.Index == nil {
		return false
	}
	in, err := readAs[record.Institution](ctx, s.cfg.Index, record.DocInstitution, claims.Institution)
	return err == nil && in.MSPID == claims.MSP
}
