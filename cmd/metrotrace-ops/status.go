package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdStatus runs "metrotrace-ops status": peer heights, the committed
// chaincode, orderers and raft roles; exit 1 when the network is unhealthy.
func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var lag uint64
	var settle time.Duration
	var noCC bool
	fs := newFlagSet("status", stderr)
	c.register(fs, defaultTimeout)
	fs.Uint64Var(&lag, "lag", 0, "blocks a peer may trail the highest and still be healthy")
	fs.DurationVar(&settle, "settle", 3*time.Second, "re-read heights this long while a peer is behind (0: once)")
	fs.BoolVar(&noCC, "no-chaincode", false, "do not query the committed chaincode definition")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if settle == 0 {
		settle = -1
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	rep, err := cl.Status(ctx, ops.StatusOptions{Lag: lag, Settle: settle, SkipChaincode: noCC})
	if err != nil {
		return 0, err
	}
	if c.json {
		if err := writeJSON(stdout, rep); err != nil {
			return 0, err
		}
	} else {
		printStatus(stdout, rep)
	}
	if !rep.Healthy {
		return exitUnhealthy, nil
	}
	return exitOK, nil
}

// printStatus prints a status report as text.
func printStatus(w io.Writer, r *ops.StatusReport) {
	fmt.Fprintf(w, "channel %s (as %s), highest block height %d\n", r.Channel, r.Identity, r.MaxHeight)
	if r.Fallback != "" {
		fmt.Fprintf(w, "(the own org's peer could not serve the channel configuration; read as %s)\n", r.Fallback)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tMSP\tENDPOINT\tHEIGHT\tSTATE")
	for _, p := range r.Peers {
		state := "in step"
		switch {
		case !p.Reachable:
			state = "UNREACHABLE: " + p.Error
		case !p.InStep:
			state = fmt.Sprintf("BEHIND by %d", p.Behind)
		}
		h := fmt.Sprint(p.Height)
		if !p.Reachable {
			h = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.MSPID, p.Endpoint, h, state)
	}
	_ = tw.Flush()
	if cc := r.Chaincode; cc != nil {
		if cc.Error != "" {
			fmt.Fprintf(w, "chaincode %s: %s\n", cc.Name, cc.Error)
		} else {
			var ap []string
			keys := make([]string, 0, len(cc.Approvals))
			for k := range cc.Approvals {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ap = append(ap, fmt.Sprintf("%s=%v", k, cc.Approvals[k]))
			}
			fmt.Fprintf(w, "chaincode %s: version %s, sequence %d, endorsement policy %s, approvals %s (from %s)\n",
				cc.Name, cc.Version, cc.Sequence, cc.EndorsementPolicy, strings.Join(ap, " "), cc.Peer)
		}
	}
	for _, o := range r.Orderers {
		state := "reachable"
		if !o.Reachable {
			state = "UNREACHABLE: " + o.Error
		}
		if o.Operations != "" {
			switch {
			case o.RaftRole == "":
				state += ", raft role unknown: " + o.RaftError
			case o.ClusterSize > 0 && o.ActiveNodes > 0:
				state += fmt.Sprintf(", raft %s (%d of %d nodes active)", o.RaftRole, o.ActiveNodes, o.ClusterSize)
			case o.ClusterSize > 0:
				state += fmt.Sprintf(", raft %s (cluster of %d)", o.RaftRole, o.ClusterSize)
			default:
				state += ", raft " + o.RaftRole
			}
		}
		fmt.Fprintf(w, "orderer %s %s: %s\n", o.Name, o.Endpoint, state)
	}
	if r.Healthy {
		fmt.Fprintln(w, "healthy")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "PROBLEM: %s\n", p)
	}
}
