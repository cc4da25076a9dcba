package main

import (
	"fmt"
	"log/slog"

	"github.com/metrotrace/metrotrace/gateway/fabric"
	"github.com/metrotrace/metrotrace/network"
)

// openFabric connects to the Fabric network a connection description (as
// written by scripts/network.sh up) describes. Tokens map to the users
// enrolled there.
func openFabric(connPath string, log *slog.Logger) (*backend, error) {
	conn, err := network.LoadConnection(connPath)
	if err != nil {
		return nil, err
	}
	l, err := fabric.Open(conn, fabric.DefaultOptions)
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
