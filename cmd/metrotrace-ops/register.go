package main

import (
	"context"
	"fmt"
	"io"

	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdRegister runs "metrotrace-ops register": it registers an
// institution user with its organization's Fabric CA, with the ECert
// attributes the chaincode reads.
func cmdRegister(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.UserRequest
	var noCheck bool
	fs := newFlagSet("register", stderr)
	c.register(fs, defaultTimeout)
	fs.StringVar(&c.org, "msp", "", "organisation (MSP id or short name) whose CA registers the user (required)")
	fs.StringVar(&req.Institution, "institution", "", "institution id (metrotrace.institution attribute)")
	fs.StringVar(&req.Role, "role", "", "recorder, inspector or operator (metrotrace.role attribute)")
	fs.StringVar(&req.Name, "name", "", "enrollment id (default <institution lower-cased>-<role>)")
	fs.StringVar(&req.Secret, "secret", "", "enrollment secret (default: chosen by the CA, printed)")
	fs.BoolVar(&noCheck, "no-ledger-check", false, "do not check that the institution is on the ledger and belongs to the org")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if c.org == "" {
		return 0, fmt.Errorf("%w: --msp is required", errUsage)
	}
	if err := req.Validate(); err != nil {
		return 0, fmt.Errorf("%w: %v", errUsage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	org, err := cl.Connection().Org(c.org)
	if err != nil {
		return 0, err
	}
	if !noCheck {
		if err := cl.InstitutionExists(ctx, req.Institution, org.MSPID); err != nil {
			return 0, err
		}
	}
	secret, err := cl.Register(org.MSPID, req)
	if err != nil {
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, map[string]string{"name": req.Name, "secret": secret, "msp_id": org.MSPID,
			"institution": req.Institution, "role": req.Role})
	}
	fmt.Fprintf(stdout, "registered %s %s %s as %s (secret %s)\n", org.MSPID, req.Institution, req.Role, req.Name, secret)
	return exitOK, nil
}
