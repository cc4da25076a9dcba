package apiclient

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Error is a request the server refused: its HTTP status and the code and
// message of the server's JSON error body.
type Error struct {
	// Status is the HTTP status code, 4xx or 5xx.
	Status int
	// Code is the server's error code (invalid, not_found, forbidden ...);
	// empty when the body was not a metrotrace error.
	Code string
	// Message is the server's explanation, or the start of the body when it
	// was not a metrotrace error.
	Message string
	// Details name every wrong field of a refused record (Field and
	// Message) or, for a refused batch, why each refused item was refused.
	Details []ItemError
}

// ItemError is one entry of a refusal's details: a wrong field (Field,
// its code and Message), or a refused item of a batch (its index in the
// batch from 0, the class and the message of its refusal, and, when the
// server has one, the reason code of its sentence with Params; an item
// refused for several fields lists them in Fields).
type ItemError struct {
	Field   string            `json:"field,omitempty"`
	Index   int               `json:"index"`
	Code    string            `json:"code"`
	Reason  string            `json:"reason,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	Message string            `json:"message"`
	Fields  []ItemError       `json:"fields,omitempty"`
}

// Error renders the server's message with the status.
func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s (%d %s)", e.Message, e.Status, e.Code)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Status)
}

// errorBody is the server's error JSON.
type errorBody struct {
	Error *errorDetail `json:"error"`
}

// errorDetail is the error of an error answer, or of a stream's last line.
type errorDetail struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Details []ItemError `json:"details"`
}

// errorOf builds the Error of a refused request from its body.
func errorOf(status int, body []byte) *Error {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil && eb.Error.Message != "" {
		return &Error{Status: status, Code: eb.Error.Code, Message: eb.Error.Message, Details: eb.Error.Details}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &Error{Status: status, Message: msg}
}
