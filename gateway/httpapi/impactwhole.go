package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// idList holds many ids compactly: their bytes end to end in one arena
// and where each starts, 4 bytes of overhead an id instead of a string's
// 16 and its own allocation. An impact over a region holds millions.
type idList struct {
	arena []byte
	start []uint32 // start[i] is where id i begins; it ends at start[i+1] or the arena's end
}

// add appends an id.
func (l *idList) add(id string) {
	l.start = append(l.start, uint32(len(l.arena)))
	l.arena = append(l.arena, id...)
}

// id returns the j-th id added.
func (l *idList) id(j uint32) []byte {
	end := uint32(len(l.arena))
	if int(j)+1 < len(l.start) {
		end = l.start[j+1]
	}
	return l.arena[l.start[j]:end]
}

// at returns the i-th id of order (one of sorted's).
func (l *idList) at(order []uint32, i int) []byte { return l.id(order[i]) }

// sorted returns the ids' indexes in id order, each id once.
func (l *idList) sorted() []uint32 {
	order := make([]uint32, len(l.start))
	for i := range order {
		order[i] = uint32(i)
	}
	cmp := func(a, b uint32) int { return bytes.Compare(l.id(a), l.id(b)) }
	if !slices.IsSortedFunc(order, cmp) {
		slices.SortFunc(order, cmp)
	}
	return slices.CompactFunc(order, func(a, b uint32) bool { return bytes.Equal(l.id(a), l.id(b)) })
}

// impactCollector gathers an ImpactSet's four lists from a streamed
// impact: the many certificates and instruments as idLists, the few
// standards and institutions (each met once for every certificate) as
// sets.
type impactCollector struct {
	certificates, instruments idList
	standards, institutions   map[string]struct{}
}

func newImpactCollector() *impactCollector {
	return &impactCollector{standards: map[string]struct{}{}, institutions: map[string]struct{}{}}
}

// add notes what one affected certificate adds to the set, as
// rules.Impact notes it: the certificate, its issuer, and a registered
// subject with its institution.
func (c *impactCollector) add(it rules.ImpactItem) error {
	c.certificates.add(it.CertificateID)
	c.institutions[it.IssuerID] = struct{}{}
	switch it.SubjectDocType {
	case "":
		return nil // the subject is not registered
	case record.DocInstrument:
		c.instruments.add(it.SubjectID)
	case record.DocStandard:
		c.standards[it.SubjectID] = struct{}{}
	}
	c.institutions[it.SubjectInstitutionID] = struct{}{}
	return nil
}

// lists returns the four lists, each an idList and its sorted order.
func (c *impactCollector) lists() ([]*idList, [][]uint32) {
	lists := []*idList{&c.certificates, &c.instruments, listOf(c.standards), listOf(c.institutions)}
	orders := make([][]uint32, len(lists))
	for i, l := range lists {
		orders[i] = l.sorted()
	}
	return lists, orders
}

// listOf is a set's idList.
func listOf(set map[string]struct{}) *idList {
	l := &idList{}
	for id := range set {
		l.add(id)
	}
	return l
}

// disjoint reports whether no id is in two of the sorted lists: rules.Impact
// lists an id once, under the kind it was first reached as, which only its
// walk's order decides.
func disjoint(lists []*idList, orders [][]uint32) bool {
	for a := range lists {
		for b := a + 1; b < len(lists); b++ {
			i, j := 0, 0
			for i < len(orders[a]) && j < len(orders[b]) {
				switch bytes.Compare(lists[a].at(orders[a], i), lists[b].at(orders[b], j)) {
				case 0:
					return false
				case -1:
					i++
				default:
					j++
				}
			}
		}
	}
	return true
}

// impactWhole answers GET /impact/{standard_id}?since= without paths from
// a stream of the impact, in memory of a few bytes an id: the same JSON as
// the rules.ImpactSet the reader's Impact would hold (those lists, sorted,
// each id once), written as it is encoded. Should an id be in two lists
// (an instrument with an institution's id, say), where rules.Impact keeps
// it only in the first it met, the answer is the reader's Impact.
func (s *Server) impactWhole(c echo.Context, r Reader, since string) error {
	id := c.Param("standard_id")
	ctx := c.Request().Context()
	col := newImpactCollector()
	if _, err := streamImpact(ctx, r, id, since, col.add); err != nil {
		return err
	}
	lists, orders := col.lists()
	if !disjoint(lists, orders) {
		return answer[*rules.ImpactSet](c)(r.Impact(ctx, id, since, false))
	}
	resp := c.Response()
	resp.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	resp.WriteHeader(http.StatusOK)
	w := bufio.NewWriterSize(resp, 64<<10)
	w.WriteString(`{"standard_id":`)
	writeJSONString(w, []byte(id))
	w.WriteString(`,"since":`)
	writeJSONString(w, []byte(since))
	for i, name := range []string{"certificates", "instruments", "standards", "institutions"} {
		w.WriteString(`,"` + name + `":[`)
		for k := range orders[i] {
			if k > 0 {
				w.WriteByte(',')
			}
			writeJSONString(w, lists[i].at(orders[i], k))
		}
		w.WriteByte(']')
	}
	w.WriteString("}\n")
	return w.Flush()
}

// writeJSONString writes s as encoding/json encodes a string: as is
// between quotes when it is printable ASCII that needs no escape, and
// through encoding/json otherwise.
func writeJSONString(w *bufio.Writer, s []byte) {
	plain := true
	for _, b := range s {
		if b < 0x20 || b >= 0x7f || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&' {
			plain = false
			break
		}
	}
	if plain {
		w.WriteByte('"')
		w.Write(s)
		w.WriteByte('"')
		return
	}
	enc, _ := json.Marshal(string(s)) // a string always encodes
	w.Write(enc)
}
