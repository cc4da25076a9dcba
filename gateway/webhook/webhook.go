// Package webhook delivers the gateway's notifications to subscribers'
// HTTP endpoints: an out-of-tolerance case opened, a notice for an
// institution, a notice item resolved, and a compulsory instrument now
// overdue for verification. The first three are derived from the chaincode
// events of committed transactions; the last from the index's overdue list
// ([Dispatcher.CheckOverdue]), once per instrument and due date. Each
// delivery is a POST of the event as JSON, signed with an HMAC-SHA256 of
// the body under the subscription's secret, retried with exponential
// backoff until the receiver answers 2xx. Delivery is at least once: a
// receiver de-duplicates by the event id, which is stable across retries
// and restarts.
//
// Subscriptions, pending deliveries, how far the ledger's events were read
// and which overdue instruments were announced are kept in a badger
// database ([Open] with a directory, the gateway's data dir), so a
// restarted gateway resumes every delivery it had not completed and
// derives the events committed while it was down.
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
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Event types a subscription may ask for.
const (
	EventCaseOpened   = "case_opened"
	EventNotice       = "notice"
	EventItemResolved = "item_resolved"
	// EventInstrumentOverdue: a compulsory instrument passed its due date
	// (or was never verified); its record is the overdue list's item.
	EventInstrumentOverdue = "instrument_overdue"
)

// EventTypes lists the event types.
var EventTypes = []string{EventCaseOpened, EventNotice, EventItemResolved, EventInstrumentOverdue}

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

// Event is one notification. Events of a transaction carry its TxID and
// Block; an instrument_overdue event has neither, and names the instrument
// and the due date it passed instead.
type Event struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	TxID          string          `json:"tx_id"`
	Block         uint64          `json:"block"`
	InstitutionID string          `json:"institution_id"`
	CaseID        string          `json:"case_id"`
	InstrumentID  string          `json:"instrument_id,omitempty"`
	DueOn         string          `json:"due_on,omitempty"`
	Record        json.RawMessage `json:"record"`
}

// Options configure a Dispatcher.
type Options struct {
	// Client sends deliveries (default: a client with a 10 s timeout).
	Client *http.Client
	// FirstRetry is the wait before the first retry (default 200 ms); each
	// retry waits twice as long, at most MaxRetryWait (default 1 min).
	FirstRetry, MaxRetryWait time.Duration
	// MaxAttempts bounds the attempts of one delivery (default 50) within
	// one run of the gateway; a delivery still pending when the gateway
	// stops starts again from the first attempt when it restarts.
	MaxAttempts int
	Logger      *slog.Logger
}

// Dispatcher holds the subscriptions and delivers events to them.
type Dispatcher struct {
	opts   Options
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	db     *badgerdb.DB

	mu     sync.Mutex
	subs   []*Subscription
	seq    int
	cursor cursor
	// stored is the block of the cursor last stored.
	stored uint64
	// active are the pending keys a goroutine is delivering.
	active map[string]bool
}

// New returns a dispatcher that keeps its subscriptions in memory, for
// tests and tools: [Open] with "" as the directory.
func New(ctx context.Context, opts Options) (*Dispatcher, error) { return Open(ctx, "", opts) }

