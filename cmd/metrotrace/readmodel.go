package main

import (
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// readModel serves the HTTP API's reads from the index. The index and the
// API each declare their own Page and Hit (same fields): this converts.
type readModel struct {
	*index.Index
}

var _ httpapi.ReadModel = readModel{}

// List returns a page of records as the API's Page.
func (r readModel) List(docType, idx, value string, pageSize int, pageToken string) (*httpapi.Page, error) {
	p, err := r.Index.List(docType, idx, value, pageSize, pageToken)
	if err != nil {
		return nil, err
	}
	return &httpapi.Page{Records: p.Records, NextPageToken: p.NextPageToken}, nil
}

// Search returns search hits as the API's Hit.
func (r readModel) Search(query string, limit int) ([]httpapi.Hit, error) {
	hits, err := r.Index.Search(query, limit)
	if err != nil {
		return nil, err
	}
	out := make([]httpapi.Hit, len(hits))
	for i, h := range hits {
		out[i] = httpapi.Hit{DocType: h.DocType, ID: h.ID, Name: h.Name}
	}
	return out, nil
}
