package httpapi

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// HeaderIdempotencyKey makes a write apply at most once: a retry with the
// same key and the same request gets the first answer (with
// HeaderIdempotentReplayed set and the first transaction's id), even after
// the gateway that took the first attempt died; the same key with another
// request is a 409.
const HeaderIdempotencyKey = "Idempotency-Key"

// HeaderIdempotentReplayed is "true" on an answer replayed from an earlier
// write with the same idempotency key.
const HeaderIdempotentReplayed = "Idempotent-Replayed"

// idempotency hands a write's Idempotency-Key to the client through the
// request context and marks a replayed answer; a malformed key is a 400.
func idempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(HeaderIdempotencyKey)
		if key == "" {
			return next(c)
		}
		if err := contract.ValidateIdempotencyKey(key); err != nil {
			msg := err.Error()
			var re *record.Error
			if errors.As(err, &re) {
				msg = re.Message
			}
			// The key check says why in a reason code of its own.
			return &apiError{code: string(record.Invalid), message: HeaderIdempotencyKey + ": " + msg, details: []record.FieldError{record.FieldErrorOf("", err)}}
		}
		idem := &client.Idempotency{Key: key}
		req := c.Request()
		c.SetRequest(req.WithContext(client.WithIdempotency(req.Context(), idem)))
		c.Response().Before(func() {
			if !idem.Replayed {
				return
			}
			h := c.Response().Header()
			h.Set(HeaderIdempotentReplayed, "true")
			h.Set(HeaderTransactionID, idem.TxID)
			h.Del(HeaderBlockNumber) // the first write's block is not known to the retry
		})
		return next(c)
	}
}
