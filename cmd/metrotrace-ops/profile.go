package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/metrotrace/metrotrace/network"
	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdProfile runs "metrotrace-ops profile": it prints the fabric-sdk-go
// connection profile generated from connection.json.
func cmdProfile(args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	fs := newFlagSet("profile", stderr)
	c.register(fs, defaultTimeout)
	store := fs.String("store", filepath.Join(os.TempDir(), "metrotrace-ops"), "credential store directory named in the profile")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	conn, err := network.LoadConnection(c.connection)
	if err != nil {
		return 0, err
	}
	org := c.org
	if org == "" {
		org = conn.Orgs[0].MSPID
	}
	p, err := ops.Profile(conn, ops.ProfileOptions{Org: org, StoreDir: *store})
	if err != nil {
		return 0, err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", p)
	return exitOK, err
}
