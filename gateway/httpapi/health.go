package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Readiness is the answer of GET /readyz.
type Readiness struct {
	Ready        bool     `json:"ready"`
	LedgerHeight uint64   `json:"ledger_height"`
	IndexHeight  uint64   `json:"index_height"`
	Problems     []string `json:"problems"`
}

// healthz answers while the process serves.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is ready when the ledger answers and the index has applied every
// block the ledger has.
func (s *Server) readyz(c echo.Context) error {
	r := Readiness{Problems: []string{}}
	if s.cfg.HeightFunc == nil {
		r.Problems = append(r.Problems, "no ledger configured")
	} else {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		h, err := s.cfg.HeightFunc(ctx)
		cancel()
		if err != nil {
			r.Problems = append(r.Problems, "ledger unreachable: "+err.Error())
		}
		r.LedgerHeight = h
	}
	if s.cfg.Index == nil {
		r.Problems = append(r.Problems, "no index configured")
	} else {
		r.IndexHeight = s.cfg.Index.Height()
		// An empty ledger (height 1: the next block is the first) has
		// nothing to index yet.
		empty := r.IndexHeight == 0 && r.LedgerHeight <= 1
		if len(r.Problems) == 0 && r.IndexHeight < r.LedgerHeight && !empty {
			r.Problems = append(r.Problems, "index is behind the ledger")
		}
	}
	r.Ready = len(r.Problems) == 0
	status := http.StatusOK
	if !r.Ready {
		status = http.StatusServiceUnavailable
	}
	return c.JSON(status, r)
}
