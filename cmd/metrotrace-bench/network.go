package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/fabric"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/network"
)

// benchOrgs are the organizations the submitters are spread over, so every
// peer's Gateway service takes a third of the load.
var benchOrgs = []struct{ MSPID, Region string }{{"BeijingMSP", "BJ"}, {"TianjinMSP", "TJ"}, {"HebeiMSP", "HB"}}

// benchUser is the identity of one submitter: the recorder of its own
// institution BENCH-Wnnn, in organization w mod 3.
type benchUser struct{ MSPID, Region, Institution string }

// benchUsers returns the identities of n submitters.
func benchUsers(n int) []benchUser {
	users := make([]benchUser, n)
	for w := range users {
		o := benchOrgs[w%len(benchOrgs)]
		users[w] = benchUser{MSPID: o.MSPID, Region: o.Region, Institution: fmt.Sprintf("BENCH-W%03d", w)}
	}
	return users
}

// neededUsers returns the recorders a run needs, as lines of
// 'scripts/network.sh enroll --batch' ("MSPID INSTITUTION recorder"): the
// scenario's recorders and one per submitter.
func neededUsers(concurrency int) []string {
	seen := map[string]bool{}
	var lines []string
	add := func(msp, inst string) {
		l := msp + " " + inst + " recorder"
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	for _, s := range scenario.New().Steps() {
		if s.Role == "recorder" {
			add(s.MSPID, s.Institution)
		}
	}
	for _, u := range benchUsers(concurrency) {
		add(u.MSPID, u.Institution)
	}
	return lines
}

// printUsers prints the enroll batch of a run.
func printUsers(c networkConfig, w io.Writer) error {
	_, err := io.WriteString(w, "# metrotrace-bench network --concurrency "+strconv.Itoa(c.concurrency)+": recorders to enroll\n"+strings.Join(neededUsers(c.concurrency), "\n")+"\n")
	return err
}

// printCertificate prints the certificate template as JSON.
func printCertificate(w io.Writer) error {
	c := certificateTemplate()
	data, err := json.Marshal(&c)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// identityFunc finds the identity of an organization's role and institution.
type identityFunc func(mspID, role, institution string) (*identity.Identity, error)

// isConflict reports whether the chaincode refused a write because the
// record exists already (a region loaded by an earlier run).
func isConflict(err error) bool {
	var re *record.Error
	return errors.As(err, &re) && re.Code == record.Conflict
}

// loadScenario writes the scenario region, skipping records an earlier run
// wrote, then registers one institution per submitter (in parallel).
func loadScenario(ctx context.Context, l ledger.Ledger, idOf identityFunc, users []benchUser) (loaded, skipped int, err error) {
	for _, s := range scenario.New().Steps() {
		id, err := idOf(s.MSPID, s.Role, s.Institution)
		if err != nil {
			return loaded, skipped, err
		}
		_, err = l.Submit(ctx, id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient})
		switch {
		case err == nil:
			loaded++
		case isConflict(err):
			skipped++
		default:
			return loaded, skipped, fmt.Errorf("scenario step %s as %s %s of %s: %w", s.Function, s.MSPID, s.Role, s.Institution, err)
		}
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() {
			in := record.Institution{ID: u.Institution, Name: "benchmark submitter " + u.Institution, Region: u.Region, MSPID: u.MSPID, Kind: "enterprise"}
			data, _ := json.Marshal(&in)
			id, err := idOf(u.MSPID, "operator", "")
			if err == nil {
				_, err = l.Submit(ctx, id, ledger.Call{Function: "RegisterInstitution", Args: []string{string(data)}})
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				loaded++
			case isConflict(err):
				skipped++
			case firstErr == nil:
				firstErr = fmt.Errorf("register institution %s: %w", u.Institution, err)
			}
		})
	}
	wg.Wait()
	return loaded, skipped, firstErr
}

// certificateTemplate is the certificate every metrotrace transaction
// issues a copy of (a verification of the scenario's Tianjin balance).
func certificateTemplate() record.Certificate { return *scenario.New().Certificate("TJENT-2024-0042") }

// workload makes the calls of both phases: the same value size, a distinct
// key or certificate id per transaction.
type workload struct {
	runID string
	cert  record.Certificate
}

