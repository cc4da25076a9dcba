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
//
// --pprof ADDR (METROTRACE_CC_PPROF) also serves Go's profiles
// (net/http/pprof, /debug/pprof/) on ADDR, which must be a loopback IP
// address, so the chaincode can be profiled under load:
//
//	go tool pprof http://127.0.0.1:PORT/debug/pprof/profile?seconds=20
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/metrotrace/metrotrace/chaincode/ccserver"
	"github.com/metrotrace/metrotrace/chaincode/contract"
)

// config is what the command reads from flags and the environment: the
// chaincode service's settings and the profile listener's address.
type config struct {
	ccserver.Config
	Pprof string
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("metrotrace-cc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.Bind(fs, getenv)
	fs.StringVar(&c.Pprof, "pprof", getenv("METROTRACE_CC_PPROF"), "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060 (env METROTRACE_CC_PPROF)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, c.Check(false)
}

func run(args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	var pl net.Listener
	if c.Pprof != "" {
		if pl, err = loopbackListener(c.Pprof); err != nil {
			return err
		}
		defer pl.Close()
	}
	cc, err := contract.New()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if pl != nil {
		log.Info("serving profiles", "address", pl.Addr().String())
		go func() { _ = servePprof(pl) }()
	}
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
