// Package webhook delivers the gateway's notifications to subscribers'
// HTTP endpoints: an out-of-tolerance case opened, a notice for an
// institution, a notice item resolved. Events are derived from the
// chaincode events of committed transactions; each delivery is a POST of
// the event as JSON, signed with an HMAC-SHA256 of the body under the
// subscription's secret, retried with exponential backoff until the
// receiver answers 2xx. Delivery is at least once: a receiver
// de-duplicates by the event id, which is stable across retries.
//
// Subscriptions and pending deliveries live in the gateway's memory: a
// restarted gateway has none, and its subscribers subscribe again.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Event types a subscription may ask for.
const (
	EventCaseOpened   = "case_opened"
	EventNotice       = "notice"
	EventItemResolved = "item_resolved"
)

// EventTypes lists the event types.
var EventTypes = []string{EventCaseOpened, EventNotice, EventItemResolved}

// Delivery headers.
const (
	HeaderSignature = "X-Metrotrace-Signature" // "sha256=" + hex HMAC-SHA256 of the body
	HeaderEventID   = "X-Metrotrace-Event-ID"
	HeaderEventType = "X-Metrotrace-Event"
)

// Subscription is where a subscriber wants which events. A recorder's
// subscription receives the events of its institution; an operator's,
// every event.
type Subscription struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Role        string   `json:"role"`
	Institution string   `json:"institution,omitempty"`
	// Secret signs deliveries; it is shown once, when subscribing.
	Secret string `json:"secret,omitempty"`
}

// Event is one notification.
type Event struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	TxID          string          `json:"tx_id"`
	Block         uint64          `json:"block"`
	InstitutionID string          `json:"institution_id"`
	CaseID        string          `json:"case_id"`
	Record        json.RawMessage `json:"record"`
}

// Options configure a Dispatcher.
type Options struct {
	// Client sends deliveries (default: a client with a 10 s timeout).
	Client *http.Client
	// FirstRetry is the wait before the first retry (default 200 ms); each
	// retry waits twice as long, at most MaxRetryWait (default 1 min).
	FirstRetry, MaxRetryWait time.Duration
	// MaxAttempts bounds the attempts of one delivery (default 50).
	MaxAttempts int
	Logger      *slog.Logger
}

// Dispatcher holds the subscriptions and delivers events to them.
type Dispatcher struct {
	opts Options
	log  *slog.Logger
	ctx  context.Context
	wg   sync.WaitGroup

	mu   sync.Mutex
	subs []*Subscription
	seq  int
}

