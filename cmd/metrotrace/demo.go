package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// demoMarker is DATA_DIR/demo.json: the day the demo was generated for
// (generation is deterministic, so the day gives back every id), and
// whether loading finished. It is written before loading starts, so an
// interrupted load resumes where it stopped.
type demoMarker struct {
	Today    string        `json:"today"`
	Complete bool          `json:"complete"`
	Showcase demo.Showcase `json:"showcase"`
}

func readDemoMarker(dataDir string) (*demoMarker, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, demoFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read demo marker: %w", err)
	}
	var m demoMarker
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("demo marker %s: %w", filepath.Join(dataDir, demoFileName), err)
	}
	return &m, nil
}

func writeDemoMarker(dataDir string, m *demoMarker) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dataDir, demoFileName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write demo marker: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write demo marker: %w", err)
	}
	return nil
}

// demoLoad is what loadDemo did.
type demoLoad struct {
	Dataset  *demo.Dataset
	Steps    int // transactions of the dataset
	Resumed  int // steps that were already committed
	Duration time.Duration
}

// errLedgerNotEmpty refuses to load the demo over other data.
var errLedgerNotEmpty = errors.New("the ledger is not empty")

// loadDemo loads the demo dataset for day today into an embedded ledger,
// each step as the wallet identity of its organization, role and
// institution, showing progress on progress. It resumes a load that an
// earlier run started (per the marker) and refuses a ledger holding
// anything else.
func loadDemo(ctx context.Context, l *embedded.Ledger, dataDir, today string, progress io.Writer) (*demoLoad, error) {
	marker, err := readDemoMarker(dataDir)
	if err != nil {
		return nil, err
	}
	height, err := l.Store().Height()
	if err != nil {
		return nil, fmt.Errorf("ledger height: %w", err)
	}
	switch {
	case marker != nil && marker.Complete:
		return nil, fmt.Errorf("%w: the demo dataset of %s is already loaded", errLedgerNotEmpty, marker.Today)
	case marker == nil && height > 0:
		return nil, fmt.Errorf("%w: it holds %d transactions", errLedgerNotEmpty, height)
	case marker == nil:
		marker = &demoMarker{Today: today}
	}
	ds := demo.Generate(marker.Today)
	marker.Showcase = ds.Showcase
	steps := ds.Steps()
	if height > uint64(len(steps)) {
		return nil, fmt.Errorf("%w: it holds %d transactions, more than the %d of the demo", errLedgerNotEmpty, height, len(steps))
	}
	if err := checkDemoPrefix(l.Store(), steps, height); err != nil {
		return nil, err
	}
	if err := writeDemoMarker(dataDir, marker); err != nil {
		return nil, err
	}
	start := time.Now()
	bar := newBar(progress, len(steps), "loading demo data", "tx")
	_ = bar.Set(int(height))
	for i := int(height); i < len(steps); i++ {
		st := steps[i]
		id, err := l.Wallet().Identity(st.MSPID, st.Role, st.Institution)
		if err != nil {
			return nil, fmt.Errorf("demo step %d (%s): identity: %w", i+1, st.Function, err)
		}
		if _, err := l.Submit(ctx, id, ledger.Call{Function: st.Function, Args: st.Args, Transient: st.Transient}); err != nil {
			return nil, fmt.Errorf("demo step %d of %d (%s as %s %s of %s): %w", i+1, len(steps), st.Function, st.Role, st.Institution, st.MSPID, err)
		}
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	marker.Complete = true
	if err := writeDemoMarker(dataDir, marker); err != nil {
		return nil, err
	}
	return &demoLoad{Dataset: ds, Steps: len(steps), Resumed: int(height), Duration: time.Since(start)}, nil
}

// checkDemoPrefix makes sure the n transactions already on the ledger are
// the first n steps of the demo, so resuming cannot mix data.
func checkDemoPrefix(store *badgerstub.Store, steps []demo.Step, n uint64) error {
	if n == 0 {
		return nil
	}
	errMismatch := errors.New("mismatch")
	var bad uint64
	err := store.Transactions(1, func(e badgerstub.TxEntry) error {
		if e.Number > n {
			return nil
		}
		if e.Function != steps[e.Number-1].Function {
			bad = e.Number
			return errMismatch
		}
		return nil
	})
	if errors.Is(err, errMismatch) {
		return fmt.Errorf("%w: transaction %d is not step %d of the demo, so an interrupted demo load cannot resume", errLedgerNotEmpty, bad, bad)
	}
	return err
}

// newBar is the progress bar of loads and imports, on w.
func newBar(w io.Writer, n int, what, unit string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}