// certificateID is the id of submitter w's seq-th certificate.
func (wl workload) certificateID(w, seq int) string {
	return fmt.Sprintf("B%s-%03d-%07d", wl.runID, w, seq)
}

// issue is the metrotrace call: IssueCertificate of a distinct certificate
// by the submitter's institution.
func (wl workload) issue(u benchUser, w, seq int) ledger.Call {
	c := wl.cert
	c.ID, c.IssuerID = wl.certificateID(w, seq), u.Institution
	data, _ := json.Marshal(&c)
	return ledger.Call{Function: "IssueCertificate", Args: []string{string(data)}}
}

// batchSeq is where the certificate numbers of the batched phases start, so
// they never meet those of the single-certificate phases.
const batchSeq = 5000000

// issueBatch is the batched metrotrace call: IssueCertificates of n
// distinct certificates by the submitter's institution, numbered from
// first.
func (wl workload) issueBatch(u benchUser, w, first, n int) ledger.Call {
	certs := make([]record.Certificate, n)
	for i := range certs {
		certs[i] = wl.cert
		certs[i].ID, certs[i].IssuerID = wl.certificateID(w, first+i), u.Institution
	}
	data, _ := json.Marshal(certs)
	return ledger.Call{Function: "IssueCertificates", Args: []string{string(data)}}
}

// put is the raw call: Put(key, value) of a certificate-sized value.
func (wl workload) put(u benchUser, w, seq int) ledger.Call {
	call := wl.issue(u, w, seq)
	return ledger.Call{Function: "Put", Args: []string{"raw-" + wl.certificateID(w, seq), call.Args[0]}}
}

// footprint is the middle baseline: the raw chaincode's PutFootprint, the
// state access of IssueCertificate without its checks.
func (wl workload) footprint(u benchUser, w, seq int) ledger.Call {
	call := wl.issue(u, w, seq)
	return ledger.Call{Function: "PutFootprint", Args: []string{"fp-" + wl.certificateID(w, seq), call.Args[0], u.MSPID}}
}

// commit is a transaction the client saw committed: its block, when the
// commit status came, and the submitter.
type commit struct {
	block  uint64
	at     time.Time
	worker int
}

// phaseResult is what one phase measured in its window.
type phaseResult struct {
	window   time.Duration
	cpu      cpuTime // CPU used in the window, when measured
	cpuErr   error
	lat      []time.Duration
	commits  []commit
	errors   int
	firstErr error
}

// add merges another round's result.
func (p *phaseResult) add(q phaseResult) {
	p.window += q.window
	p.cpu.network += q.cpu.network
	p.cpu.client += q.cpu.client
	if p.cpuErr == nil {
		p.cpuErr = q.cpuErr
	}
	p.lat = append(p.lat, q.lat...)
	p.commits = append(p.commits, q.commits...)
	p.errors += q.errors
	if p.firstErr == nil {
		p.firstErr = q.firstErr
	}
}

// tps is the committed transactions per second in the window.
func (p *phaseResult) tps() float64 {
	if p.window <= 0 {
		return 0
	}
	return float64(len(p.lat)) / p.window.Seconds()
}

// blocks is the number of distinct blocks the measured transactions
// committed in.
func (p *phaseResult) blocks() int {
	seen := map[uint64]bool{}
	for _, c := range p.commits {
		seen[c.block] = true
	}
	return len(seen)
}

// runPhase runs n submitters, each in its own goroutine, for warmup then
// window; each submits op(w, seq) back to back until the window ends.
// Transactions that complete inside the window are measured (latency from
// the start of the endorsement to the commit status); those in flight at
// its end finish but do not count.
// When cpu is not nil it also reads the CPU the network and this client
// used in the window.
func runPhase(ctx context.Context, n int, warmup, window time.Duration, cpu *cpuMeter, op func(ctx context.Context, w, seq int) (*ledger.Receipt, error)) phaseResult {
	from := time.Now().Add(warmup)
	end := from.Add(window)
	res := make([]phaseResult, n)
	var wg sync.WaitGroup
	var used cpuTime
	var usedErr error
	if cpu != nil {
		wg.Go(func() {
			time.Sleep(time.Until(from))
			t0, err := cpu.read()
			time.Sleep(time.Until(end))
			t1, err1 := cpu.read()
			used, usedErr = t1.sub(t0), errors.Join(err, err1)
		})
	}
	for w := 0; w < n; w++ {
		wg.Go(func() {
			r := &res[w]
			for seq := 0; ctx.Err() == nil; seq++ {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				rec, err := op(ctx, w, seq)
				t1 := time.Now()
				if t1.Before(from) || t1.After(end) {
					continue
				}
				if err != nil {
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
					continue
				}
				r.lat = append(r.lat, t1.Sub(t0))
				r.commits = append(r.commits, commit{block: rec.BlockNumber, at: t1, worker: w})
			}
		})
	}
	wg.Wait()
	out := phaseResult{window: window}
	for _, r := range res {
		out.add(r)
	}
	out.window, out.cpu, out.cpuErr = window, used, usedErr
	return out
}

