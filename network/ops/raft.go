package ops

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/metrotrace/metrotrace/network"
)

// Raft roles of an orderer in a channel, from its metrics.
const (
	RaftLeader   = "leader"
	RaftFollower = "follower"
)

// Prometheus gauges of Fabric's etcdraft consenter, labelled by channel.
const (
	metricIsLeader    = "consensus_etcdraft_is_leader"
	metricClusterSize = "consensus_etcdraft_cluster_size"
	metricActiveNodes = "consensus_etcdraft_active_nodes"
)

// RaftMetrics are an orderer's etcdraft gauges for one channel.
type RaftMetrics struct {
	// Leader is consensus_etcdraft_is_leader == 1.
	Leader bool
	// ClusterSize is consensus_etcdraft_cluster_size (the consenters of the
	// channel), -1 if the orderer does not export it.
	ClusterSize int
	// ActiveNodes is consensus_etcdraft_active_nodes, -1 if absent. The
	// leader measures it (nodes recently heard from, itself included) and
	// sets it once it is stable, so it is 0 for a few seconds after an
	// election; followers learn it from block metadata.
	ActiveNodes int
}

// Role is RaftLeader or RaftFollower.
func (m RaftMetrics) Role() string {
	if m.Leader {
		return RaftLeader
	}
	return RaftFollower
}

// ParseRaftMetrics reads Prometheus text exposition (an orderer's
// /metrics) and returns the etcdraft gauges of channel. It fails when the
// exposition has no consensus_etcdraft_is_leader sample for the channel
// (the orderer is not a raft consenter of it, or has not joined it).
func ParseRaftMetrics(r io.Reader, channel string) (RaftMetrics, error) {
	m := RaftMetrics{ClusterSize: -1, ActiveNodes: -1}
	found := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, labels, value, err := parseSample(line)
		if err != nil {
			return m, fmt.Errorf("metrics: %v in %q", err, line)
		}
		switch name {
		case metricIsLeader, metricClusterSize, metricActiveNodes:
		default:
			continue
		}
		if labels["channel"] != channel {
			continue
		}
		switch name {
		case metricIsLeader:
			found = true
			m.Leader = value == 1
		case metricClusterSize:
			m.ClusterSize = gaugeInt(value)
		case metricActiveNodes:
			m.ActiveNodes = gaugeInt(value)
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("metrics: %w", err)
	}
	if !found {
		return m, fmt.Errorf("no %s{channel=%q} in the metrics (not a raft consenter of the channel?)", metricIsLeader, channel)
	}
	return m, nil
}

func gaugeInt(v float64) int {
	if math.IsNaN(v) || v < 0 || v > math.MaxInt32 {
		return -1
	}
	return int(v)
}

// parseSample splits one sample line of the Prometheus text format,
// `name{label="value",...} value [timestamp]`.
func parseSample(line string) (name string, labels map[string]string, value float64, err error) {
	i := strings.IndexAny(line, "{ \t")
	if i <= 0 {
		return "", nil, 0, fmt.Errorf("no metric name")
	}
	name, rest := line[:i], line[i:]
	labels = map[string]string{}
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			rest = strings.TrimLeft(rest, " \t,")
			if rest == "" {
				return "", nil, 0, fmt.Errorf("unterminated labels")
			}
			if rest[0] == '}' {
				rest = rest[1:]
				break
			}
			eq := strings.IndexByte(rest, '=')
			if eq <= 0 || len(rest) < eq+2 || rest[eq+1] != '"' {
				return "", nil, 0, fmt.Errorf("bad label")
			}
			key := strings.TrimSpace(rest[:eq])
			rest = rest[eq+2:]
			var b strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '\\' && j+1 < len(rest) {
					j++
					switch rest[j] {
					case 'n':
						b.WriteByte('\n')
					default:
						b.WriteByte(rest[j])
					}
					continue
				}
				if c == '"' {
					rest, closed = rest[j+1:], true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return "", nil, 0, fmt.Errorf("unterminated label value")
			}
			labels[key] = b.String()
		}
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 || len(fields) > 2 {
		return "", nil, 0, fmt.Errorf("no value")
	}
	value, err = strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", nil, 0, fmt.Errorf("bad value %q", fields[0])
	}
	return name, labels, value, nil
}

// fetchRaftMetrics reads the orderer's /metrics from its operations
// service: plain HTTP, or HTTPS verified against OperationsTLSCACert (for
// the name HostOverride, else the endpoint's host) when that is set.
func fetchRaftMetrics(ctx context.Context, o *network.Orderer, channel string) (RaftMetrics, error) {
	tr := &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 3 * time.Second}).DialContext}
	scheme := "http"
	if o.OperationsTLSCACert != "" {
		pemBytes, err := os.ReadFile(o.OperationsTLSCACert)
		if err != nil {
			return RaftMetrics{}, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return RaftMetrics{}, fmt.Errorf("no certificate in %s", o.OperationsTLSCACert)
		}
		name := o.HostOverride
		if name == "" {
			name, _, _ = net.SplitHostPort(o.OperationsEndpoint)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: name, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	defer tr.CloseIdleConnections()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, scheme+"://"+o.OperationsEndpoint+"/metrics", nil)
	if err != nil {
		return RaftMetrics{}, err
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return RaftMetrics{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return RaftMetrics{}, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return ParseRaftMetrics(io.LimitReader(resp.Body, 32<<20), channel)
}

// raftProblems are the problems of the orderers' raft state: no leader
// among the orderers whose metrics could be read, more than one, or a
// leader that sees fewer active nodes than a quorum. Orderers without an
// operations endpoint are left out; none with one: no problems.
func raftProblems(orderers []OrdererStatus) []string {
	var leaders, unknown []string
	var leader *OrdererStatus
	watched := 0
	for i := range orderers {
		o := &orderers[i]
		if o.Operations == "" {
			continue
		}
		watched++
		switch o.RaftRole {
		case RaftLeader:
			leaders = append(leaders, o.Name)
			leader = o
		case "":
			unknown = append(unknown, fmt.Sprintf("%s: %s", o.Name, o.RaftError))
		}
	}
	if watched == 0 {
		return nil
	}
	switch {
	case len(leaders) == 0:
		msg := "no raft leader among the orderers"
		if len(unknown) > 0 {
			msg += " (metrics not read from " + strings.Join(unknown, "; ") + ")"
		}
		return []string{msg}
	case len(leaders) > 1:
		return []string{fmt.Sprintf("%d orderers claim raft leadership: %s", len(leaders), strings.Join(leaders, ", "))}
	}
	if n, a := leader.ClusterSize, leader.ActiveNodes; n > 0 && a > 0 && a < n/2+1 {
		return []string{fmt.Sprintf("raft leader %s sees %d of %d nodes active: below the quorum of %d", leader.Name, a, n, n/2+1)}
	}
	return nil
}
