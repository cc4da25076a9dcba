package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/metrotrace/metrotrace/network"
	"github.com/metrotrace/metrotrace/network/ops"
)

// common are the flags every command has.
type common struct {
	connection string
	org        string
	user       string
	json       bool
	timeout    time.Duration
}

// defaultTimeout is how long a command waits by default; deploy, which
// installs on every peer and waits for the commit, waits longer.
const (
	defaultTimeout       = time.Minute
	defaultDeployTimeout = 3 * time.Minute
)

// register defines the common flags on fs; timeout is the command's
// default for --timeout.
func (c *common) register(fs *flag.FlagSet, timeout time.Duration) {
	fs.StringVar(&c.connection, "connection", defaultConnection(), "connection description written by scripts/network.sh up")
	fs.StringVar(&c.org, "org", "", "organisation (MSP id or short name) whose identity is used (default: the first)")
	fs.StringVar(&c.user, "user", "", "enrollment id of the identity (default: the org's admin)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
	fs.DurationVar(&c.timeout, "timeout", timeout, "give up after this long")
}

// defaultConnection is $METROTRACE_NETWORK_DIR/connection.json, else
// .network/connection.json.
func defaultConnection() string {
	if d := os.Getenv("METROTRACE_NETWORK_DIR"); d != "" {
		return filepath.Join(d, network.DefaultConnectionFile)
	}
	return filepath.Join(".network", network.DefaultConnectionFile)
}

// open connects to the network as the identity the common flags name.
func open(c *common) (*ops.Client, error) {
	conn, err := network.LoadConnection(c.connection)
	if err != nil {
		return nil, err
	}
	return ops.Open(conn, ops.Options{Org: c.org, User: c.user})
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
