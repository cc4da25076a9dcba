package httpapi

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
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
	sp := &spec{doc: doc, routes: map[string]*routers.Route{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			sp.routes[method+" "+echoPath(path)] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return sp, nil
}

// route returns the operation of a method and Echo path, nil if the
// document lacks it.
func (sp *spec) route(method, echoPath string) *routers.Route {
	return sp.routes[method+" "+echoPath]
}

var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc, // authorize checks tokens
	SkipSettingDefaults: true,                                  // the chaincode gets the body as sent
}

// opaqueBodyOptions validate only the parameters of operations whose body
// is not JSON (a DCC's XML): kin-openapi cannot decode it, and the handler
// parses it anyway.
var opaqueBodyOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
	ExcludeRequestBody:  true,
}

// hasOpaqueBody reports whether an operation takes a body without a JSON
// media type.
func hasOpaqueBody(op *openapi3.Operation) bool {
	rb := op.RequestBody
	return rb != nil && rb.Value != nil && rb.Value.Content.Get("application/json") == nil
}

// validate checks a request's path and query parameters and its body's
// shape against the operation in the document. The chaincode still
// validates records in depth (and reports unknown fields itself).
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		route := s.spec.route(req.Method, c.Path())
		if route == nil {
			return errorf(CodeNotImplemented, "%s %s is not in the API document", req.Method, c.Path())
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
			return invalidf("%s", validationMessage(err))
		}
		return next(c)
	}
}

// validationMessage shortens kin-openapi's messages to their first line:
// the schema dump that follows helps nobody calling the API.
func validationMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n"); i > 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

func (s *Server) serveOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", OpenAPI)
}
