package index

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Reading a standard's usages on two cores at once. An impact over a
// standard feeding 100k instruments reads 300k usage entries, and one
// badger iterator spends most of that walk merging levels and decoding:
// scanUsages splits the entries into ranges and lets scanWorkers
// iterators read them ahead of the caller, who still sees every usage
// once, in key order, from one snapshot.
//
// The ranges start at the standard's split keys (u/k/), written with about
// one usage in usageSplitEvery, chosen by a hash of the certificate id so
// the choice does not depend on the order certificates arrive in. badger's
// own table boundaries (DB.Tables) would do as well, but reading them
// decodes the index of every table: at 1M instruments that faulted about
// 180 MiB of mapped table indexes into the gateway's RSS on every impact.
const (
	// usageSplitEvery is how many usages a range holds on average.
	usageSplitEvery = 2048
	// scanWorkers is how many iterators read ranges at once.
	scanWorkers = 2
	// scanMinRanges is the fewest ranges worth the workers; a standard
	// whose usages split into fewer is read by one iterator.
	scanMinRanges = 4
	// scanChunk is how many usages a worker hands over at a time, and
	// scanChunksPerRange how many of a range may wait. Memory holds at
	// most ((scanWorkers+1) × scanChunksPerRange + scanWorkers + 1) ×
	// scanChunk usages (15,360): the chunks waiting in the ranges read
	// ahead, one being filled by each worker, the one fn is passed.
	scanChunk          = 1024
	scanChunksPerRange = 4
)

// splitsUsages reports whether a certificate's usage entries start a range
// of their standard's usages: for about one certificate id in
// usageSplitEvery.
func splitsUsages(certificateID string) bool {
	h := uint32(2166136261) // FNV-1a, 32 bits
	for i := 0; i < len(certificateID); i++ {
		h ^= uint32(certificateID[i])
		h *= 16777619
	}
	return h%usageSplitEvery == 0
}

// usageScan is a source whose EachUsage reads several ranges at once
// (scanUsages); its other reads are the source's.
type usageScan struct{ source }

// EachUsage streams the usages of a standard in certificate id order, as
// source.EachUsage does, reading ahead on scanWorkers iterators.
func (s usageScan) EachUsage(standardID string, fn func(rules.Usage) error) error {
	prefix := entryPrefix(record.IndexCertificatesByReference, standardID)
	return scanUsages(s.source, rangeStarts(s.txn, standardID), prefix, standardID, fn)
}

// rangeStarts returns where the ranges of a scan over a standard's usages
// begin: the prefix of its entries, then the entry of every certificate
// of its split keys, in key order.
func rangeStarts(txn *badger.Txn, standardID string) [][]byte {
	starts := [][]byte{entryPrefix(record.IndexCertificatesByReference, standardID)}
	prefix := usageSplitsPrefix(standardID)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		starts = append(starts, entryKey(record.IndexCertificatesByReference, standardID, string(it.Item().Key()[len(prefix):])))
	}
	return starts
}

// usageChunk is up to scanChunk usages of one range, or the error that
// ended the range's reading.
type usageChunk struct {
	uses []rules.Usage
	err  error
}

// scanUsages calls fn for every usage entry under prefix, in key order.
// Range i holds the keys from starts[i] up to starts[i+1] (the last up to
// the end of prefix). With fewer than scanMinRanges ranges one iterator
// reads them in the caller's goroutine; otherwise workers take the ranges
// in order and at most scanWorkers+1 ranges are read ahead of fn. An error
// of fn or of a decoding stops the workers and is returned once they have
// closed their iterators.
func scanUsages(src source, starts [][]byte, prefix []byte, standardID string, fn func(rules.Usage) error) error {
	if len(starts) < scanMinRanges {
		return src.eachUsage(prefix, standardID, fn)
	}
	slots := make([]chan usageChunk, len(starts))
	for i := range slots {
		slots[i] = make(chan usageChunk, scanChunksPerRange)
	}
	tokens := make(chan struct{}, scanWorkers+1) // ranges taken and not yet consumed
	done := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	defer func() { close(done); wg.Wait() }()
	for w := 0; w < scanWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := src.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for {
				select {
				case tokens <- struct{}{}:
				case <-done:
					return
				}
				i := int(next.Add(1)) - 1
				if i >= len(starts) {
					<-tokens
					return
				}
				var end []byte
				if i+1 < len(starts) {
					end = starts[i+1]
				}
				if !readRange(it, starts[i], end, prefix, standardID, slots[i], done) {
					return
				}
			}
		}()
	}
	for _, slot := range slots {
		for c := range slot {
			if c.err != nil {
				return c.err
			}
			for _, u := range c.uses {
				if err := fn(u); err != nil {
					return err
				}
			}
		}
		<-tokens
	}
	return nil
}

// readRange sends the usages from start up to end (nil: the end of
// prefix) to slot in chunks and closes it; false when done closed first.
func readRange(it *badger.Iterator, start, end, prefix []byte, standardID string, slot chan<- usageChunk, done <-chan struct{}) bool {
	send := func(c usageChunk) bool {
		select {
		case slot <- c:
			return true
		case <-done:
			return false
		}
	}
	uses := make([]rules.Usage, 0, scanChunk)
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		if end != nil && bytes.Compare(it.Item().Key(), end) >= 0 {
			break
		}
		u, err := usageOf(it.Item(), standardID)
		if err != nil { // the usages before it first, as one iterator would pass them
			if len(uses) == 0 || send(usageChunk{uses: uses}) {
				send(usageChunk{err: err})
			}
			return false
		}
		if uses = append(uses, u); len(uses) == scanChunk {
			if !send(usageChunk{uses: uses}) {
				return false
			}
			uses = make([]rules.Usage, 0, scanChunk)
		}
	}
	if len(uses) > 0 && !send(usageChunk{uses: uses}) {
		return false
	}
	close(slot)
	return true
}
