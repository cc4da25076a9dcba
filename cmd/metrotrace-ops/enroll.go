package main

import (
	"fmt"
	"io"
	"path/filepath"
)

// cmdEnroll runs "metrotrace-ops enroll": it enrolls a registered user
// into an MSP directory.
func cmdEnroll(args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var name, secret, out string
	fs := newFlagSet("enroll", stderr)
	c.register(fs, defaultTimeout)
	fs.StringVar(&c.org, "msp", "", "organisation (MSP id or short name) of the user's CA (required)")
	fs.StringVar(&name, "name", "", "enrollment id (required)")
	fs.StringVar(&secret, "secret", "", "enrollment secret (required)")
	fs.StringVar(&out, "out", "", "MSP directory to create (default <network dir>/orgs/<org>/users/<name>/msp)")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	switch {
	case len(pos) > 0:
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case c.org == "" || name == "" || secret == "":
		return 0, fmt.Errorf("%w: --msp, --name and --secret are required", errUsage)
	}
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	org, err := cl.Connection().Org(c.org)
	if err != nil {
		return 0, err
	}
	if out == "" {
		out = filepath.Join(filepath.Dir(c.connection), "orgs", org.Name, "users", name, "msp")
	}
	u, err := cl.Enroll(org.MSPID, name, secret, out)
	if err != nil {
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, u)
	}
	fmt.Fprintf(stdout, "enrolled %s %s %s as %s: %s\n", u.MSPID, u.Institution, u.Role, u.Name, u.MSPDir)
	return exitOK, nil
}
