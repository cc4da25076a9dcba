package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// SigningRevocation is the body of POST /signing-certificates/{id}/revoke.
type SigningRevocation struct {
	RevokedOn string `json:"revoked_on"`
	Reason    string `json:"reason"`
}

// revokeSigningCertificate handles POST /signing-certificates/{id}/revoke.
func (s *Server) revokeSigningCertificate(c echo.Context) error {
	var b SigningRevocation
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	if err := record.PlausibleDate("revoked_on", b.RevokedOn); err != nil {
		return record.FieldErrors(record.FieldErrorOf("revoked_on", err))
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	return s.action(c, func(cl *client.Client) (*client.Written, error) {
		return cl.RevokeSigningCertificate(c.Request().Context(), id, c.Param("id"), b.RevokedOn, b.Reason)
	})
}
