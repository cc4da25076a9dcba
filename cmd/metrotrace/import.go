package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

// DefaultImportConcurrency is how many requests import has in flight at once.
const DefaultImportConcurrency = 4

// DefaultImportBatch is how many certificates import sends in one request
// (POST /certificates/batch, one transaction).
const DefaultImportBatch = 100

func newImportCommand(env Env) *cobra.Command {
	var o clientOptions
	var kindName, format string
	concurrency, batch := DefaultImportConcurrency, DefaultImportBatch
	cmd := &cobra.Command{
		Use:   "import FILE --kind KIND",
		Short: "Create records in bulk from a JSON or CSV file, with a summary of what was rejected and why",
		Long: `import creates every record of a file, one request per record, as the token's
institution (POST /api/v1/{kind}s), showing progress on standard error, then
prints how many were created and, for each rejected record, where it is in the
file, its id and the server's reason. The exit status is 1 if any was rejected.

Certificates go --batch at a time in one request and one transaction
(POST /api/v1/certificates/batch). The server takes a batch whole or not at
all: the records it refuses are reported, and the rest of their batch is sent
again without them. --batch 1 sends one request per certificate.

Formats (--format, by default from the file name and content):
  json   a JSON array of records, or JSON objects one after another
  jsonl  one JSON record a line
  csv    a header row of JSON field names, nested fields as dotted names
         (range.min, range.max, range.unit, uncertainty.value, uncertainty.k),
         lists of values ';'-separated (reference_ids: STD-1;STD-2), lists of
         objects as a JSON cell; an empty cell leaves the field out.

KIND is ` + kindsHelp + `. FILE "-" reads standard input.`,
		Example: "  metrotrace import capabilities.csv --kind capability\n  metrotrace import instruments.jsonl --kind instrument --concurrency 8\n  metrotrace import certificates.jsonl --kind certificate --batch 500",
		Args:    exactArgs(1, "FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if kindName == "" {
				return usageErrorf("--kind is required (%s)", kindsHelp)
			}
			kind, err := apiclient.ParseKind(kindName)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if concurrency < 1 || concurrency > 64 {
				return usageErrorf("--concurrency must be from 1 to 64, got %d", concurrency)
			}
			if batch < 1 || batch > record.MaxBatch {
				return usageErrorf("--batch must be from 1 to %d, got %d", record.MaxBatch, batch)
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			data, err := readInput(args[0], env.Stdin)
			if err != nil {
				return err
			}
			items, err := readItems(data, args[0], format, kind.DocType)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			im := &importer{client: c, kind: kind, concurrency: concurrency, batch: batch, progress: env.Stderr}
			sum := im.run(cmd.Context(), items)
			if o.output == outputJSON {
				if err := writeJSON(env.Stdout, sum); err != nil {
					return err
				}
			} else {
				sum.print(env.Stdout, args[0])
			}
			if sum.Stopped != "" {
				return errReported("import stopped: %s", o.explain(sum.stopErr))
			}
			if n := len(sum.Rejected); n > 0 {
				return errReported("%d of %d record(s) rejected", n, sum.Total)
			}
			return nil
		}),
	}
	o.bind(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVarP(&kindName, "kind", "k", "", "record kind: "+kindsHelp+" (required)")
	fs.StringVar(&format, "format", formatAuto, "input format: auto, json, jsonl or csv")
	fs.IntVarP(&concurrency, "concurrency", "c", concurrency, "requests in flight at once")
	fs.IntVar(&batch, "batch", batch, fmt.Sprintf("certificates per request and transaction, 1 to %d", record.MaxBatch))
	return cmd
}

// importer sends records to the server.
type importer struct {
	client      *apiclient.Client
	kind        apiclient.Kind
	concurrency int
	// batch is how many certificates go in one request (0 or 1: one
	// request per record); other kinds always go one at a time.
	batch int
	// progress receives a progress bar (nil: none).
	progress io.Writer
	// onResult, when set, sees every record's outcome as it arrives.
	onResult func(outcome)
}

// outcome is what became of one record.
type outcome struct {
	item
	// Created is true once the server answered 201 for a new record.
	Created bool `json:"created"`
	// Replayed is true when the server answered 201 with the answer of an
	// earlier import of the same record: it was not written again.
	Replayed bool `json:"replayed,omitempty"`
	// Status, Code and Message are the server's refusal; Status 0 with a
	// Message: the record never reached the server, or got no answer.
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Unanswered marks a record in flight when the connection failed: the
	// server may or may not have stored it.
	Unanswered bool `json:"unanswered,omitempty"`
}

