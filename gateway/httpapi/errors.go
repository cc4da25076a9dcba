package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Error codes of the API beyond the domain's record codes (invalid,
// not_found, conflict, forbidden, internal).
const (
	CodeUnauthorized         = "unauthorized"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodePayloadTooLarge      = "payload_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeHeaderTooLarge       = "header_too_large"
	CodeRateLimited          = "rate_limited"
	CodeNotImplemented       = "not_implemented"
	CodeLedger               = "ledger_error"
	CodeUnavailable          = "unavailable"
	CodeTimeout              = "timeout"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	string(record.Invalid):   http.StatusBadRequest,
	CodeUnauthorized:         http.StatusUnauthorized,
	string(record.Forbidden): http.StatusForbidden,
	string(record.NotFound):  http.StatusNotFound,
	CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	string(record.Conflict):  http.StatusConflict,
	CodePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	CodeHeaderTooLarge:       http.StatusRequestHeaderFieldsTooLarge,
	CodeRateLimited:          http.StatusTooManyRequests,
	string(record.Internal):  http.StatusInternalServerError,
	CodeNotImplemented:       http.StatusNotImplemented,
	CodeLedger:               http.StatusBadGateway,
	CodeUnavailable:          http.StatusServiceUnavailable,
	CodeTimeout:              http.StatusGatewayTimeout,
}

// codeOf is statusOf reversed, for errors that come with only a status
// (echo's own 404, 405, 413 ...).
var codeOf = func() map[int]string {
	m := make(map[int]string, len(statusOf))
	for code, status := range statusOf {
		m[status] = code
	}
	return m
}()

// apiError is an error the API raises itself.
type apiError struct {
	code    string
	message string
	details []record.FieldError
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// errorf is an error of the API of code; an internal one carries the
// reason [ReasonInternalDetail] with its English message as detail.
func errorf(code, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if code == string(record.Internal) {
		return refusef(code, ReasonInternalDetail, record.Params{"detail": msg}, "%s", msg)
	}
	return &apiError{code: code, message: msg}
}

func invalidf(format string, args ...any) error {
	return errorf(string(record.Invalid), format, args...)
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code and message of an error response; Details name
// every wrong field of a refused request (Field and Message), or, for a
// refused batch, why each refused item was refused (Index, Code and
// Message).
type ErrorDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Details []Detail `json:"details,omitempty"`
}

// Detail is one entry of an error response's details: a wrong field, or a
// refused item of a batch. A wrong field's Code is its [record.FieldCode]
// and Params the values its sentence prints, so that a client says it in
// its own language (Message is the English); a refused item's Code is the
// class of its error (invalid, conflict, ...) and Reason, with Params, the
// code of its sentence when it has one.
type Detail struct {
	Field   string            `json:"field,omitempty"`
	Index   *int              `json:"index,omitempty"`
	Code    string            `json:"code,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	Message string            `json:"message"`
	// Fields are the field errors of a refused item that names several
	// fields (Reason item_fields), each with its code and params.
	Fields []Detail `json:"fields,omitempty"`
}

// detailsOf lists the field errors or refused batch items an error
// carries; nil when it carries none.
func detailsOf(err error) []Detail {
	var fields []record.FieldError
	var api *apiError
	if errors.As(err, &api) {
		fields = api.details
	} else {
		fields = record.ErrorDetails(err)
	}
	items := itemErrorsOf(err)
	if len(items) > 0 {
		// A refused batch: its own reason, then its items, each with
		// its class as code and its own reason, when it has one.
		var out []Detail
		if len(fields) > 0 && fields[0].Code == record.ReasonBatchRefused {
			out = append(out, Detail{Code: string(fields[0].Code), Params: fields[0].Params, Message: fields[0].Message})
		}
		for i, it := range items {
			d := Detail{Index: &items[i].Index, Code: string(it.Code), Reason: string(it.Reason), Params: it.Params, Message: it.Message}
			for _, f := range it.Fields {
				d.Fields = append(d.Fields, Detail{Field: f.Field, Code: string(f.Code), Params: f.Params, Message: f.Message})
			}
			out = append(out, d)
		}
		return out
	}
	var out []Detail
	for _, f := range fields {
		out = append(out, Detail{Field: f.Field, Code: string(f.Code), Params: f.Params, Message: f.Message})
	}
	return out
}

// classify turns any error a handler or middleware returns into an error
// code and a message safe to show the caller.
func classify(err error) (code, message string) {
	var (
		api    *apiError
		rec    *record.Error
		he     *echo.HTTPError
		tooBig *http.MaxBytesError
		reqErr *openapi3filter.RequestError
		led    *ledger.Error
	)
	switch {
	case errors.As(err, &api):
		return api.code, api.message
	case errors.As(err, &tooBig):
		return CodePayloadTooLarge, fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &rec):
		if rec.Code == record.Internal {
			return string(record.Internal), "the ledger failed: " + rec.Message
		}
		return string(rec.Code), rec.Message
	case errors.As(err, &reqErr):
		return string(record.Invalid), summary(reqErr.Error(), DefaultValidateConfig.MaxMessage)
	case errors.As(err, &he):
		code, ok := codeOf[he.Code]
		if !ok {
			code = string(record.Invalid)
			if he.Code >= 500 {
				code = string(record.Internal)
			}
		}
		msg, ok := he.Message.(string)
		if !ok || msg == "" {
			msg = http.StatusText(he.Code)
		}
		return code, msg
	case errors.Is(err, auth.ErrInvalidToken):
		return CodeUnauthorized, err.Error()
	case errors.Is(err, ledger.ErrUnavailable):
		return CodeUnavailable, err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout, "the ledger did not answer in time"
	case errors.As(err, &led):
		return CodeLedger, led.Error()
	case errors.Is(err, context.Canceled):
		return CodeUnavailable, "the request was cancelled"
	}
	return string(record.Internal), "internal error"
}

// handleError is the server's one echo.HTTPErrorHandler: every error,
// echo's own 404 and 405 included, becomes a JSON error body.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	cause := err
	err = explained(err, c)
	code, message := classify(err)
	status := statusOf[code]
	log := loggerFrom(c.Request().Context(), s.log)
	if status >= 500 {
		log.Error("request failed", "status", status, "code", code, "err", cause)
	} else {
		log.Debug("request refused", "status", status, "code", code, "err", cause)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrotrace"`)
	}
	// On HEAD too: net/http drops the body and keeps the headers GET gets.
	if werr := c.JSON(status, ErrorBody{Error: ErrorDetail{Code: code, Message: message, Details: detailsOf(err)}}); werr != nil {
		log.Warn("write error response", "err", werr)
	}
}