// applyTimes wraps the ledger the index follows and notes when the index
// has applied each block's events (the last one's time wins).
type applyTimes struct {
	ledger.Ledger
	mu      sync.Mutex
	applied map[uint64]time.Time
}

// Events passes the events to deliver (index.Apply) and notes the time.
func (a *applyTimes) Events(ctx context.Context, from uint64, deliver func(ledger.Event) error) error {
	return a.Ledger.Events(ctx, from, func(ev ledger.Event) error {
		if err := deliver(ev); err != nil {
			return err
		}
		now := time.Now()
		a.mu.Lock()
		a.applied[ev.BlockNumber] = now
		a.mu.Unlock()
		return nil
	})
}

// lags returns, per commit that keep accepts (all when nil), the time from
// the client's commit status to the index having applied the commit's
// block (negative: the index was first).
func (a *applyTimes) lags(commits []commit, keep func(commit) bool) (lags []time.Duration, missing int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range commits {
		if keep != nil && !keep(c) {
			continue
		}
		t, ok := a.applied[c.block]
		if !ok {
			missing++
			continue
		}
		lags = append(lags, t.Sub(c.at))
	}
	return lags, missing
}

// runNetwork runs the network benchmark.
func runNetwork(c networkConfig, stdout, stderr io.Writer) error {
	ctx := context.Background()
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "[bench %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	conn, err := network.LoadConnection(c.connection)
	if err != nil {
		return err
	}
	opts := fabric.DefaultOptions
	opts.EventsOrg = c.eventsOrg
	mt, err := fabric.Open(conn, opts)
	if err != nil {
		return err
	}
	defer mt.Close()
	rawConn := *conn
	rawConn.Chaincode = c.rawChaincode
	raw, err := fabric.Open(&rawConn, opts)
	if err != nil {
		return err
	}
	defer raw.Close()

	users := benchUsers(c.concurrency)
	var missing []string
	for _, line := range neededUsers(c.concurrency) {
		f := strings.Fields(line)
		if _, err := mt.Identity(f[0], f[2], f[1]); err != nil {
			missing = append(missing, line)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d recorder(s) are not enrolled (first: %s); enroll them with\n  metrotrace-bench network --print-users --concurrency %d | scripts/network.sh enroll --batch -",
			len(missing), missing[0], c.concurrency)
	}
	ids := make([]*identity.Identity, len(users))
	for w, u := range users {
		if ids[w], err = mt.Identity(u.MSPID, "recorder", u.Institution); err != nil {
			return err
		}
	}

	wl := workload{runID: strconv.FormatInt(time.Now().UnixNano()/1e6%(36*36*36*36*36*36), 36), cert: certificateTemplate()}
	if _, err := raw.Submit(ctx, ids[0], wl.put(users[0], 0, -1)); err != nil {
		return fmt.Errorf("the raw chaincode %q does not answer (deploy it with scripts/network.sh deploy --name %s --path ./network/benchcc): %w", c.rawChaincode, c.rawChaincode, err)
	}
	t0 := time.Now()
	loaded, skipped, err := loadScenario(ctx, mt, mt.Identity, users)
	if err != nil {
		return err
	}
	logf("scenario and %d submitter institutions: %d written, %d already there, in %s", len(users), loaded, skipped, time.Since(t0).Round(time.Millisecond))
	if c.loadOnly {
		return nil
	}

	dir, err := os.MkdirTemp("", "metrotrace-bench-follow-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	x, err := index.Open(dir, nil)
	if err != nil {
		return err
	}
	defer x.Close()
	follower := &applyTimes{Ledger: mt, applied: map[uint64]time.Time{}}
	fctx, stopFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() { followed <- x.Follow(fctx, follower) }()
	defer func() { stopFollow(); <-followed }()
	// One certificate of this run gives the index a block of its own to
	// reach: the channel's last blocks may carry no metrotrace event (a
	// redeploy, an earlier run's raw phase), which the index never applies.
	ping, err := mt.Submit(ctx, ids[0], wl.issue(users[0], 0, 9999999))
	if err != nil {
		return fmt.Errorf("a first certificate of the run: %w", err)
	}
	height := ping.BlockNumber + 1
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	err = x.WaitFor(wctx, ping.BlockNumber)
	cancel()
	if err != nil {
		select {
		case ferr := <-followed:
			followed <- ferr
			return fmt.Errorf("the index did not catch up with the channel: %w (following stopped: %v)", err, ferr)
		default:
		}
		return fmt.Errorf("the index did not catch up with the channel: %w", err)
	}
	events := opts.EventsOrg
	through := events + "'s peer"
	if events == "" {
		through = "every organization's peer (" + strings.Join(orgIDs(conn), ", ") + "), each block applied from the first to deliver it"
	}
	logf("index follows the channel through %s (height %d)", through, height)

	var cpu *cpuMeter
	if c.cpuPids != "" {
		cpu = &cpuMeter{pidsDir: c.cpuPids, proc: "/proc"}
		if _, err := cpu.read(); err != nil {
			return fmt.Errorf("--cpu-pids: %w", err)
		}
	}
	var rawRes, fpRes, mtRes, batchRes phaseResult
	for r := 0; r < c.rounds; r++ {
		logf("round %d/%d: raw Put through %q, %d submitters, %s warm-up + %s", r+1, c.rounds, c.rawChaincode, c.concurrency, c.warmup, c.duration)
		p := runPhase(ctx, c.concurrency, c.warmup, c.duration, cpu, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
			return raw.Submit(ctx, ids[w], wl.put(users[w], w, r*10000000+seq))
		})
		logf("  raw: %d committed (%.1f TPS), %d errors", len(p.lat), p.tps(), p.errors)
		rawRes.add(p)
		if c.footprint {
			logf("round %d/%d: raw PutFootprint through %q, %d submitters, %s warm-up + %s", r+1, c.rounds, c.rawChaincode, c.concurrency, c.warmup, c.duration)
			p = runPhase(ctx, c.concurrency, c.warmup, c.duration, cpu, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
				return raw.Submit(ctx, ids[w], wl.footprint(users[w], w, r*10000000+seq))
			})
			logf("  footprint: %d committed (%.1f TPS), %d errors", len(p.lat), p.tps(), p.errors)
			fpRes.add(p)
		}
		logf("round %d/%d: metrotrace IssueCertificate, %d submitters, %s warm-up + %s", r+1, c.rounds, c.concurrency, c.warmup, c.duration)
		p = runPhase(ctx, c.concurrency, c.warmup, c.duration, cpu, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
			return mt.Submit(ctx, ids[w], wl.issue(users[w], w, r*10000000+seq))
		})
		logf("  metrotrace: %d committed (%.1f TPS), %d errors", len(p.lat), p.tps(), p.errors)
		mtRes.add(p)
		if c.batch > 0 {
			logf("round %d/%d: metrotrace IssueCertificates of %d certificates, %d submitters, %s warm-up + %s", r+1, c.rounds, c.batch, c.concurrency, c.warmup, c.duration)
			p = runPhase(ctx, c.concurrency, c.warmup, c.duration, cpu, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
				return mt.Submit(ctx, ids[w], wl.issueBatch(users[w], w, r*10000000+batchSeq+seq*c.batch, c.batch))
			})
			logf("  batched: %d transactions committed (%.0f certificates/s), %d errors", len(p.lat), p.tps()*float64(c.batch), p.errors)
			batchRes.add(p)
		}
	}
	var rawEval, mtEval phaseResult
	if c.evaluate > 0 {
		logf("evaluate only: raw Put, then IssueCertificate, %d submitters, %s each", c.concurrency, c.evaluate)
		evaluate := func(l *fabric.Ledger, call func(u benchUser, w, seq int) ledger.Call) phaseResult {
			return runPhase(ctx, c.concurrency, time.Second, c.evaluate, nil, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
				_, err := l.Evaluate(ctx, ids[w], call(users[w], w, 90000000+seq))
				return &ledger.Receipt{}, err
			})
		}
		rawEval, mtEval = evaluate(raw, wl.put), evaluate(mt, wl.issue)
		logf("  evaluate: raw %.1f/s, metrotrace %.1f/s", rawEval.tps(), mtEval.tps())
	}
	var last uint64
	for _, cm := range mtRes.commits {
		last = max(last, cm.block)
	}
	wctx, cancel = context.WithTimeout(ctx, time.Minute)
	err = x.WaitFor(wctx, last)
	cancel()
	// An index that fell behind costs the lag rows their tail, not the
	// run its figures: the rows count what it applied, a note says where
	// it stopped and why.
	var behind string
	if err != nil {
		behind = fmt.Sprintf("the index did not apply the last metrotrace block %d within a minute (%v)", last, err)
		select {
		case ferr := <-followed:
			followed <- ferr
			behind += fmt.Sprintf("; following stopped: %v", ferr)
		default:
			behind += "; still following"
		}
		logf("%s", behind)
	}
	lagList, lagMissing := follower.lags(mtRes.commits, nil)
	t := networkTable(c, rawRes, mtRes, lagList, lagMissing)
	if behind != "" {
		t.Notes = append(t.Notes, behind+": the index lag rows count only the transactions it applied")
	}
	if cpu != nil {
		t.Rows = append(t.Rows, cpuRows(c, rawRes, fpRes, mtRes, batchRes)...)
		t.Notes = append(t.Notes, "CPU per transaction: user + system CPU of every network process (peers, orderers, chaincode servers, CAs) in the measured window over the transactions committed in it; the client's own (signing; in the metrotrace phases also the index following the channel) is given apart")
	}
	if c.footprint {
		t.Rows = append(t.Rows[:2], append(footprintRows(rawRes, fpRes, mtRes), t.Rows[2:]...)...)
		if fpRes.firstErr != nil {
			t.Notes = append(t.Notes, fmt.Sprintf("first footprint error: %v", fpRes.firstErr))
		}
	}
	if c.batch > 0 {
		t.Rows = append(t.Rows, batchRows(c, rawRes, batchRes)...)
		if batchRes.firstErr != nil {
			t.Notes = append(t.Notes, fmt.Sprintf("first batched error: %v", batchRes.firstErr))
		}
	}
	// The lag of the transactions submitted through each organization's
	// peer, beside that of all: with one peer followed, the others' include
	// the time by which their peers commit a block before the followed one.
	for _, msp := range orgIDs(conn) {
		list, _ := follower.lags(mtRes.commits, func(cm commit) bool { return users[cm.worker].MSPID == msp })
		if len(list) == 0 {
			continue
		}
		s, what := summarize(list), "submitted through "+msp+"'s peer"
		if msp == events {
			what += ", the followed one"
		}
		t.Rows = append(t.Rows, row{What: fmt.Sprintf("index lag, only transactions %s (%d transactions)", what, s.N),
			Measured: fmt.Sprintf("p50 %s, p99 %s, max %s", ms(s.P50), ms(s.P99), ms(s.Max)),
			Baseline: "all transactions p99 " + ms(summarize(lagList).P99), Ratio: ratio(float64(s.P99), float64(summarize(lagList).P99)) + " (p99)",
			Target: "p99 ≤ " + ms(c.batchTimeout) + " (BatchTimeout)"})
	}
	if c.evaluate > 0 {
		re, me := summarize(rawEval.lat), summarize(mtEval.lat)
		t.Rows = append(t.Rows,
			row{What: "evaluate only (chaincode execution on the submitter's peer, no ordering): raw Put", Measured: fmt.Sprintf("%.1f/s; p50 %s, p99 %s", rawEval.tps(), ms(re.P50), ms(re.P99))},
			row{What: "evaluate only: metrotrace IssueCertificate", Measured: fmt.Sprintf("%.1f/s; p50 %s, p99 %s", mtEval.tps(), ms(me.P50), ms(me.P99)),
				Baseline: fmt.Sprintf("raw %.1f/s", rawEval.tps()), Ratio: ratio(mtEval.tps(), rawEval.tps())})
		if rawEval.errors+mtEval.errors > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("evaluate errors: raw %d (%v), metrotrace %d (%v)", rawEval.errors, rawEval.firstErr, mtEval.errors, mtEval.firstErr))
		}
	}
	if events != "" {
		t.Notes = append(t.Notes, "the other organizations' commit statuses come from their own peers, which may commit a block before the followed peer does: their lag includes that skew")
	} else {
		t.Notes = append(t.Notes, "the index follows every organization's peer and applies each block from the first to deliver it (--events-org follows one)")
	}
	return t.write(stdout, c.markdown)
}

