package httpapi

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// net/http answers some requests before any handler runs: a request line
// or header it cannot parse (400), headers over its MaxHeaderBytes (431),
// a transfer coding it does not know (501), an HTTP version it does not
// serve (505). It writes those answers to the connection in one piece,
// as plain text, in a fixed shape. jsonListener hands out connections
// that recognise that shape and write the same status as a JSON error
// instead, so every answer of the server is JSON. An answer of another
// shape (a later Go's, say) passes unchanged, in plain text.

// cannedHeaders follows the status line of every such answer; a handler's
// answer never has it, since net/http writes a Date header before the
// blank line.
const cannedHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// jsonListener wraps a listener's connections in jsonConn. TLS
// connections pass unwrapped: net/http must see a *tls.Conn to serve it
// (handshake, HTTP/2), and they keep net/http's plain-text refusals.
type jsonListener struct{ net.Listener }

// Accept returns the next connection, wrapped.
func (l jsonListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if _, ok := c.(*tls.Conn); ok {
		return c, nil
	}
	return &jsonConn{Conn: c}, nil
}

// jsonConn rewrites net/http's plain-text answers into JSON errors.
type jsonConn struct{ net.Conn }

func (c *jsonConn) Write(p []byte) (int, error) {
	if answer := jsonAnswer(p); answer != nil {
		if _, err := c.Conn.Write(answer); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// CloseWrite lets net/http half-close the connection after its 431, so
// the client reads the answer before the connection goes.
func (c *jsonConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.New("connection cannot half-close")
}

// jsonAnswer returns the JSON form of a canned net/http answer, nil if p
// is not one.
func jsonAnswer(p []byte) []byte {
	const proto = "HTTP/1.1 "
	if len(p) > 1024 || !bytes.HasPrefix(p, []byte(proto)) {
		return nil
	}
	statusLine, body, ok := bytes.Cut(p[len(proto):], []byte(cannedHeaders))
	if !ok || len(statusLine) < 3 || bytes.ContainsAny(statusLine, "\r\n") {
		return nil
	}
	status, err := strconv.Atoi(string(statusLine[:3]))
	if err != nil || status < 400 || status > 599 {
		return nil
	}
	code, ok := codeOf[status]
	if !ok {
		code = string(record.Invalid)
		if status >= 500 {
			code = CodeNotImplemented
		}
	}
	// The body repeats the status line, with net/http's reason after a
	// colon when it gives one.
	message := "the request line or headers could not be parsed"
	if _, reason, ok := bytes.Cut(body, []byte(": ")); ok {
		message += ": " + string(reason)
	} else if !bytes.Equal(body, statusLine) {
		message += ": " + string(body)
	}
	if status == http.StatusRequestHeaderFieldsTooLarge {
		message = "the request line and headers are too large"
	}
	data, err := json.Marshal(ErrorBody{Error: ErrorDetail{Code: code, Message: clip(message, 300)}})
	if err != nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(proto)
	b.Write(statusLine)
	b.WriteString("\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(data)))
	b.WriteString("\r\n" + echo.HeaderXRequestID + ": " + newRequestID() + "\r\n\r\n")
	b.Write(data)
	return b.Bytes()
}
