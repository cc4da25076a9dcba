package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// CertificateBatch is the body of POST /certificates/batch, and its answer:
// the certificates, each as POST /certificates takes it (the answer: as
// stored).
type CertificateBatch struct {
	Certificates []json.RawMessage `json:"certificates"`
}

// issueCertificates handles POST /certificates/batch: up to
// record.MaxBatch certificates in one transaction, all or nothing. A
// refused batch is one error whose details name every refused item.
func (s *Server) issueCertificates(c echo.Context) error {
	var b CertificateBatch
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	switch n := len(b.Certificates); {
	case n == 0:
		return refusef(string(record.Invalid), ReasonBatchEmpty, record.Params{"max": fmt.Sprint(record.MaxBatch)}, "certificates must hold 1 to %d certificates", record.MaxBatch)
	case n > record.MaxBatch:
		return refusef(string(record.Invalid), ReasonBatchTooLarge, record.Params{"count": fmt.Sprint(n), "max": fmt.Sprint(record.MaxBatch)}, "certificates holds %d certificates, a batch takes at most %d", n, record.MaxBatch)
	}
	for i, raw := range b.Certificates {
		if len(raw) == 0 || raw[0] != '{' {
			return record.BatchError("issue certificates", len(b.Certificates),
				[]record.ItemError{{Index: i, Code: record.Invalid, Reason: ReasonItemNotObject, Message: "a certificate must be a JSON object"}})
		}
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	w, err := s.cfg.Client.IssueCertificates(c.Request().Context(), id, b.Certificates)
	if err != nil {
		return err
	}
	var stored []json.RawMessage
	if err := json.Unmarshal(w.Record, &stored); err != nil {
		return errorf(string(record.Internal), "the ledger's answer is not a list of certificates: %v", err)
	}
	body, _ := json.Marshal(CertificateBatch{Certificates: stored})
	return s.written(c, http.StatusCreated, &client.Written{Record: body, Receipt: w.Receipt})
}

// itemErrorsOf recovers the refused items of a refused batch, for the
// error body's details; nil for any other error.
func itemErrorsOf(err error) []record.ItemError {
	var rec *record.Error
	if !errors.As(err, &rec) {
		return nil
	}
	return record.BatchItemReasons(rec)
}