// cpuRows renders the CPU each phase's transactions cost the network: on
// a machine shared with other work the ratio that does not follow the CPU
// share the network happens to get.
func cpuRows(c networkConfig, rawRes, fpRes, mtRes, batchRes phaseResult) []row {
	per := func(p phaseResult, items float64) (net, client float64) {
		if items == 0 {
			return 0, 0
		}
		return p.cpu.network / items * 1000, p.cpu.client / items * 1000
	}
	rawNet, rawClient := per(rawRes, float64(len(rawRes.lat)))
	line := func(what string, p phaseResult, items float64, target string) row {
		n, cl := per(p, items)
		r := row{What: what, Measured: fmt.Sprintf("%.1f ms network, %.1f ms client", n, cl),
			Baseline: fmt.Sprintf("raw put %.1f ms network, %.1f ms client", rawNet, rawClient), Target: target}
		if n > 0 {
			r.Ratio = ratio(rawNet, n) + " (raw ÷ this, network)"
		}
		if p.cpuErr != nil {
			r.Measured += fmt.Sprintf(" (CPU read failed: %v)", p.cpuErr)
		}
		return r
	}
	rows := []row{{What: "CPU per transaction: raw put", Measured: fmt.Sprintf("%.1f ms network, %.1f ms client", rawNet, rawClient)}}
	if c.footprint {
		rows = append(rows, line("CPU per transaction: PutFootprint", fpRes, float64(len(fpRes.lat)), ""))
	}
	rows = append(rows, line("CPU per transaction: IssueCertificate", mtRes, float64(len(mtRes.lat)), "≥ 0.9 × (as TPS)"))
	if c.batch > 0 {
		rows = append(rows, line(fmt.Sprintf("CPU per certificate: IssueCertificates of %d", c.batch), batchRes, float64(len(batchRes.lat)*c.batch), "≥ 5 × (as certificates/s)"))
	}
	return rows
}

