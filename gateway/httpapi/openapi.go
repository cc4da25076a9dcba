package httpapi

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// OpenAPI is the API's OpenAPI 3 document, served at
// /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// spec is the loaded document with its operations keyed by method and
// Echo path, so a request is validated against the operation Echo routed
// it to without routing twice.
type spec struct {
	doc    *openapi3.T
	routes map[string]*routers.Route
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

// echoPath turns an OpenAPI path template into Echo's form:
// /standards/{id} → /standards/:id.
func echoPath(template string) string { return templateParam.ReplaceAllString(template, ":$1") }

func loadSpec() (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("OpenAPI document is invalid: %w", err)
	}
	return newSpec(doc), nil
}

// newSpec keys a document's operations by method and Echo path.
func newSpec(doc *openapi3.T) *spec {
	sp := &spec{doc: doc, routes: map[string]*routers.Route{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			sp.routes[method+" "+echoPath(path)] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return sp
}

// route returns the operation of a method and Echo path, nil if the
// document lacks it. HEAD is answered by the GET operation, as HTTP
// wants (the document lists GET only).
func (sp *spec) route(method, echoPath string) *routers.Route {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return sp.routes[method+" "+echoPath]
}

// validationOptions leave the schema and the offending value out of
// kin-openapi's messages: rendering them costs time and memory quadratic
// in the value's depth, and helps nobody calling the API.
//
// MultiError collects every error of a request, so that a form shows each
// wrong field at once; the body was read within the body limit, and each
// value is visited once, so collecting costs no more than stopping at the
// first.
var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc, // authorize checks tokens
	SkipSettingDefaults:     true,                                  // the chaincode gets the body as sent
	MultiError:              true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// opaqueBodyOptions validate only the parameters of operations whose body
// is not JSON (a DCC's XML): kin-openapi cannot decode it, and the handler
// parses it anyway.
var opaqueBodyOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:     true,
	ExcludeRequestBody:      true,
	MultiError:              true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// hasOpaqueBody reports whether an operation takes a body without a JSON
// media type.
func hasOpaqueBody(op *openapi3.Operation) bool {
	rb := op.RequestBody
	return rb != nil && rb.Value != nil && rb.Value.Content.Get("application/json") == nil
}

// ValidateConfig configures the Validate middleware.
type ValidateConfig struct {
	// Skipper defines a function to skip the middleware.
	Skipper middleware.Skipper
	// Document is the OpenAPI document requests are validated against; its
	// paths are matched to Echo's routes by c.Path(). Required.
	Document *openapi3.T
	// MaxMessage bounds the length of a validation error's message, in
	// bytes (0: DefaultValidateConfig.MaxMessage).
	MaxMessage int
}

// DefaultValidateConfig is the default Validate middleware config.
var DefaultValidateConfig = ValidateConfig{Skipper: middleware.DefaultSkipper, MaxMessage: 300}

// ValidateWithConfig returns a middleware that checks a request against
// the operation Echo routed it to: a query string that does not decode is
// a 400 (Echo would silently drop the bad pairs), then the path and query
// parameters and the body's shape are checked against the document, and
// a failure is a 400 whose details name every wrong parameter and field
// (at most MaxDetails) and whose message joins them, bounded. A route missing
// from the document is a 501. The chaincode still validates records in
// depth (and reports unknown fields itself). It panics without Document.
func ValidateWithConfig(config ValidateConfig) echo.MiddlewareFunc {
	if config.Skipper == nil {
		config.Skipper = DefaultValidateConfig.Skipper
	}
	if config.MaxMessage <= 0 {
		config.MaxMessage = DefaultValidateConfig.MaxMessage
	}
	if config.Document == nil {
		panic("httpapi: ValidateConfig.Document must be set")
	}
	sp := newSpec(config.Document)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if config.Skipper(c) {
				return next(c)
			}
			req := c.Request()
			if _, err := url.ParseQuery(req.URL.RawQuery); err != nil {
				return refusef(string(record.Invalid), ReasonQueryMalformed, record.Params{"detail": summary(err.Error(), config.MaxMessage)}, "%s", summary("the query string is malformed: "+err.Error(), config.MaxMessage))
			}
			route := sp.route(req.Method, c.Path())
			if route == nil {
				return refusef(CodeNotImplemented, ReasonNotInAPI, record.Params{"method": req.Method, "path": c.Path()}, "%s %s is not in the API document", req.Method, c.Path())
			}
			params := make(map[string]string, len(c.ParamNames()))
			for i, name := range c.ParamNames() {
				params[name] = c.ParamValues()[i]
			}
			opts := validationOptions
			if hasOpaqueBody(route.Operation) {
				opts = opaqueBodyOptions
			}
			input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
				if details, total := validationDetails(err, config.MaxMessage); len(details) > 0 {
					return invalidFields(details, total, config.MaxMessage)
				}
				msg := summary(err.Error(), config.MaxMessage)
				return refusef(string(record.Invalid), ReasonRequestInvalid, record.Params{"detail": msg}, "%s", msg)
			}
			return next(c)
		}
	}
}

// summary shortens a validation message to its first line and at most
// max bytes.
func summary(msg string, max int) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return clip(strings.TrimSpace(msg), max)
}

func (s *Server) serveOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", OpenAPI)
}