// importSummary is the result of an import.
type importSummary struct {
	Kind    string `json:"kind"`
	Total   int    `json:"total"`
	Created int    `json:"created"`
	// Replayed counts records an earlier run already imported.
	Replayed   int       `json:"replayed"`
	Rejected   []outcome `json:"rejected"`
	Unanswered []outcome `json:"unanswered,omitempty"`
	NotSent    int       `json:"not_sent,omitempty"`
	// Stopped says why the import stopped early (the server became
	// unreachable).
	Stopped string `json:"stopped,omitempty"`
	stopErr error
}

// run sends every item, concurrency at a time. Local rejections are not
// sent. A transport error (server unreachable) stops the import: records
// not yet sent are counted as not sent.
func (im *importer) run(ctx context.Context, items []item) *importSummary {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sum := &importSummary{Kind: im.kind.DocType, Total: len(items), Rejected: []outcome{}}
	var bar interface {
		Add(int) error
		Finish() error
	}
	if im.progress != nil {
		bar = newBar(im.progress, len(items), "importing "+im.kind.Plural, "rec")
	}
	var mu sync.Mutex
	done := func(o outcome) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case o.Created:
			sum.Created++
		case o.Replayed:
			sum.Replayed++
		case o.Unanswered:
			sum.Unanswered = append(sum.Unanswered, o)
		default:
			sum.Rejected = append(sum.Rejected, o)
		}
		if bar != nil {
			_ = bar.Add(1)
		}
		if im.onResult != nil {
			im.onResult(o)
		}
	}
	stop := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if sum.stopErr == nil {
			sum.stopErr = err
			sum.Stopped = err.Error()
		}
		cancel()
	}

	size := 1
	if im.batch > 1 && im.kind.DocType == record.DocCertificate {
		size = im.batch
	}
	work := make(chan []item)
	var wg sync.WaitGroup
	for range max(im.concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range work {
				if size > 1 {
					im.sendBatch(ctx, chunk, done, stop)
					continue
				}
				it := chunk[0]
				w, err := im.client.Create(apiclient.WithIdempotencyKey(ctx, importKey(im.kind, it.Body)), im.kind.Plural, it.Body)
				var ae *apiclient.Error
				switch {
				case err == nil:
					done(outcome{item: it, Created: !w.Replayed, Replayed: w.Replayed})
				case errors.As(err, &ae):
					done(outcome{item: it, Status: ae.Status, Code: ae.Code, Message: ae.Message})
				case ctx.Err() != nil:
					// Cancelled after another request found the server gone.
					done(outcome{item: it, Unanswered: true, Message: "no answer: the import stopped"})
				default:
					done(outcome{item: it, Unanswered: true, Message: "no answer: " + err.Error()})
					stop(err)
				}
			}
		}()
	}
	sent := 0
	var chunk []item
	send := func() bool {
		if len(chunk) == 0 {
			return true
		}
		select {
		case work <- chunk:
			sent += len(chunk)
			chunk = nil
			return true
		case <-ctx.Done():
			return false
		}
	}
feed:
	for _, it := range items {
		if it.Err != nil {
			done(outcome{item: it, Message: it.Err.Error()})
			sent++
			continue
		}
		chunk = append(chunk, it)
		if len(chunk) == size && !send() {
			break feed
		}
	}
	send()
	close(work)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
	}
	sum.NotSent = len(items) - sent
	if sum.stopErr == nil && ctx.Err() != nil && sum.NotSent > 0 {
		sum.stopErr = ctx.Err()
		sum.Stopped = ctx.Err().Error()
	}
	byLine := func(list []outcome) {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	}
	byLine(sum.Rejected)
	byLine(sum.Unanswered)
	return sum
}

// importKey is a record's idempotency key: a digest of its kind and its
// JSON as the file gives it, so importing a file again (after a crash, a
// lost answer or by mistake) writes none of its records twice, while a
// record changed in the file is a new request.
func importKey(kind apiclient.Kind, body []byte) string {
	sum := sha256.Sum256(append([]byte("metrotrace import\x00"+kind.DocType+"\x00"), body...))
	return "import-" + hex.EncodeToString(sum[:20])
}