// Open returns a dispatcher whose subscriptions and pending deliveries are
// kept in dir (created if needed; in memory when dir is ""), and resumes
// the deliveries pending there. Deliveries run until ctx ends or
// [Dispatcher.Close].
func Open(ctx context.Context, dir string, opts Options) (*Dispatcher, error) {
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
	db, err := openStore(dir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	d := &Dispatcher{opts: opts, log: log, ctx: ctx, cancel: cancel, db: db, active: map[string]bool{}}
	var resume []pending
	err = db.View(func(txn *badger.Txn) error {
		var err error
		if d.seq, err = readSeq(txn); err != nil {
			return err
		}
		if d.cursor, err = readCursor(txn); err != nil {
			return err
		}
		d.stored = d.cursor.Block
		if err := scan(txn, prefixSub, func(_, v []byte) error {
			var s Subscription
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			d.subs = append(d.subs, &s)
			return nil
		}); err != nil {
			return err
		}
		return scan(txn, prefixPending, func(_, v []byte) error {
			var p pending
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			resume = append(resume, p)
			return nil
		})
	})
	if err != nil {
		cancel()
		db.Close()
		return nil, fmt.Errorf("read the webhook store %q: %w", dir, err)
	}
	if len(resume) > 0 {
		log.Info("webhook: resuming pending deliveries", "deliveries", len(resume))
	}
	d.start(resume)
	return d, nil
}

// Close stops the deliveries under way (they stay pending in the store),
// waits for them to return, and closes the store.
func (d *Dispatcher) Close() error {
	d.cancel()
	d.wg.Wait()
	return d.db.Close()
}

// Subscribe validates and adds a subscription, and returns it with its id
// and secret. A refused subscription writes nothing.
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
		return nil, record.Refusef(record.Forbidden, record.ReasonSubscriptionInstitution, nil, "a recorder's subscription needs the recorder's institution")
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("subscription secret: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	sub := s
	sub.ID, sub.Secret, sub.Events = fmt.Sprintf("SUB-%d", d.seq+1), hex.EncodeToString(secret), slices.Clone(s.Events)
	if err := d.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte(keySeq), []byte(strconv.Itoa(d.seq+1))); err != nil {
			return err
		}
		return putJSON(txn, subKey(sub.ID), sub)
	}); err != nil {
		return nil, fmt.Errorf("store subscription: %w", err)
	}
	d.seq++
	d.subs = append(d.subs, &sub)
	out := sub
	return &out, nil
}

// Subscriptions returns the subscriptions, in the order they were made,
// without their secrets.
func (d *Dispatcher) Subscriptions() []Subscription {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Subscription, len(d.subs))
	for i, s := range d.subs {
		out[i] = *s
		out[i].Secret = ""
	}
	return out
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

// wants reports whether a subscription receives an event.
func (s *Subscription) wants(e Event) bool {
	return slices.Contains(s.Events, e.Type) && (s.Role != record.RoleRecorder || s.Institution == e.InstitutionID)
}

