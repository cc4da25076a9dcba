package httpapi

import (
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// unrouted answers what no route takes. A path some route takes with
// another method is a 405 naming those methods in Allow (OPTIONS: a 204
// with Allow); any other path is a 404. Echo's router cannot say it here:
// a not-found handler (needed so the console's catch-all never answers
// under the API prefix) hides the router's own 405, so the router is
// asked again, once per registered method.
func (s *Server) unrouted(c echo.Context) error {
	allowed := s.allowed(c.Request())
	if len(allowed) == 0 {
		return echo.ErrNotFound
	}
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(append([]string{http.MethodOptions}, allowed...), ", "))
	if c.Request().Method == http.MethodOptions {
		return c.NoContent(http.StatusNoContent)
	}
	return echo.ErrMethodNotAllowed
}

// allowed lists, sorted, the methods whose registered routes take the
// request's path.
func (s *Server) allowed(req *http.Request) []string {
	path := echo.GetPath(req)
	var methods []string
	for method, paths := range s.allow {
		probe := s.echo.NewContext(req, nil)
		s.echo.Router().Find(method, path, probe)
		if paths[probe.Path()] && probe.Get(echo.ContextKeyHeaderAllow) == nil {
			methods = append(methods, method)
		}
	}
	sort.Strings(methods)
	return methods
}
