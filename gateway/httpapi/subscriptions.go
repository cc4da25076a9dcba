package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

// SubscriptionRequest is the body of POST /subscriptions.
type SubscriptionRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// subscribers may subscribe to webhooks: a recorder (for the events of its
// institution) or an operator (for every event).
var subscribers = []string{record.RoleRecorder, record.RoleOperator}

// subscribe handles POST /subscriptions: it answers 201 with the
// subscription and the secret its deliveries are signed with, shown once.
func (s *Server) subscribe(c echo.Context) error {
	var b SubscriptionRequest
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	if s.cfg.Webhooks == nil {
		return refusef(CodeUnavailable, ReasonNoWebhooks, nil, "this gateway delivers no webhooks")
	}
	claims := claimsOf(c)
	sub, err := s.cfg.Webhooks.Subscribe(webhook.Subscription{URL: b.URL, Events: b.Events, Role: claims.Role, Institution: claims.Institution})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sub)
}