// enqueue records, in txn, a pending delivery of each event to each
// subscription that wants it, and returns them. A delivery already
// pending is not recorded twice.
func (d *Dispatcher) enqueue(txn *badger.Txn, subs []*Subscription, events []Event) ([]pending, error) {
	var out []pending
	for _, e := range events {
		body, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		for _, s := range subs {
			if !s.wants(e) {
				continue
			}
			k := pendingKey(s.ID, e.ID)
			if old, err := badgerdb.Get(txn, k); err != nil {
				return nil, err
			} else if old != nil {
				continue
			}
			p := pending{Subscription: s.ID, EventID: e.ID, Type: e.Type, Body: body}
			if err := putJSON(txn, k, p); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// cursorEvery is how many blocks the cursor may lag behind the events
// read before it is stored even though no event needed a delivery: it
// bounds what a restarted gateway reads again.
const cursorEvery = 1000

// Apply records a pending delivery of the notifications of one chaincode
// event to every matching subscription, with how far the ledger was read,
// and starts delivering them in the background. An event already applied
// (by this dispatcher before a restart) is skipped.
func (d *Dispatcher) Apply(ev ledger.Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cursor.done(ev.BlockNumber, ev.TxID) {
		return nil
	}
	events, err := Events(ev)
	if err != nil {
		return err
	}
	next := d.cursor.after(ev.BlockNumber, ev.TxID)
	if len(events) == 0 && d.cursor.Set && ev.BlockNumber < d.stored+cursorEvery {
		// Nothing to deliver: remember the event in memory only; reading
		// it again after a restart derives nothing either.
		d.cursor = next
		return nil
	}
	var started []pending
	if err := d.db.Update(func(txn *badger.Txn) error {
		var err error
		if started, err = d.enqueue(txn, d.subs, events); err != nil {
			return err
		}
		return putJSON(txn, []byte(keyCursor), next)
	}); err != nil {
		return fmt.Errorf("record the deliveries of transaction %s: %w", ev.TxID, err)
	}
	d.cursor, d.stored = next, next.Block
	d.startLocked(started)
	return nil
}

// start delivers each pending delivery in a goroutine of its own.
func (d *Dispatcher) start(ps []pending) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.startLocked(ps)
}

func (d *Dispatcher) startLocked(ps []pending) {
	for _, p := range ps {
		k := string(pendingKey(p.Subscription, p.EventID))
		if d.active[k] {
			continue
		}
		var sub *Subscription
		for _, s := range d.subs {
			if s.ID == p.Subscription {
				sub = s
			}
		}
		if sub == nil {
			d.log.Warn("webhook: pending delivery of an unknown subscription", "subscription", p.Subscription, "event", p.EventID)
			continue
		}
		d.active[k] = true
		d.wg.Add(1)
		go d.deliver(sub, p)
	}
}

// deliver posts one event to one subscription until it is accepted,
// waiting longer after each failure; an accepted or abandoned delivery is
// no longer pending.
func (d *Dispatcher) deliver(s *Subscription, p pending) {
	defer d.wg.Done()
	k := pendingKey(s.ID, p.EventID)
	defer func() {
		d.mu.Lock()
		delete(d.active, string(k))
		d.mu.Unlock()
	}()
	wait := d.opts.FirstRetry
	for attempt := 1; ; attempt++ {
		err := d.post(s, p)
		if err == nil {
			break
		}
		if d.ctx.Err() != nil {
			return // still pending: resumed when the gateway restarts
		}
		if attempt == d.opts.MaxAttempts {
			d.log.Warn("webhook: delivery abandoned", "subscription", s.ID, "event", p.EventID, "attempts", attempt, "err", err)
			break
		}
		d.log.Info("webhook: delivery failed; retrying", "subscription", s.ID, "event", p.EventID, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-d.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, d.opts.MaxRetryWait)
	}
	if err := d.db.Update(func(txn *badger.Txn) error { return txn.Delete(k) }); err != nil {
		// Delivered again after a restart: at least once.
		d.log.Warn("webhook: could not forget a finished delivery", "subscription", s.ID, "event", p.EventID, "err", err)
	}
}

func (d *Dispatcher) post(s *Subscription, p pending) error {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, s.URL, bytes.NewReader(p.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderSignature, Sign(s.Secret, p.Body))
	req.Header.Set(HeaderEventID, p.EventID)
	req.Header.Set(HeaderEventType, p.Type)
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

// Follow applies the ledger's events until ctx ends: from where this
// dispatcher's store says it stopped reading, or, the first time, from
// block from (which is then stored, so the events committed while the
// gateway is down are delivered when it restarts).
func (d *Dispatcher) Follow(ctx context.Context, l ledger.Ledger, from uint64) error {
	d.mu.Lock()
	if d.cursor.Set {
		from = d.cursor.Block
	} else {
		// Nothing of block from is applied yet: an empty cursor there.
		c := cursor{Set: true, Block: from}
		if err := d.db.Update(func(txn *badger.Txn) error { return putJSON(txn, []byte(keyCursor), c) }); err != nil {
			d.mu.Unlock()
			return fmt.Errorf("store where the webhooks start reading: %w", err)
		}
		d.cursor, d.stored = c, c.Block
	}
	d.mu.Unlock()
	return l.Events(ctx, from, d.Apply)
}

// Wait returns when every delivery started so far has finished (accepted,
// abandoned, or stopped by the dispatcher's context).
func (d *Dispatcher) Wait() { d.wg.Wait() }
