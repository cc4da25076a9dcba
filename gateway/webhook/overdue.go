package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// OverdueList is the index's list of compulsory instruments past due or
// never verified ([index.Index.Overdue]).
type OverdueList interface {
	Overdue(today string, f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
}

// overduePage is the page size CheckOverdue reads the list with.
const overduePage = 500

// CheckOverdue raises instrument_overdue for every instrument on the
// overdue list of today that was not raised before for the same due date,
// and returns how many it raised. Each is raised once per instrument and
// due date, also across restarts, whether or not a subscription wants it
// then: a subscription made later does not receive the instruments that
// were overdue before it (the overdue list has them). The event id is
// "overdue:<instrument id>:<due date>", the same for every subscription.
// An instrument that leaves the list (verified again) is forgotten, so it
// is raised again when it falls overdue at its next due date.
func (d *Dispatcher) CheckOverdue(today string, list OverdueList) (int, error) {
	if _, err := record.ParseDate(today); err != nil {
		return 0, fmt.Errorf("check overdue instruments: today: %w", err)
	}
	listed := map[string]bool{}
	raised := 0
	token := ""
	for {
		page, err := list.Overdue(today, index.Filter{}, overduePage, token)
		if err != nil {
			return raised, fmt.Errorf("check overdue instruments: %w", err)
		}
		n, err := d.raiseOverdue(page.Items, listed)
		raised += n
		if err != nil {
			return raised, err
		}
		if page.NextPageToken == "" {
			break
		}
		token = page.NextPageToken
	}
	return raised, d.forgetOverdue(listed)
}

// raiseOverdue raises the items of one page not raised before, recording
// in the same transaction that they were and the deliveries they need.
func (d *Dispatcher) raiseOverdue(items []index.Item, listed map[string]bool) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var started []pending
	raised := 0
	err := d.db.Update(func(txn *badger.Txn) error {
		var events []Event
		for _, it := range items {
			k := overdueKey(it.InstrumentID, it.DueOn)
			listed[string(k)] = true
			if _, err := txn.Get(k); err == nil {
				continue
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			rec, err := json.Marshal(it)
			if err != nil {
				return err
			}
			events = append(events, Event{ID: "overdue:" + it.InstrumentID + ":" + it.DueOn, Type: EventInstrumentOverdue,
				InstitutionID: it.InstitutionID, InstrumentID: it.InstrumentID, DueOn: it.DueOn, Record: rec})
			if err := txn.Set(k, nil); err != nil {
				return err
			}
		}
		var err error
		started, err = d.enqueue(txn, d.subs, events)
		raised = len(events)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record overdue instruments: %w", err)
	}
	d.startLocked(started)
	return raised, nil
}

// forgetOverdue drops the raised marks of instruments no longer listed.
func (d *Dispatcher) forgetOverdue(listed map[string]bool) error {
	var gone [][]byte
	if err := d.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixOverdue)})
		defer it.Close()
		for it.Seek([]byte(prefixOverdue)); it.ValidForPrefix([]byte(prefixOverdue)); it.Next() {
			if k := it.Item().KeyCopy(nil); !listed[string(k)] {
				gone = append(gone, k)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("forget instruments no longer overdue: %w", err)
	}
	wb := d.db.NewWriteBatch()
	defer wb.Cancel()
	for _, k := range gone {
		if err := wb.Delete(k); err != nil {
			return fmt.Errorf("forget instruments no longer overdue: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("forget instruments no longer overdue: %w", err)
	}
	return nil
}

// DefaultOverdueInterval is how often [Dispatcher.WatchOverdue] reads the
// overdue list when not told: an instrument falls overdue when a day
// passes, or when a certificate changes its due date.
const DefaultOverdueInterval = 5 * time.Minute

// WatchOverdue runs [Dispatcher.CheckOverdue] with today's date from now
// at once and then every interval (DefaultOverdueInterval when not
// positive), until ctx ends. A failed check is logged and tried again at
// the next tick.
func (d *Dispatcher) WatchOverdue(ctx context.Context, list OverdueList, now func() time.Time, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultOverdueInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		today := now().Format(record.DateLayout)
		if n, err := d.CheckOverdue(today, list); err != nil {
			if ctx.Err() != nil {
				return
			}
			d.log.Warn("webhook: overdue check failed", "today", today, "err", err)
		} else if n > 0 {
			d.log.Info("webhook: instruments now overdue", "today", today, "instruments", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
