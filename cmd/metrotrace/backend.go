package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Files and directories under a data directory.
const (
	ledgerDirName  = "ledger" // embedded.Open(dataDir) keeps state here
	indexDirName   = "index"
	blobDirName    = "blobs"    // DCC files, by SHA-256
	webhookDirName = "webhooks" // subscriptions and pending deliveries
	secretFileName = "token-secret"
	demoFileName   = "demo.json"
)

// DefaultDataDir is where serve, token, seed and index keep their data.
const DefaultDataDir = "./metrotrace-data"

// demoMSPs are the organizations of the embedded ledger's consortium.
var demoMSPs = embedded.Organizations

// backend is the ledger a command works on and the identities it acts as.
type backend struct {
	ledger     ledger.Ledger
	identities auth.Identities
	// embedded is the embedded ledger, nil on Fabric.
	embedded *embedded.Ledger
	// msps are the organizations operator tokens can be made for.
	msps []string
	// name describes the backend in messages.
	name string
}

// openBackend opens the Fabric network described by fabricConn when it is
// set, else the embedded ledger under dataDir.
func openBackend(dataDir, fabricConn string, log *slog.Logger) (*backend, error) {
	if fabricConn != "" {
		return openFabric(fabricConn, log)
	}
	return openEmbedded(dataDir)
}

func openEmbedded(dataDir string) (*backend, error) {
	if dataDir == "" {
		return nil, usageErrorf("--data-dir must not be empty")
	}
	l, err := embedded.Open(dataDir)
	if err != nil {
		return nil, fmt.Errorf("open the embedded ledger in %s: %w", filepath.Join(dataDir, ledgerDirName), inUse(err))
	}
	return &backend{ledger: l, identities: l.Wallet(), embedded: l, msps: demoMSPs,
		name: "embedded ledger in " + filepath.Join(dataDir, ledgerDirName)}, nil
}

// errInUse says a data directory is locked by another process.
var errInUse = errors.New("the data directory is in use by another metrotrace process (stop the server using it first)")

// inUse turns badger's directory-lock error into errInUse.
func inUse(err error) error {
	if err != nil && strings.Contains(err.Error(), "directory lock") {
		return fmt.Errorf("%w: %v", errInUse, err)
	}
	return err
}

// readerIdentity is the identity the public POST /verify reads the ledger
// as: an enrolled inspector of the first organization that has one on
// Fabric; on the embedded ledger, whose local CAs issue any identity, the
// first organization's operator (verify only reads with it).
func (b *backend) readerIdentity() (*identity.Identity, error) {
	if len(b.msps) == 0 {
		return nil, errors.New("no organization")
	}
	if b.embedded != nil {
		return b.identities.Identity(b.msps[0], auth.RoleOperator, "")
	}
	var errs []error
	for _, msp := range b.msps {
		id, err := b.identities.Identity(msp, auth.RoleInspector, "")
		if err == nil {
			return id, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// Close closes the ledger.
func (b *backend) Close() error { return b.ledger.Close() }

// openIndex opens the read model under dataDir.
func openIndex(dataDir string, log *slog.Logger) (*index.Index, error) {
	dir := filepath.Join(dataDir, indexDirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	x, err := index.Open(dir, log)
	if err != nil {
		return nil, inUse(err)
	}
	return x, nil
}

// checkIndexBelongs resets the index when it cannot be the read model of
// this ledger: it is ahead of the ledger, or (embedded) the transaction of
// its checkpoint is not the ledger's. That happens when a ledger directory
// is replaced under an old index; following from block 0 rebuilds it.
func checkIndexBelongs(ctx context.Context, b *backend, x *index.Index, log *slog.Logger) error {
	h, err := b.ledger.Height(ctx)
	if err != nil {
		return fmt.Errorf("ledger height: %w", err)
	}
	reason := ""
	if x.Height() > h {
		reason = fmt.Sprintf("the index is at block %d but the ledger has only %d blocks", x.Height(), h)
	} else if b.embedded != nil {
		cp := x.Checkpoint()
		for _, txID := range cp.TxIDs {
			e, err := b.embedded.Store().Transaction(txID)
			if err != nil || e == nil || e.Number != cp.Block {
				reason = fmt.Sprintf("transaction %s of the index checkpoint is not in block %d of the ledger", txID, cp.Block)
				break
			}
		}
	}
	if reason == "" {
		return nil
	}
	log.Warn("index does not match the ledger; rebuilding it from block 0", "reason", reason)
	return x.Reset()
}
