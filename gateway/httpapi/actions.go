package httpapi

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// StatusChange is the body of POST /standards/{id}/status.
type StatusChange struct {
	Status string `json:"status"`
	Since  string `json:"since"`
	Reason string `json:"reason"`
}

// Revocation is the body of POST /certificates/{id}/revoke.
type Revocation struct {
	Reason string `json:"reason"`
}

// Supersession is the body of POST /certificates/{id}/supersede.
type Supersession struct {
	ReplacementID string `json:"replacement_id"`
	Reason        string `json:"reason"`
}

// decodeBody decodes the request's JSON body strictly, as the chaincode
// decodes records: unknown fields and wrong types are 400s.
func decodeBody(c echo.Context, v any) error {
	data := bodyOf(c)
	if len(data) == 0 {
		data = []byte("{}")
	}
	return record.Decode(data, v)
}

// action runs a write on a record and answers with the stored record.
func (s *Server) action(c echo.Context, do func(*client.Client) (*client.Written, error)) error {
	w, err := do(s.cfg.Client)
	if err != nil {
		return err
	}
	return s.written(c, http.StatusOK, w)
}

func (s *Server) setStandardStatus(c echo.Context) error {
	var b StatusChange
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	// The chaincode checks status, since and reason, naming every wrong one.
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.SetStandardStatus(c.Request().Context(), id, c.Param("id"), b.Status, b.Since, b.Reason)
	})
}

func (s *Server) revokeCertificate(c echo.Context) error {
	var b Revocation
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.RevokeCertificate(c.Request().Context(), id, c.Param("id"), b.Reason)
	})
}

func (s *Server) supersedeCertificate(c echo.Context) error {
	var b Supersession
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.SupersedeCertificate(c.Request().Context(), id, c.Param("id"), b.ReplacementID, b.Reason)
	})
}

// addComparisonResults passes the JSON array of results to the chaincode
// as sent; it decodes them strictly and computes En.
func (s *Server) addComparisonResults(c echo.Context) error {
	body := bytes.TrimSpace(bodyOf(c))
	if len(body) == 0 || body[0] != '[' {
		return refusef(string(record.Invalid), ReasonBodyNotArray, nil, "the body must be a JSON array of results")
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.AddComparisonResults(c.Request().Context(), id, c.Param("id"), body)
	})
}

// approveAgreement approves for the token's institution; the body is {}
// or empty.
func (s *Server) approveAgreement(c echo.Context) error {
	var b struct{}
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	party := claimsOf(c).Institution
	if party == "" {
		return refusef(string(record.Forbidden), ReasonTokenNoParty, nil, "this token names no institution to approve for")
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.ApproveAgreement(c.Request().Context(), id, c.Param("id"), party)
	})
}
