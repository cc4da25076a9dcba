package main

import (
	"fmt"
	"log/slog"

	"github.com/metrotrace/metrotrace/gateway/fabric"
	"github.com/metrotrace/metrotrace/network"
)

// openFabric connects to the Fabric network a connection description (as
// written by scripts/network.sh up or scripts/org.sh) describes. Tokens map
// to the users enrolled there, including users added to the file later.
func openFabric(connPath string, log *slog.Logger) (*backend, error) {
	conn, err := network.LoadConnection(connPath)
	if err != nil {
		return nil, err
	}
	opts := fabric.DefaultOptions
	// Users enrolled after the start (scripts/org.sh enroll, network.sh
	// enroll) are added to the file; a token naming one finds it there.
	opts.Reload = func() (*network.Connection, error) { return network.LoadConnection(connPath) }
	opts.Log = log
	l, err := fabric.Open(conn, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to the Fabric network of %s: %w", connPath, err)
	}
	msps := make([]string, 0, len(conn.Orgs))
	for _, o := range conn.Orgs {
		msps = append(msps, o.MSPID)
	}
	log.Info("connected to Fabric", "channel", conn.Channel, "chaincode", conn.Chaincode, "orgs", msps)
	return &backend{ledger: l, identities: l, msps: msps,
		name: fmt.Sprintf("Fabric channel %s (chaincode %s) of %s", conn.Channel, conn.Chaincode, connPath)}, nil
}
