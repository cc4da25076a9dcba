package ops

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/network"
)

// ordererMetrics is an excerpt of a Fabric v2.5 orderer's /metrics with two
// channels, in the Prometheus text format.
func ordererMetrics(leader, size, active int) string {
	return fmt.Sprintf(`# HELP consensus_etcdraft_active_nodes Number of active nodes in this channel.
# TYPE consensus_etcdraft_active_nodes gauge
consensus_etcdraft_active_nodes{channel="other"} 1
consensus_etcdraft_active_nodes{channel="metrology"} %d
# HELP consensus_etcdraft_cluster_size Number of nodes in this channel.
# TYPE consensus_etcdraft_cluster_size gauge
consensus_etcdraft_cluster_size{channel="metrology"} %d
consensus_etcdraft_cluster_size{channel="other"} 1
# HELP consensus_etcdraft_is_leader The leadership status of the current node: 1 if it is the leader else 0.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="other"} 1
consensus_etcdraft_is_leader{channel="metrology"} %d
# HELP consensus_etcdraft_leader_changes The number of leader changes since process start.
# TYPE consensus_etcdraft_leader_changes counter
consensus_etcdraft_leader_changes{channel="metrology"} 1
go_memstats_alloc_bytes 1.2345678e+07
grpc_server_unary_requests_received{method="Join",service="orderer_AtomicBroadcast"} 3
`, active, size, leader)
}

func TestParseRaftMetrics(t *testing.T) {
	for _, tc := range []struct {
		text    string
		channel string
		want    RaftMetrics
		role    string
	}{
		{ordererMetrics(1, 3, 3), "metrology", RaftMetrics{Leader: true, ClusterSize: 3, ActiveNodes: 3}, RaftLeader},
		{ordererMetrics(0, 3, 2), "metrology", RaftMetrics{Leader: false, ClusterSize: 3, ActiveNodes: 2}, RaftFollower},
		{ordererMetrics(0, 3, 2), "other", RaftMetrics{Leader: true, ClusterSize: 1, ActiveNodes: 1}, RaftLeader},
		// Only is_leader, with a timestamp, other labels and escaped quotes.
		{`consensus_etcdraft_is_leader{a="x\"y,z}",channel="metrology",} 1 1712000000000` + "\n", "metrology",
			RaftMetrics{Leader: true, ClusterSize: -1, ActiveNodes: -1}, RaftLeader},
	} {
		got, err := ParseRaftMetrics(strings.NewReader(tc.text), tc.channel)
		if err != nil || got != tc.want || got.Role() != tc.role {
			t.Errorf("ParseRaftMetrics(%s) = %+v (%s), %v; want %+v (%s)", tc.channel, got, got.Role(), err, tc.want, tc.role)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{ordererMetrics(1, 3, 3), `no consensus_etcdraft_is_leader{channel="nochannel"}`},
		{"go_goroutines 12\n", "no consensus_etcdraft_is_leader"},
		{`consensus_etcdraft_is_leader{channel="nochannel} 1`, "unterminated"},
		{`consensus_etcdraft_is_leader{channel="nochannel"} one`, "bad value"},
		{`consensus_etcdraft_is_leader{channel} 1`, "bad label"},
	} {
		if _, err := ParseRaftMetrics(strings.NewReader(tc.text), "nochannel"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRaftMetrics(%q) error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestRaftProblems(t *testing.T) {
	healthy := func() []OrdererStatus {
		return []OrdererStatus{
			{Name: "o0", Reachable: true, Operations: "x:1", RaftRole: RaftFollower, ClusterSize: 3, ActiveNodes: 3},
			{Name: "o1", Reachable: true, Operations: "x:2", RaftRole: RaftLeader, ClusterSize: 3, ActiveNodes: 3},
			{Name: "o2", Reachable: true, Operations: "x:3", RaftRole: RaftFollower, ClusterSize: 3, ActiveNodes: 3},
		}
	}
	if p := raftProblems(healthy()); len(p) != 0 {
		t.Errorf("healthy: %v", p)
	}
	// One follower down: still a quorum.
	ords := healthy()
	ords[0] = OrdererStatus{Name: "o0", Operations: "x:1", Error: "refused", RaftError: "refused"}
	ords[1].ActiveNodes = 2
	if p := raftProblems(ords); len(p) != 0 {
		t.Errorf("one follower down: %v", p)
	}
	// Leader not measured yet (0 active nodes after an election): no problem.
	ords[1].ActiveNodes = 0
	if p := raftProblems(ords); len(p) != 0 {
		t.Errorf("active nodes not measured: %v", p)
	}
	ords[1].ActiveNodes = 1
	if p := raftProblems(ords); len(p) != 1 || !strings.Contains(p[0], "raft leader o1 sees 1 of 3 nodes active: below the quorum of 2") {
		t.Errorf("leader without quorum: %v", p)
	}
	// The leader stopped, no election yet.
	ords = healthy()
	ords[1] = OrdererStatus{Name: "o1", Operations: "x:2", Error: "refused", RaftError: "connection refused"}
	if p := raftProblems(ords); len(p) != 1 || !strings.Contains(p[0], "no raft leader among the orderers (metrics not read from o1: connection refused)") {
		t.Errorf("no leader: %v", p)
	}
	ords = healthy()
	ords[0].RaftRole = RaftLeader
	if p := raftProblems(ords); len(p) != 1 || !strings.Contains(p[0], "2 orderers claim raft leadership: o0, o1") {
		t.Errorf("two leaders: %v", p)
	}
	// Without operations endpoints (an older connection.json) raft is not judged.
	if p := raftProblems([]OrdererStatus{{Name: "o0", Reachable: true}, {Name: "o1", Reachable: true}}); len(p) != 0 {
		t.Errorf("no operations endpoints: %v", p)
	}

	// Through Evaluate.
	r := &StatusReport{Orderers: healthy()}
	r.Evaluate(0)
	if !r.Healthy {
		t.Errorf("healthy orderers: %v", r.Problems)
	}
	r.Orderers[1].RaftRole = RaftFollower
	r.Evaluate(0)
	if r.Healthy || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "no raft leader") {
		t.Errorf("no leader through Evaluate: %v", r.Problems)
	}
}

func TestFetchRaftMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, ordererMetrics(1, 3, 3))
	}))
	defer srv.Close()
	ep := strings.TrimPrefix(srv.URL, "http://")
	m, err := fetchRaftMetrics(context.Background(), &network.Orderer{OperationsEndpoint: ep}, "metrology")
	if err != nil || m.Role() != RaftLeader || m.ClusterSize != 3 || m.ActiveNodes != 3 {
		t.Errorf("fetch: %+v %v", m, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	if _, err := fetchRaftMetrics(context.Background(), &network.Orderer{OperationsEndpoint: closed}, "metrology"); err == nil {
		t.Error("fetch from a closed port did not fail")
	}
}