// New returns a dispatcher whose deliveries run until ctx ends.
func New(ctx context.Context, opts Options) *Dispatcher {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.FirstRetry <= 0 {
		opts.FirstRetry = 200 * time.Millisecond
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 50
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{opts: opts, log: log, ctx: ctx}
}

// Subscribe validates and adds a subscription, and returns it with its id
// and secret.
func (d *Dispatcher) Subscribe(s Subscription) (*Subscription, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, record.Errorf(record.Invalid, "url %q must be an http:// or https:// URL with a host", s.URL)
	}
	if len(s.Events) == 0 {
		return nil, record.Errorf(record.Invalid, "events must name at least one of %v", EventTypes)
	}
	for _, e := range s.Events {
		if !slices.Contains(EventTypes, e) {
			return nil, record.Errorf(record.Invalid, "event %q is not one of %v", e, EventTypes)
		}
	}
	if s.Role == record.RoleRecorder && s.Institution == "" {
		return nil, record.Errorf(record.Forbidden, "a recorder's subscription needs the recorder's institution")
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("subscription secret: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	sub := s
	sub.ID, sub.Secret, sub.Events = fmt.Sprintf("SUB-%d", d.seq), hex.EncodeToString(secret), slices.Clone(s.Events)
	d.subs = append(d.subs, &sub)
	out := sub
	return &out, nil
}

// Sign returns the signature header value of a body under a secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Events derives the notifications of one chaincode event, in order.
func Events(ev ledger.Event) ([]Event, error) {
	if ev.Name != record.EventName {
		return nil, nil
	}
	var e record.Event
	if err := json.Unmarshal(ev.Payload, &e); err != nil {
		return nil, fmt.Errorf("event of transaction %s: %w", ev.TxID, err)
	}
	var out []Event
	add := func(typ, institution, caseID string, r record.EventRecord) {
		out = append(out, Event{ID: fmt.Sprintf("%s:%d", ev.TxID, len(out)), Type: typ, TxID: ev.TxID, Block: ev.BlockNumber,
			InstitutionID: institution, CaseID: caseID, Record: r.Record})
	}
	notices := map[string]record.Notice{}
	for _, r := range e.Records {
		if r.DocType == record.DocNotice {
			var n record.Notice
			if json.Unmarshal(r.Record, &n) == nil {
				notices[n.ID] = n
			}
		}
	}
	for _, r := range e.Records {
		switch {
		case r.DocType == record.DocCase && e.Function == record.FnOpenCase:
			var c record.Case
			if err := json.Unmarshal(r.Record, &c); err != nil {
				return nil, err
			}
			add(EventCaseOpened, c.InstitutionID, c.ID, r)
		case r.DocType == record.DocNotice && (e.Function == record.FnOpenCase || e.Function == record.FnContinueCase):
			n := notices[r.ID]
			add(EventNotice, n.InstitutionID, n.CaseID, r)
		case r.DocType == record.DocNoticeItem && e.Function == record.FnResolveNotice:
			var it record.NoticeItem
			if err := json.Unmarshal(r.Record, &it); err != nil {
				return nil, err
			}
			add(EventItemResolved, notices[it.NoticeID].InstitutionID, it.CaseID, r)
		}
	}
	return out, nil
}

// Apply delivers the notifications of one chaincode event to every
// matching subscription, in the background.
func (d *Dispatcher) Apply(ev ledger.Event) error {
	events, err := Events(ev)
	if err != nil || len(events) == 0 {
		return err
	}
	d.mu.Lock()
	subs := slices.Clone(d.subs)
	d.mu.Unlock()
	for _, e := range events {
		body, err := json.Marshal(e)
		if err != nil {
			return err
		}
		for _, s := range subs {
			if !slices.Contains(s.Events, e.Type) || (s.Role == record.RoleRecorder && s.Institution != e.InstitutionID) {
				continue
			}
			d.wg.Add(1)
			go d.deliver(s, e, body)
		}
	}
	return nil
}

// deliver posts one event to one subscription until it is accepted,
// waiting longer after each failure.
func (d *Dispatcher) deliver(s *Subscription, e Event, body []byte) {
	defer d.wg.Done()
	wait := d.opts.FirstRetry
	for attempt := 1; ; attempt++ {
		err := d.post(s, e, body)
		if err == nil {
			return
		}
		if attempt == d.opts.MaxAttempts {
			d.log.Warn("webhook: delivery abandoned", "subscription", s.ID, "event", e.ID, "attempts", attempt, "err", err)
			return
		}
		d.log.Info("webhook: delivery failed; retrying", "subscription", s.ID, "event", e.ID, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-d.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, d.opts.MaxRetryWait)
	}
}

func (d *Dispatcher) post(s *Subscription, e Event, body []byte) error {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderSignature, Sign(s.Secret, body))
	req.Header.Set(HeaderEventID, e.ID)
	req.Header.Set(HeaderEventType, e.Type)
	res, err := d.opts.Client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", res.Status)
	}
	return nil
}

// Follow applies the ledger's events from block from on until ctx ends.
func (d *Dispatcher) Follow(ctx context.Context, l ledger.Ledger, from uint64) error {
	return l.Events(ctx, from, d.Apply)
}

// Wait returns when every delivery started so far has finished (accepted,
// abandoned, or stopped by the dispatcher's context).
func (d *Dispatcher) Wait() { d.wg.Wait() }
