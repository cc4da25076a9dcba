package graph

import (
	"context"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Impact draws an impact set top-down: the faulty standard at the top,
// every affected standard and instrument below it, one edge per affected
// certificate from the standard it used to the record it calibrated. The
// set must carry its paths (rules.Impact withPaths): the edge into a record
// is the last step of its path.
func Impact(ctx context.Context, set *rules.ImpactSet, opt Options) ([]byte, error) {
	if set.Paths == nil && (len(set.Instruments) > 0 || len(set.Standards) > 0) {
		return nil, fmt.Errorf("impact of %s: the set has no paths to draw", set.StandardID)
	}
	p := newPicture("impact", "TB", opt)
	if n := 1 + len(set.Standards) + len(set.Instruments); n > MaxNodes {
		return nil, fmt.Errorf("%w: %d records, more than the %d a picture draws", ErrTooLarge, n, MaxNodes)
	}
	p.node(Node{ID: set.StandardID, Kind: KindStandard, Status: "", Name: wordFaulty.in(p.opt.Lang) + " · " + wordAffectedFrom.in(p.opt.Lang) + " " + set.Since})
	p.flagged[set.StandardID] = wordFaulty.in(p.opt.Lang)
	for _, id := range set.Standards {
		p.node(Node{ID: id, Kind: KindStandard})
	}
	for _, id := range set.Instruments {
		p.node(Node{ID: id, Kind: KindInstrument})
	}
	subjects := append(append([]string{}, set.Standards...), set.Instruments...)
	for _, id := range subjects {
		path := set.Paths[id]
		// A path runs standard, certificate, subject, certificate, …, id.
		if len(path) < 3 || path[len(path)-1] != id {
			continue
		}
		from, cert := path[len(path)-3], path[len(path)-2]
		if _, ok := p.index[from]; !ok {
			continue
		}
		p.edges = append(p.edges, edge{from: from, to: id, certificate: cert, state: StateAffected})
	}
	return p.render(ctx)
}
