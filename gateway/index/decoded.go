package index

import (
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// maxDecoded bounds the records the decoded cache holds; past it the
// cache starts again empty.
const maxDecoded = 20000

// decoded keeps, between applied events, the decoded records every trace
// and recognition of a region reads again: standards, institutions, their
// capabilities and the certificates of standards (an instrument's own are
// read once per question and not kept). A trace of depth 8 otherwise
// decodes the same chain's JSON every time.
//
// It is valid for one state of the index: epoch counts applied events,
// odd while one is being committed, so a question whose snapshot began at
// an even epoch that had not moved once its snapshot was open reads and
// fills the cache of that epoch; any other question bypasses it. The
// first fill of a new epoch empties the cache.
type decoded struct {
	mu    sync.Mutex
	epoch uint64
	// of is the epoch the maps hold records of.
	of           uint64
	size         int
	standards    map[string]*record.Standard
	institutions map[string]*record.Institution
	capabilities map[string][]*record.Capability
	certificates map[string][]*record.Certificate // of standards
	// above are the walks above reference standards' certificates
	// (rules.TraceMemo), at most maxTraceAbove: each holds a chain's
	// links with their checks.
	above map[string]*rules.TraceAbove
}

// maxTraceAbove bounds the walks the decoded cache keeps; past it their
// map starts again empty. A walk of depth 8 is about 20 KiB of links.
const maxTraceAbove = 2000

// begin and end bracket the commit of an applied event.
func (d *decoded) begin() { d.mu.Lock(); d.epoch++; d.mu.Unlock() }
func (d *decoded) end()   { d.mu.Lock(); d.epoch++; d.mu.Unlock() }

func (d *decoded) current() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.epoch
}

// view runs fn in a read transaction with a Lookup that uses the cache
// when the transaction's snapshot is a settled state of the index.
func (x *Index) view(fn func(txn *badger.Txn, l rules.Lookup) error) error {
	before := x.decoded.current()
	txn := x.db.NewTransaction(false)
	defer txn.Discard()
	l := rules.FromSource(source{txn})
	if after := x.decoded.current(); before == after && before%2 == 0 {
		l = cachedLookup{Lookup: l, d: &x.decoded, epoch: before}
	}
	return fn(txn, l)
}

// cachedLookup answers from the cache of its epoch, decoding through the
// Lookup it wraps on a miss. Slices are copied out: the rules sort what
// they are given.
type cachedLookup struct {
	rules.Lookup
	d     *decoded
	epoch uint64
}

// load returns the cached value of key in the map m picks, when the cache
// holds this epoch.
func load[V any](c cachedLookup, m func(*decoded) map[string]V, key string) (V, bool) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	var zero V
	if c.d.of != c.epoch || m(c.d) == nil {
		return zero, false
	}
	v, ok := m(c.d)[key]
	return v, ok
}

// store keeps a value for key, emptying the cache first when it holds
// another epoch or is full; a question of an older epoch stores nothing.
func store[V any](c cachedLookup, m func(*decoded) *map[string]V, key string, v V) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.d.epoch != c.epoch {
		return
	}
	if c.d.of != c.epoch || c.d.standards == nil || c.d.size >= maxDecoded {
		c.d.of, c.d.size = c.epoch, 0
		c.d.standards, c.d.institutions = map[string]*record.Standard{}, map[string]*record.Institution{}
		c.d.capabilities, c.d.certificates = map[string][]*record.Capability{}, map[string][]*record.Certificate{}
		c.d.above = map[string]*rules.TraceAbove{}
	}
	mp := m(c.d)
	if _, ok := (*mp)[key]; !ok {
		c.d.size++
	}
	(*mp)[key] = v
}

func (c cachedLookup) Standard(id string) (*record.Standard, error) {
	if s, ok := load(c, func(d *decoded) map[string]*record.Standard { return d.standards }, id); ok {
		return s, nil
	}
	s, err := c.Lookup.Standard(id)
	if err == nil {
		store(c, func(d *decoded) *map[string]*record.Standard { return &d.standards }, id, s)
	}
	return s, err
}

func (c cachedLookup) Institution(id string) (*record.Institution, error) {
	if in, ok := load(c, func(d *decoded) map[string]*record.Institution { return d.institutions }, id); ok {
		return in, nil
	}
	in, err := c.Lookup.Institution(id)
	if err == nil {
		store(c, func(d *decoded) *map[string]*record.Institution { return &d.institutions }, id, in)
	}
	return in, err
}

func (c cachedLookup) CapabilitiesByInstitution(id string) ([]*record.Capability, error) {
	if caps, ok := load(c, func(d *decoded) map[string][]*record.Capability { return d.capabilities }, id); ok {
		return slices.Clone(caps), nil
	}
	caps, err := c.Lookup.CapabilitiesByInstitution(id)
	if err == nil {
		store(c, func(d *decoded) *map[string][]*record.Capability { return &d.capabilities }, id, slices.Clone(caps))
	}
	return caps, err
}

// CertificatesBySubject keeps the certificates of standards only: they are
// on every trace through the standard. A standard is known by being in
// the cache (the rules ask for a reference standard before its
// certificates), so an instrument's certificates cost no read of a
// standard that cannot exist.
func (c cachedLookup) CertificatesBySubject(id string) ([]*record.Certificate, error) {
	if certs, ok := load(c, func(d *decoded) map[string][]*record.Certificate { return d.certificates }, id); ok {
		return slices.Clone(certs), nil
	}
	certs, err := c.Lookup.CertificatesBySubject(id)
	if err != nil {
		return nil, err
	}
	if s, ok := load(c, func(d *decoded) map[string]*record.Standard { return d.standards }, id); ok && s != nil {
		store(c, func(d *decoded) *map[string][]*record.Certificate { return &d.certificates }, id, slices.Clone(certs))
	}
	return certs, nil
}

// TraceAbove returns the kept walk above a reference standard's
// certificate (rules.TraceMemo).
func (c cachedLookup) TraceAbove(certificateID string) (*rules.TraceAbove, bool) {
	return load(c, func(d *decoded) map[string]*rules.TraceAbove { return d.above }, certificateID)
}

// KeepTraceAbove keeps a walk above a reference standard's certificate
// for the traces of this epoch.
func (c cachedLookup) KeepTraceAbove(certificateID string, above *rules.TraceAbove) {
	store(c, func(d *decoded) *map[string]*rules.TraceAbove {
		if len(d.above) >= maxTraceAbove {
			d.size -= len(d.above)
			d.above = map[string]*rules.TraceAbove{}
		}
		return &d.above
	}, certificateID, above)
}
