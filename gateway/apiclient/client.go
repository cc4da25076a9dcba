package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APIPrefix is the path every API route lives under.
const APIPrefix = "/api/v1"

// Defaults of New.
const (
	// DefaultTimeout bounds one request, retries of a rate-limited request
	// included.
	DefaultTimeout = 60 * time.Second
	// DefaultRetries is how often a request refused with 429 is retried.
	DefaultRetries = 20
	// maxResponse bounds what is read of a response body.
	maxResponse = 64 << 20
)

// Client talks to one metrotrace gateway with one bearer token. It is safe
// for concurrent use.
type Client struct {
	base      *url.URL
	token     string
	http      *http.Client
	retries   int
	userAgent string
}

// Option configures New.
type Option func(*Client)

// WithToken sets the bearer token sent with every request ("" sends none:
// only public routes answer).
func WithToken(token string) Option { return func(c *Client) { c.token = strings.TrimSpace(token) } }

// WithHTTPClient sets the HTTP client requests go through (default: one
// with DefaultTimeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetries sets how often a request refused with 429 Too Many Requests
// is retried after the server's Retry-After (0: never).
func WithRetries(n int) Option { return func(c *Client) { c.retries = max(n, 0) } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the gateway at baseURL, e.g.
// http://127.0.0.1:8080 (a path prefix before /api/v1 is kept).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", baseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q must be http:// or https:// and name a host", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c := &Client{base: u, http: &http.Client{Timeout: DefaultTimeout}, retries: DefaultRetries, userAgent: "metrotrace-apiclient"}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the gateway's URL.
func (c *Client) BaseURL() string { return c.base.String() }

// request is one API call.
type request struct {
	method      string
	path        string // under the base URL, escaped
	query       url.Values
	contentType string
	accept      string // "" : application/json
	body        []byte
	// stream, when set, reads a 2xx answer's body as it arrives instead
	// of the whole body being read first (the response then has none).
	stream func(io.Reader) error
}

// response is a successful answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request, retrying while it is rate limited, and returns the
// answer of a 2xx status, an *Error for any other status, or a transport
// error.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	target := c.base.String() + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	shown := c.base.Redacted() + r.path
	for attempt := 0; ; attempt++ {
		var body io.Reader
		if r.body != nil {
			body = bytes.NewReader(r.body)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, target, body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
		if r.contentType != "" {
			req.Header.Set("Content-Type", r.contentType)
		}
		accept := r.accept
		if accept == "" {
			accept = "application/json"
		}
		req.Header.Set("Accept", accept)
		req.Header.Set("User-Agent", c.userAgent)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if key := idempotencyKeyOf(ctx); key != "" && r.method == http.MethodPost {
			req.Header.Set(headerIdempotencyKey, key)
		}
		res, err := c.http.Do(req)
		if err != nil {
			// A *url.Error already names the method and the URL.
			return nil, err
		}
		if r.stream != nil && res.StatusCode >= 200 && res.StatusCode <= 299 {
			err := r.stream(res.Body)
			res.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, shown, err)
			}
			return &response{status: res.StatusCode, header: res.Header}, nil
		}
		data, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
		res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s %s: read answer: %w", r.method, shown, err)
		}
		if res.StatusCode == http.StatusTooManyRequests && attempt < c.retries {
			if err := sleep(ctx, retryAfter(res.Header.Get("Retry-After"), attempt)); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, shown, err)
			}
			continue
		}
		if res.StatusCode < 200 || res.StatusCode > 299 {
			return &response{status: res.StatusCode, header: res.Header, body: data}, errorOf(res.StatusCode, data)
		}
		return &response{status: res.StatusCode, header: res.Header, body: data}, nil
	}
}

// retryAfter is the wait before retrying a rate-limited request: the
// server's Retry-After seconds when given, growing with the attempt
// otherwise, at most five seconds.
func retryAfter(header string, attempt int) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(header)); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 5*time.Second)
	}
	return min(time.Duration(attempt+1)*200*time.Millisecond, 5*time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// getJSON GETs an API path and decodes the answer into out.
func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	res, err := c.do(ctx, request{method: http.MethodGet, path: APIPrefix + path, query: query})
	if err != nil {
		return err
	}
	return decode(res.body, out)
}

func decode(body []byte, out any) error {
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append(json.RawMessage(nil), body...)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode the server's answer: %w", err)
	}
	return nil
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }

// IsStatus reports whether err is an *Error with the given HTTP status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}
