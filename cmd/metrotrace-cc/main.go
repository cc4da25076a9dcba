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

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/metrotrace/metrotrace/chaincode/contract"
)

// config is what the command reads from flags and the environment.
type config struct {
	address     string
	id          string
	tlsCert     string
	tlsKey      string
	tlsClientCA string
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("metrotrace-cc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.address, "address", getenv("CHAINCODE_SERVER_ADDRESS"), "listen address of the chaincode service, e.g. 127.0.0.1:9999 (env CHAINCODE_SERVER_ADDRESS); empty: peer-launched mode")
	fs.StringVar(&c.id, "id", getenv("CHAINCODE_ID"), "chaincode package id from `peer lifecycle chaincode install` (env CHAINCODE_ID)")
	fs.StringVar(&c.tlsCert, "tls-cert", getenv("CHAINCODE_TLS_CERT"), "PEM server certificate; enables TLS with --tls-key (env CHAINCODE_TLS_CERT)")
	fs.StringVar(&c.tlsKey, "tls-key", getenv("CHAINCODE_TLS_KEY"), "PEM server key (env CHAINCODE_TLS_KEY)")
	fs.StringVar(&c.tlsClientCA, "tls-client-ca", getenv("CHAINCODE_TLS_CLIENT_CA"), "PEM CA of peers' client certificates; when set, peers must present one (env CHAINCODE_TLS_CLIENT_CA)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.address != "" && c.id == "" {
		return config{}, errors.New("--id (CHAINCODE_ID) is required with --address")
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return config{}, errors.New("--tls-cert and --tls-key go together")
	}
	if c.tlsClientCA != "" && c.tlsCert == "" {
		return config{}, errors.New("--tls-client-ca needs --tls-cert and --tls-key")
	}
	return c, nil
}

// server builds the chaincode service for the configuration.
func (c config) server(cc shim.Chaincode) (*shim.ChaincodeServer, error) {
	tlsProps := shim.TLSProperties{Disabled: c.tlsCert == ""}
	files := []struct {
		path string
		dst  *[]byte
	}{{c.tlsCert, &tlsProps.Cert}, {c.tlsKey, &tlsProps.Key}, {c.tlsClientCA, &tlsProps.ClientCACerts}}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("read TLS file: %w", err)
		}
		*f.dst = data
	}
	return &shim.ChaincodeServer{CCID: c.id, Address: c.address, CC: cc, TLSProps: tlsProps}, nil
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
	if c.address == "" {
		log.Info("starting chaincode in peer-launched mode")
		return cc.Start()
	}
	srv, err := c.server(cc)
	if err != nil {
		return err
	}
	log.Info("starting chaincode service", "address", c.address, "id", c.id, "tls", c.tlsCert != "")
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