// footprintRows splits the gap between the raw put and IssueCertificate:
// the state footprint alone against the raw put, and IssueCertificate
// against the footprint (what its checks, JSON and contract API cost).
func footprintRows(rawRes, fpRes, mtRes phaseResult) []row {
	fs := summarize(slices.Clone(fpRes.lat))
	return []row{
		{What: "the state footprint alone: PutFootprint (4 reads, 4 writes, 1 key-level policy, the event and answer bytes of a certificate; no checks)",
			Measured: fmt.Sprintf("%.1f TPS; p50 %s, p99 %s", fpRes.tps(), ms(fs.P50), ms(fs.P99)),
			Baseline: fmt.Sprintf("raw %.1f TPS", rawRes.tps()), Ratio: ratio(fpRes.tps(), rawRes.tps())},
		{What: "IssueCertificate against the footprint (its checks, JSON decoding and contract API)",
			Measured: fmt.Sprintf("%.1f TPS", mtRes.tps()),
			Baseline: fmt.Sprintf("footprint %.1f TPS", fpRes.tps()), Ratio: ratio(mtRes.tps(), fpRes.tps())},
	}
}

// batchRows renders the batched phase: certificates per second against the
// raw put's transactions per second at the same concurrency, and the
// batch's commit latency.
func batchRows(c networkConfig, rawRes, batchRes phaseResult) []row {
	bs := summarize(slices.Clone(batchRes.lat))
	certs := batchRes.tps() * float64(c.batch)
	rows := []row{
		{What: fmt.Sprintf("batched ingest: IssueCertificates of %d distinct certificates per transaction", c.batch),
			Measured: fmt.Sprintf("%.0f certificates/s (%.1f TPS, %d errors)", certs, batchRes.tps(), batchRes.errors),
			Baseline: fmt.Sprintf("raw %.1f TPS", rawRes.tps()), Ratio: ratio(certs, rawRes.tps()), Target: "≥ 5 × raw TPS"},
		{What: "batched ingest commit latency",
			Measured: fmt.Sprintf("p50 %s, p99 %s", ms(bs.P50), ms(bs.P99)), Baseline: "raw p99 " + ms(summarize(slices.Clone(rawRes.lat)).P99),
			Target: "p99 ≤ 2000 ms"},
	}
	return rows
}

