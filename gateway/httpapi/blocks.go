package httpapi

import (
	"context"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// blockFinder is an index that knows the block of each transaction it
// applied ([index.Index.BlockOf]); the history of a record on the ledger
// has no block numbers, on Fabric as on the embedded ledger.
type blockFinder interface {
	BlockOf(ctx context.Context, txID string) (uint64, bool, error)
}

// withBlocks fills each version's BlockNumber from the gateway's index,
// when it has one that knows the transaction: the same on both backends,
// as the index numbers blocks as the ledger's events do.
func (s *Server) withBlocks(ctx context.Context, versions []record.Version) error {
	finder, ok := s.cfg.Index.(blockFinder)
	if !ok {
		return nil
	}
	for i := range versions {
		n, found, err := finder.BlockOf(ctx, versions[i].TxID)
		if err != nil {
			return err
		}
		if found {
			versions[i].BlockNumber = &n
		}
	}
	return nil
}