// batchKey is a batch's idempotency key: a digest of its records' keys, so
// the same batch sent again (a re-run import, a lost answer) is answered
// from the ledger instead of refused as conflicts.
func batchKey(kind apiclient.Kind, chunk []item) string {
	h := sha256.New()
	for _, it := range chunk {
		h.Write([]byte(importKey(kind, it.Body)))
	}
	return "import-batch-" + hex.EncodeToString(h.Sum(nil)[:20])
}

// sendBatch sends certificates in one request. The server takes a batch
// whole or refuses it naming every refused item: those are rejected and the
// others sent again, until a batch is taken or nothing is left.
func (im *importer) sendBatch(ctx context.Context, chunk []item, done func(outcome), stop func(error)) {
	for len(chunk) > 0 {
		bodies := make([]json.RawMessage, len(chunk))
		for i, it := range chunk {
			bodies[i] = it.Body
		}
		_, w, err := im.client.IssueCertificates(apiclient.WithIdempotencyKey(ctx, batchKey(im.kind, chunk)), bodies)
		var ae *apiclient.Error
		switch {
		case err == nil:
			for _, it := range chunk {
				done(outcome{item: it, Created: !w.Replayed, Replayed: w.Replayed})
			}
			return
		case errors.As(err, &ae) && len(ae.Details) > 0:
			refused := map[int]apiclient.ItemError{}
			for _, d := range ae.Details {
				if d.Field == "" && d.Index >= 0 && d.Index < len(chunk) {
					refused[d.Index] = d
				}
			}
			if len(refused) == 0 {
				break
			}
			var rest []item
			for i, it := range chunk {
				if d, ok := refused[i]; ok {
					status := itemStatus[d.Code]
					if status == 0 {
						status = ae.Status
					}
					done(outcome{item: it, Status: status, Code: d.Code, Message: d.Message})
				} else {
					rest = append(rest, it)
				}
			}
			chunk = rest
			continue
		case ctx.Err() != nil:
			for _, it := range chunk {
				done(outcome{item: it, Unanswered: true, Message: "no answer: the import stopped"})
			}
			return
		case ae == nil:
			for _, it := range chunk {
				done(outcome{item: it, Unanswered: true, Message: "no answer: " + err.Error()})
			}
			stop(err)
			return
		}
		// Refused as a whole (forbidden, too large ...): every item, the
		// same reason.
		for _, it := range chunk {
			done(outcome{item: it, Status: ae.Status, Code: ae.Code, Message: ae.Message})
		}
		return
	}
}

// itemStatus is the HTTP status a refused item would have had on its own.
var itemStatus = map[string]int{
	string(record.Invalid): 400, string(record.Forbidden): 403, string(record.NotFound): 404, string(record.Conflict): 409,
}

// print writes the summary for people.
func (s *importSummary) print(w io.Writer, file string) {
	parts := []string{fmt.Sprintf("%d created", s.Created)}
	if s.Replayed > 0 {
		parts = append(parts, fmt.Sprintf("%d already imported", s.Replayed))
	}
	parts = append(parts, fmt.Sprintf("%d rejected", len(s.Rejected)))
	if n := len(s.Unanswered); n > 0 {
		parts = append(parts, fmt.Sprintf("%d without answer", n))
	}
	if s.NotSent > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent", s.NotSent))
	}
	fmt.Fprintf(w, "Imported %s from %s: %s, of %d record(s).\n", s.Kind, file, strings.Join(parts, ", "), s.Total)
	list := func(title string, outs []outcome) {
		if len(outs) == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		pw, iw := 0, 0
		for _, o := range outs {
			pw, iw = max(pw, len(o.Pos)), max(iw, len(o.ID))
		}
		for _, o := range outs {
			id := o.ID
			if id == "" {
				id = "-"
			}
			fmt.Fprintf(w, "  %s %-*s  %-*s  %s\n", markFail, pw, o.Pos, max(iw, 1), id, o.Message)
		}
	}
	list("Rejected", s.Rejected)
	list("Without answer (the server may have stored them; check with `metrotrace get`)", s.Unanswered)
	if s.Stopped != "" {
		fmt.Fprintf(w, "Stopped early: %s\n", s.Stopped)
	}
}