// networkTable renders the results of the network benchmark.
func networkTable(c networkConfig, rawRes, mtRes phaseResult, lagList []time.Duration, lagMissing int) *table {
	rs, ms2, lag := summarize(slices.Clone(rawRes.lat)), summarize(slices.Clone(mtRes.lat)), summarize(lagList)
	perBlock := func(p phaseResult) string {
		if b := p.blocks(); b > 0 {
			return fmt.Sprintf("%.1f tx/block", float64(len(p.commits))/float64(b))
		}
		return "no blocks"
	}
	t := &table{Title: fmt.Sprintf("metrotrace-bench network: %d submitters, %d × %s measured per phase (after %s warm-up), GOMAXPROCS %d",
		c.concurrency, c.rounds, c.duration, c.warmup, runtime.GOMAXPROCS(0))}
	t.Rows = []row{
		{What: fmt.Sprintf("raw writes: %s Put of a certificate-sized value", c.rawChaincode),
			Measured: fmt.Sprintf("%.1f TPS; p50 %s, p99 %s", rawRes.tps(), ms(rs.P50), ms(rs.P99))},
		{What: "metrotrace writes: IssueCertificate of distinct certificates",
			Measured: fmt.Sprintf("%.1f TPS; p50 %s, p99 %s", mtRes.tps(), ms(ms2.P50), ms(ms2.P99)),
			Baseline: fmt.Sprintf("raw %.1f TPS", rawRes.tps()), Ratio: ratio(mtRes.tps(), rawRes.tps()), Target: "≥ 0.9 × raw"},
		{What: "metrotrace write latency p99",
			Measured: ms(ms2.P99), Baseline: "raw p99 " + ms(rs.P99), Ratio: ratio(float64(ms2.P99), float64(rs.P99))},
		{What: fmt.Sprintf("index lag from commit status to the index applying the block (%d transactions)", lag.N),
			Measured: fmt.Sprintf("p50 %s, p99 %s, max %s", ms(lag.P50), ms(lag.P99), ms(lag.Max)),
			Baseline: "metrotrace write p50 " + ms(ms2.P50), Ratio: ratio(float64(lag.P99), float64(ms2.P50)) + " (p99)",
			Target: "p99 ≤ " + ms(c.batchTimeout) + " (BatchTimeout)"},
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("raw: %d committed, %d errors, %s; metrotrace: %d committed, %d errors, %s",
			len(rawRes.lat), rawRes.errors, perBlock(rawRes), len(mtRes.lat), mtRes.errors, perBlock(mtRes)),
		"each submitter is its own goroutine and identity (the recorder of its institution BENCH-Wnnn; organizations round-robin), the same identity in both phases; latency = endorse + submit + commit status",
		"index lag: negative when a followed peer delivered the block before the submitting peer's commit status returned",
	)
	if lagMissing > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d metrotrace transactions have no index apply time (their block carried no event the index saw)", lagMissing))
	}
	for _, e := range []struct {
		name string
		err  error
	}{{"raw", rawRes.firstErr}, {"metrotrace", mtRes.firstErr}} {
		if e.err != nil {
			t.Notes = append(t.Notes, fmt.Sprintf("first %s error: %v", e.name, e.err))
		}
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Notes = append(t.Notes, "load average at the end: "+strings.Join(strings.Fields(string(la))[:3], " "))
	}
	return t
}

// orgIDs are the MSP ids of a connection's organizations, in its order.
func orgIDs(conn *network.Connection) []string {
	ids := make([]string, len(conn.Orgs))
	for i, o := range conn.Orgs {
		ids[i] = o.MSPID
	}
	return ids
}
