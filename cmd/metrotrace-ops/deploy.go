package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/metrotrace/metrotrace/network/ops"
)

// addressPlaceholder is the chaincode server address a ccaas package
// carries by default: network/builders/ccaas/bin/release fills it in.
const addressPlaceholder = "{{address}}"

// ccaasConnection is the connection.json of a ccaas package, with the
// placeholders network/builders/ccaas/bin/release fills in.
func ccaasConnection(address string, tls bool) []byte {
	m := map[string]any{"address": address, "dial_timeout": "10s", "tls_required": tls}
	if tls {
		m["client_auth_required"] = true
		m["root_cert"] = "{{root_cert}}"
		m["client_cert"] = "{{client_cert}}"
		m["client_key"] = "{{client_key}}"
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// cmdDeploy runs "metrotrace-ops deploy": install the package on every
// peer, approve it for every organization, commit the next sequence.
func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.DeployRequest
	var pkgFile, label, address, out string
	var tls bool
	perOrg := orgFiles{}
	fs := newFlagSet("deploy", stderr)
	c.register(fs, defaultDeployTimeout)
	fs.StringVar(&pkgFile, "package", "", "chaincode package file (tar.gz with metadata.json and code.tar.gz)")
	fs.Var(perOrg, "package-for", "MSPID=FILE: that organization's own package (repeat for every org with an admin; instead of --package)")
	fs.StringVar(&label, "label", "", "build a ccaas package with this label instead of reading --package")
	fs.StringVar(&address, "address", addressPlaceholder, "with --label: the chaincode server address in connection.json")
	fs.BoolVar(&tls, "tls", false, "with --label: mutual TLS to the chaincode server (certificate placeholders)")
	fs.StringVar(&out, "out", "", "with --label: also write the package to this file")
	fs.StringVar(&req.Name, "name", "", "chaincode name (default: the connection's chaincode)")
	fs.StringVar(&req.Version, "version", "", "definition version (default: the sequence)")
	fs.Int64Var(&req.Sequence, "sequence", 0, "definition sequence; must be the committed one + 1 (default: that)")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	given := givenFlags(fs)
	switch {
	case len(pos) > 0:
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case len(perOrg) > 0 && (pkgFile != "" || label != ""):
		return 0, fmt.Errorf("%w: --package-for goes without --package and --label", errUsage)
	case len(perOrg) == 0 && (pkgFile == "") == (label == ""):
		return 0, fmt.Errorf("%w: give --package FILE, --label LABEL or --package-for MSPID=FILE per org", errUsage)
	case label == "" && (given["out"] || given["tls"] || given["address"]):
		return 0, fmt.Errorf("%w: --address, --tls and --out go with --label", errUsage)
	case req.Sequence < 0:
		return 0, fmt.Errorf("%w: --sequence must be positive", errUsage)
	}
	if label != "" {
		if req.Package, err = ops.CCaaSPackage(label, ccaasConnection(address, tls)); err != nil {
			return 0, err
		}
		if out != "" {
			if err := os.WriteFile(out, req.Package, 0o644); err != nil {
				return 0, err
			}
		}
	} else if len(perOrg) > 0 {
		req.Packages = map[string][]byte{}
		for msp, file := range perOrg {
			if req.Packages[msp], err = os.ReadFile(file); err != nil {
				return 0, err
			}
		}
	} else if req.Package, err = os.ReadFile(pkgFile); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	t0 := time.Now()
	res, err := cl.Deploy(ctx, req)
	if err != nil {
		if res != nil && !c.json {
			fmt.Fprintf(stderr, "metrotrace-ops deploy: so far: packages %v installed %v, approved by %v\n", res.PackageIDs, res.Installed, res.ApprovedBy)
		}
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, res)
	}
	peers := make([]string, 0, len(res.Installed))
	for p := range res.Installed {
		peers = append(peers, p)
	}
	sort.Strings(peers)
	orgs := make([]string, 0, len(res.PackageIDs))
	for o := range res.PackageIDs {
		orgs = append(orgs, o)
	}
	sort.Strings(orgs)
	if res.PackageID != "" {
		fmt.Fprintf(stdout, "package %s (label %s, type %s)\n", res.PackageID, res.Label, res.Type)
	} else {
		for _, o := range orgs {
			fmt.Fprintf(stdout, "package of %s: %s (label %s, type %s)\n", o, res.PackageIDs[o], res.Label, res.Type)
		}
	}
	for _, p := range peers {
		fmt.Fprintf(stdout, "  %s on %s\n", res.Installed[p], p)
	}
	fmt.Fprintf(stdout, "approved %s version %s sequence %d (committed before: %d) for %s\n", res.Name, res.Version, res.Sequence, res.PreviousSequence, strings.Join(res.ApprovedBy, ", "))
	keys := make([]string, 0, len(res.Approvals))
	for k := range res.Approvals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ap []string
	for _, k := range keys {
		ap = append(ap, fmt.Sprintf("%s=%v", k, res.Approvals[k]))
	}
	fmt.Fprintf(stdout, "committed %s sequence %d on channel %s (tx %s), endorsement policy %s, approvals %s, seen by %s, in %s\n",
		res.Name, res.Sequence, res.Channel, res.CommitTxID, res.EndorsementPolicy, strings.Join(ap, " "), strings.Join(res.Peers, ", "), time.Since(t0).Round(time.Millisecond))
	return exitOK, nil
}

// orgFiles is the value of a repeatable MSPID=FILE flag.
type orgFiles map[string]string

// String lists the pairs in MSP id order.
func (o orgFiles) String() string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + o[k]
	}
	return strings.Join(keys, ",")
}

// Set adds one MSPID=FILE; an organization named twice is an error.
func (o orgFiles) Set(v string) error {
	msp, file, ok := strings.Cut(v, "=")
	switch {
	case !ok || msp == "" || file == "":
		return fmt.Errorf("want MSPID=FILE, got %q", v)
	case o[msp] != "":
		return fmt.Errorf("%s is given twice", msp)
	}
	o[msp] = file
	return nil
}
