package consortium

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRollingUpgrade: while writers submit through Beijing's and Tianjin's
// gateways, every org installs and approves the next chaincode sequence
// (its new server starts next to the old one) and Beijing commits it.
// Every acknowledged write is on the ledger afterwards; a write refused
// during the switch is retried with the same id until it commits (a 409 on
// a retry means an earlier attempt committed) or is reported.
func TestRollingUpgrade(t *testing.T) {
	networkTestsOn(t)
	start := time.Now()
	c := newConsortium(t, "beijing", "tianjin", "hebei")
	c.up()
	writers := []*party{c.party("beijing"), c.party("tianjin")}
	for _, p := range writers {
		g := c.startGateway(p)
		c.mustWrite(g, c.token(g, "operator", "", p.msp), "/institutions", institution(p, p.inst), nil)
	}

	type result struct {
		id       string
		tries    int
		conflict bool // a retry found it already committed
	}
	var (
		mu       sync.Mutex
		acked    []result
		lost     []string
		refusals []string
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for _, p := range writers {
		tok := c.token(p.gw, "recorder", p.inst, p.msp)
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("%s-RU-%d-%03d", p.inst, w, i)
					r := result{id: id}
					for r.tries = 1; r.tries <= 10; r.tries++ {
						code, out, err := call(http.MethodPost, p.gw.url+"/api/v1/standards", tok, standard(p.inst, id), nil)
						if err == nil && code == http.StatusCreated {
							break
						}
						if err == nil && code == http.StatusConflict && r.tries > 1 {
							r.conflict = true
							break
						}
						mu.Lock()
						refusals = append(refusals, fmt.Sprintf("%s try %d: %d %s %v", id, r.tries, code, strings.TrimSpace(string(out)), err))
						mu.Unlock()
						time.Sleep(time.Second)
					}
					mu.Lock()
					if r.tries > 10 {
						lost = append(lost, id)
					} else {
						acked = append(acked, r)
					}
					mu.Unlock()
				}
			}()
		}
	}
	waitFor := func(n int, what string) {
		deadline := time.Now().Add(5 * time.Minute)
		for ackedCount() < n {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("only %d writes acknowledged %s, want %d; refusals: %v", ackedCount(), what, n, refusals)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitFor(8, "before the upgrade")
	t0 := time.Now()
	beforeUpgrade := ackedCount()
	c.deploy(2, c.parties, c.party("beijing"), c.parties)
	duringUpgrade := ackedCount() - beforeUpgrade
	t.Logf("sequence 2 approved by 3 orgs and committed in %s while %d writes were acknowledged", since(t0), duringUpgrade)
	waitFor(ackedCount()+8, "after the upgrade")
	close(stop)
	wg.Wait()

	// Every acknowledged write is on the ledger: read each through the other gateway.
	retried, conflicts := 0, 0
	for _, r := range acked {
		if r.tries > 1 {
			retried++
		}
		if r.conflict {
			conflicts++
		}
		reader := writers[0]
		if strings.HasPrefix(r.id, writers[0].inst) {
			reader = writers[1]
		}
		body := string(c.waitGet(reader.gw, c.token(reader.gw, "inspector", reader.inst, reader.msp), "/standards/"+r.id))
		if !strings.Contains(body, `"id":"`+r.id+`"`) {
			t.Errorf("acknowledged standard %s reads %s", r.id, body)
		}
	}
	for _, id := range lost {
		t.Errorf("write %s was refused 10 times (reported, not acknowledged)", id)
	}
	t.Logf("writes acknowledged: %d (%d during the upgrade, %d after a retry, %d found committed by a retry), refused 10 times: %d, refusals seen: %d",
		len(acked), duringUpgrade, retried, conflicts, len(lost), len(refusals))
	for i, r := range refusals {
		if i == 10 {
			break
		}
		t.Logf("refusal: %s", r)
	}
	t.Logf("TestRollingUpgrade took %s", since(start))
}
