// Package ccserver configures a chaincode served as a service (Fabric's
// chaincode as a service): the listen address, the package id and optional
// TLS, from flags with the environment variables Fabric's samples use as
// fallbacks (CHAINCODE_SERVER_ADDRESS, CHAINCODE_ID, CHAINCODE_TLS_*).
package ccserver

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Config is where and how a chaincode service listens.
type Config struct {
	Address     string
	ID          string
	TLSCert     string
	TLSKey      string
	TLSClientCA string
}

// Bind declares the flags on fs, each defaulting to its environment variable.
func (c *Config) Bind(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.Address, "address", getenv("CHAINCODE_SERVER_ADDRESS"), "listen address of the chaincode service, e.g. 127.0.0.1:9999 (env CHAINCODE_SERVER_ADDRESS)")
	fs.StringVar(&c.ID, "id", getenv("CHAINCODE_ID"), "chaincode package id from `peer lifecycle chaincode install` (env CHAINCODE_ID)")
	fs.StringVar(&c.TLSCert, "tls-cert", getenv("CHAINCODE_TLS_CERT"), "PEM server certificate; enables TLS with --tls-key (env CHAINCODE_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", getenv("CHAINCODE_TLS_KEY"), "PEM server key (env CHAINCODE_TLS_KEY)")
	fs.StringVar(&c.TLSClientCA, "tls-client-ca", getenv("CHAINCODE_TLS_CLIENT_CA"), "PEM CA of peers' client certificates; when set, peers must present one (env CHAINCODE_TLS_CLIENT_CA)")
}

// Parse reads a configuration from a command's arguments, with the
// environment as fallback, and checks it (see Check).
func Parse(name string, args []string, getenv func(string) string, stderr io.Writer, addressRequired bool) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.Bind(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, c.Check(addressRequired)
}

// Check validates the configuration; an address is optional unless
// addressRequired, but an address always needs an id.
func (c Config) Check(addressRequired bool) error {
	switch {
	case addressRequired && (c.Address == "" || c.ID == ""):
		return errors.New("--address (CHAINCODE_SERVER_ADDRESS) and --id (CHAINCODE_ID) are required")
	case c.Address != "" && c.ID == "":
		return errors.New("--id (CHAINCODE_ID) is required with --address")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case c.TLSClientCA != "" && c.TLSCert == "":
		return errors.New("--tls-client-ca needs --tls-cert and --tls-key")
	}
	return nil
}

// TLS reports whether the service listens with TLS.
func (c Config) TLS() bool { return c.TLSCert != "" }

// Server builds the chaincode service for cc, reading the TLS files.
func (c Config) Server(cc shim.Chaincode) (*shim.ChaincodeServer, error) {
	tlsProps := shim.TLSProperties{Disabled: !c.TLS()}
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{c.TLSCert, &tlsProps.Cert}, {c.TLSKey, &tlsProps.Key}, {c.TLSClientCA, &tlsProps.ClientCACerts}} {
		if f.path == "" {
			continue
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("read TLS file: %w", err)
		}
		*f.dst = data
	}
	return &shim.ChaincodeServer{CCID: c.ID, Address: c.Address, CC: cc, TLSProps: tlsProps}, nil
}
