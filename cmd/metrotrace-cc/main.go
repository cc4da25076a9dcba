// Command metrotrace-cc runs the metrotrace chaincode.
//
// With a server address (--address or CHAINCODE_SERVER_ADDRESS) it runs as
// a chaincode service (Fabric's "chaincode as a service"): it listens, and
// the peer connects to it using the connection.json of the ccaas package.
// --id (CHAINCODE_ID) must be the package id printed by
// `peer lifecycle chaincode install`. TLS is on when --tls-cert and
// --tls-key are given; --tls-client-ca makes it verify the peer.
//
// Without an address it runs in the classic mode, started by a peer that
// passes CORE_CHAINCODE_ID_NAME and CORE_PEER_ADDRESS in the environment.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/metrotrace/metrotrace/chaincode/ccserver"
	"github.com/metrotrace/metrotrace/chaincode/contract"
)

// config is what the command reads from flags and the environment.
type config = ccserver.Config

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	return ccserver.Parse("metrotrace-cc", args, getenv, stderr, false)
}

func run(args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	cc, err := contract.New()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if c.Address == "" {
		log.Info("starting chaincode in peer-launched mode")
		return cc.Start()
	}
	srv, err := c.Server(cc)
	if err != nil {
		return err
	}
	log.Info("starting chaincode service", "address", c.Address, "id", c.ID, "tls", c.TLS())
	return srv.Start()
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "metrotrace-cc:", err)
		os.Exit(2)
	}
}
