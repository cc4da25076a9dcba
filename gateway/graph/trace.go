package graph

import (
	"context"

	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Trace draws a trace report bottom-up: the subject at the bottom, primary
// standards at the top, one edge per certificate and reference, from the
// calibrated record to the standard it was calibrated against. nodes
// describes the records by id; a record it lacks is drawn by id alone.
func Trace(ctx context.Context, rep *rules.TraceReport, nodes map[string]Node, opt Options) ([]byte, error) {
	p := newPicture("trace", "BT", opt)
	describe := func(id string) Node {
		if n, ok := nodes[id]; ok {
			n.ID = id
			return n
		}
		return Node{ID: id, Kind: KindUnknown}
	}
	p.node(describe(rep.SubjectID))
	for _, l := range rep.Links {
		p.node(describe(l.SubjectID))
		for _, ref := range l.ReferenceIDs {
			p.node(describe(ref))
		}
	}
	for _, l := range rep.Links {
		checks := make([]CheckMark, len(l.Checks))
		state := StatePass
		ownFail := false
		for i, c := range l.Checks {
			checks[i] = CheckMark{Name: c.Name, OK: c.OK}
			if !c.OK {
				state = StateBrokenAbove
				if c.Name != rules.CheckReachesPrimary {
					ownFail = true
				}
			}
		}
		if ownFail {
			state = StateFail
		}
		if l.CertificateID == "" {
			// No certificate: nothing to draw an edge for; the subject
			// itself is marked.
			p.flagged[l.SubjectID] = wordNoCert.in(p.opt.Lang)
			continue
		}
		for _, ref := range l.ReferenceIDs {
			p.edges = append(p.edges, edge{from: l.SubjectID, to: ref, certificate: l.CertificateID, state: state, checks: checks})
		}
	}
	return p.render(ctx)
}
