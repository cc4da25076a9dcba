package ops

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/resmgmt"
	lcpackager "github.com/hyperledger/fabric-sdk-go/pkg/fab/ccpackager/lifecycle"
	"github.com/hyperledger/fabric-sdk-go/pkg/fabsdk"

	"github.com/metrotrace/metrotrace/network"
)

// DeployRequest describes a chaincode package to deploy.
type DeployRequest struct {
	// Package is a chaincode package (tar.gz with metadata.json and
	// code.tar.gz), e.g. a ccaas package written by scripts/network.sh or
	// CCaaSPackage.
	Package []byte
	// Packages, instead of Package, gives each organization (by MSP id) a
	// package of its own, e.g. a ccaas package naming that organization's
	// chaincode server literally. Package ids are per organization in the
	// Fabric lifecycle; the approved definition is the same. Every
	// organization whose admin is in the connection description needs one.
	Packages map[string][]byte
	// Name of the chaincode (default: the connection's chaincode).
	Name string
	// Version of the definition (default: the sequence, as
	// scripts/network.sh does).
	Version string
	// Sequence of the new definition: 0 means one more than the committed
	// one (1 on first deploy); otherwise it must be exactly that.
	Sequence int64
}

// DeployResult is what Deploy did.
type DeployResult struct {
	Channel string `json:"channel"`
	Name    string `json:"name"`
	Label   string `json:"label"`
	Type    string `json:"type"`
	// PackageID is the package's id when one Package was deployed (empty
	// with per-organization Packages); PackageIDs is each organization's
	// (by MSP id).
	PackageID  string            `json:"package_id"`
	PackageIDs map[string]string `json:"package_ids"`
	Version    string            `json:"version"`
	// PreviousSequence is the committed sequence before (0: none).
	PreviousSequence int64 `json:"previous_sequence"`
	Sequence         int64 `json:"sequence"`
	// Installed maps each peer to "installed" or "already installed".
	Installed map[string]string `json:"installed"`
	// ApprovedBy lists the orgs this run approved for (with their admin).
	ApprovedBy []string `json:"approved_by"`
	// CommitTxID is the commit transaction; Approvals the committed
	// definition's approvals; Peers the peers that show it.
	CommitTxID        string          `json:"commit_tx_id"`
	Approvals         map[string]bool `json:"approvals"`
	EndorsementPolicy string          `json:"endorsement_policy"`
	Peers             []string        `json:"peers"`
}

// PackageMetadata is a chaincode package's metadata.json.
type PackageMetadata struct {
	Type  string `json:"type"`
	Label string `json:"label"`
	Path  string `json:"path,omitempty"`
}

// ReadPackageMetadata reads metadata.json from a chaincode package.
func ReadPackageMetadata(pkg []byte) (*PackageMetadata, error) {
	zr, err := gzip.NewReader(bytes.NewReader(pkg))
	if err != nil {
		return nil, fmt.Errorf("chaincode package: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, errors.New("chaincode package has no metadata.json")
		}
		if err != nil {
			return nil, fmt.Errorf("chaincode package: %w", err)
		}
		if strings.TrimPrefix(h.Name, "./") != "metadata.json" {
			continue
		}
		var md PackageMetadata
		if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&md); err != nil {
			return nil, fmt.Errorf("chaincode package metadata.json: %w", err)
		}
		if md.Label == "" || md.Type == "" {
			return nil, errors.New("chaincode package metadata.json lacks type or label")
		}
		return &md, nil
	}
}

// CCaaSPackage builds a chaincode-as-a-service package (metadata.json type
// ccaas, code.tar.gz holding connection.json) with the given label and
// connection.json content, in the layout scripts/network.sh writes.
func CCaaSPackage(label string, connectionJSON []byte) ([]byte, error) {
	if label == "" {
		return nil, errors.New("ccaas package: no label")
	}
	var code bytes.Buffer
	if err := writeTarGz(&code, map[string][]byte{"connection.json": connectionJSON}); err != nil {
		return nil, err
	}
	md, err := json.Marshal(PackageMetadata{Type: "ccaas", Label: label})
	if err != nil {
		return nil, err
	}
	var pkg bytes.Buffer
	if err := writeTarGz(&pkg, map[string][]byte{"metadata.json": md, "code.tar.gz": code.Bytes()}); err != nil {
		return nil, err
	}
	return pkg.Bytes(), nil
}

func writeTarGz(w io.Writer, files map[string][]byte) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// adminResmgmt is a resource management client acting as org's admin.
func (c *Client) adminResmgmt(o *network.Org) (*resmgmt.Client, error) {
	id, err := c.adminSigner(o)
	if err != nil {
		return nil, err
	}
	rc, err := resmgmt.New(c.sdk.Context(fabsdk.WithIdentity(id)))
	if err != nil {
		return nil, fmt.Errorf("ops: resource management client as admin of %s: %w", o.MSPID, err)
	}
	return rc, nil
}

// retryOp runs f up to n times, 1 s apart, while ctx lives.
func retryOp(ctx context.Context, n int, f func() error) error {
	var err error
	for i := 1; i <= n; i++ {
		if err = f(); err == nil || i == n {
			break
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
	return err
}

// committedDefinition reads the committed definition of name through the
// first peer that answers; found is false when it is not defined.
func committedDefinition(ctx context.Context, rc *resmgmt.Client, channel, name string, peers []string) (def resmgmt.LifecycleChaincodeDefinition, found bool, err error) {
	var errs []string
	for _, p := range peers {
		defs, err := rc.LifecycleQueryCommittedCC(channel, resmgmt.LifecycleQueryCommittedCCRequest{Name: name},
			resmgmt.WithTargetEndpoints(p), resmgmt.WithParentContext(ctx))
		if err != nil {
			if strings.Contains(err.Error(), "is not defined") {
				return def, false, nil
			}
			errs = append(errs, p+": "+firstLine(err.Error()))
			continue
		}
		for _, d := range defs {
			if d.Name == name {
				return d, true, nil
			}
		}
		return def, false, nil
	}
	return def, false, fmt.Errorf("ops: cannot read the committed definition of %s: %s", name, strings.Join(errs, "; "))
}

// Deploy runs the chaincode lifecycle through the sdk: it installs the
// package (or the org's own of req.Packages) on every org's peer (as that org's admin; a package already
// installed is kept), reads the committed definition and approves the next
// sequence (or req.Sequence) for every org whose admin identity is in the
// connection description (endorsement policy, collections, plugins and
// init flag carried over from the committed definition; default policy on
// first deploy), waits until those approvals are visible, commits the
// definition with every peer endorsing and waits until every peer shows it.
// Chaincode servers (ccaas) are not started here.
func (c *Client) Deploy(ctx context.Context, req DeployRequest) (*DeployResult, error) {
	if (req.Package == nil) == (req.Packages == nil) {
		return nil, errors.New("ops: deploy: give one package for every organization or one per organization, not both or neither")
	}
	res := &DeployResult{Channel: c.conn.Channel, Name: req.Name, PackageIDs: map[string]string{},
		Installed: map[string]string{}, ApprovedBy: []string{}, Peers: []string{}}
	if res.Name == "" {
		res.Name = c.conn.Chaincode
	}
	if res.Name == "" {
		return nil, errors.New("ops: deploy: no chaincode name")
	}
	var admins []*network.Org
	var allPeers []string
	rcs := map[string]*resmgmt.Client{}
	for i := range c.conn.Orgs {
		o := &c.conn.Orgs[i]
		allPeers = append(allPeers, PeerName(o))
		if o.Admin == nil {
			continue
		}
		rc, err := c.adminResmgmt(o)
		if err != nil {
			return nil, err
		}
		rcs[o.MSPID] = rc
		admins = append(admins, o)
	}
	if len(admins) == 0 {
		return nil, errors.New("ops: deploy: no org admin identity in the connection description")
	}
	pkgs, err := orgPackages(req, admins)
	if err != nil {
		return nil, err
	}
	for msp, p := range pkgs {
		res.PackageIDs[msp] = p.id
	}
	first := pkgs[admins[0].MSPID]
	res.Label, res.Type = first.md.Label, first.md.Type
	if req.Package != nil {
		res.PackageID = first.id
	}
	// The committing org: the client's own if its admin is known.
	committer := admins[0]
	if _, ok := rcs[c.org.MSPID]; ok {
		committer = c.org
	}
	crc := rcs[committer.MSPID]

	// Install on every peer, as the peer's org admin.
	for _, o := range admins {
		peer := PeerName(o)
		rc, pkg := rcs[o.MSPID], pkgs[o.MSPID]
		installed, err := rc.LifecycleQueryInstalledCC(resmgmt.WithTargetEndpoints(peer), resmgmt.WithParentContext(ctx))
		if err != nil {
			return res, fmt.Errorf("ops: query installed chaincodes on %s: %s", peer, firstLine(err.Error()))
		}
		already := false
		for _, ic := range installed {
			already = already || ic.PackageID == pkg.id
		}
		if already {
			res.Installed[peer] = "already installed"
			continue
		}
		err = retryOp(ctx, 3, func() error {
			_, err := rc.LifecycleInstallCC(resmgmt.LifecycleInstallCCRequest{Label: pkg.md.Label, Package: pkg.data},
				resmgmt.WithTargetEndpoints(peer), resmgmt.WithParentContext(ctx))
			if err != nil && strings.Contains(err.Error(), "already successfully installed") {
				return nil
			}
			return err
		})
		if err != nil {
			return res, fmt.Errorf("ops: install %s on %s: %s", pkg.md.Label, peer, firstLine(err.Error()))
		}
		res.Installed[peer] = "installed"
	}

	// The next definition, based on the committed one.
	prev, found, err := committedDefinition(ctx, crc, c.conn.Channel, res.Name, append([]string{PeerName(committer)}, allPeers...))
	if err != nil {
		return res, err
	}
	if found {
		res.PreviousSequence = prev.Sequence
	}
	res.Sequence = res.PreviousSequence + 1
	if req.Sequence != 0 && req.Sequence != res.Sequence {
		return res, fmt.Errorf("ops: deploy: sequence %d requested, but %d is committed: the next is %d", req.Sequence, res.PreviousSequence, res.Sequence)
	}
	res.Version = req.Version
	if res.Version == "" {
		res.Version = strconv.FormatInt(res.Sequence, 10)
	}
	approve := resmgmt.LifecycleApproveCCRequest{Name: res.Name, Version: res.Version, Sequence: res.Sequence}
	if found {
		approve.EndorsementPlugin, approve.ValidationPlugin = prev.EndorsementPlugin, prev.ValidationPlugin
		approve.SignaturePolicy, approve.ChannelConfigPolicy = prev.SignaturePolicy, prev.ChannelConfigPolicy
		approve.CollectionConfig, approve.InitRequired = prev.CollectionConfig, prev.InitRequired
	}
	for _, o := range admins {
		rc, peer := rcs[o.MSPID], PeerName(o)
		mine := approve
		mine.PackageID = pkgs[o.MSPID].id
		err := retryOp(ctx, 5, func() error {
			_, err := rc.LifecycleApproveCC(c.conn.Channel, mine, resmgmt.WithTargetEndpoints(peer), resmgmt.WithParentContext(ctx))
			if err != nil && strings.Contains(err.Error(), "unchanged content") {
				return nil // approved by an earlier, interrupted run
			}
			return err
		})
		if err != nil {
			return res, fmt.Errorf("ops: approve %s sequence %d for %s: %s", res.Name, res.Sequence, o.MSPID, firstLine(err.Error()))
		}
		res.ApprovedBy = append(res.ApprovedBy, o.MSPID)
	}

	// Wait until the committing peer sees every approval made here.
	readiness := resmgmt.LifecycleCheckCCCommitReadinessRequest{Name: approve.Name, Version: approve.Version, Sequence: approve.Sequence,
		EndorsementPlugin: approve.EndorsementPlugin, ValidationPlugin: approve.ValidationPlugin, SignaturePolicy: approve.SignaturePolicy,
		ChannelConfigPolicy: approve.ChannelConfigPolicy, CollectionConfig: approve.CollectionConfig, InitRequired: approve.InitRequired}
	var approvals map[string]bool
	err = retryOp(ctx, 15, func() error {
		r, err := crc.LifecycleCheckCCCommitReadiness(c.conn.Channel, readiness, resmgmt.WithTargetEndpoints(PeerName(committer)), resmgmt.WithParentContext(ctx))
		if err != nil {
			return err
		}
		approvals = r.Approvals
		for _, o := range admins {
			if !r.Approvals[o.MSPID] {
				return fmt.Errorf("%s's approval not visible yet (%v)", o.MSPID, r.Approvals)
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("ops: commit readiness of %s sequence %d: %s", res.Name, res.Sequence, firstLine(err.Error()))
	}
	res.Approvals = approvals

	// Commit, endorsed by every peer.
	commit := resmgmt.LifecycleCommitCCRequest{Name: approve.Name, Version: approve.Version, Sequence: approve.Sequence,
		EndorsementPlugin: approve.EndorsementPlugin, ValidationPlugin: approve.ValidationPlugin, SignaturePolicy: approve.SignaturePolicy,
		ChannelConfigPolicy: approve.ChannelConfigPolicy, CollectionConfig: approve.CollectionConfig, InitRequired: approve.InitRequired}
	err = retryOp(ctx, 5, func() error {
		tx, err := crc.LifecycleCommitCC(c.conn.Channel, commit, resmgmt.WithTargetEndpoints(allPeers...), resmgmt.WithParentContext(ctx))
		if err != nil {
			// An earlier attempt may have been committed after all.
			if d, ok, qerr := committedDefinition(ctx, crc, c.conn.Channel, res.Name, []string{PeerName(committer)}); qerr == nil && ok && d.Sequence == res.Sequence {
				return nil
			}
			return err
		}
		res.CommitTxID = string(tx)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("ops: commit %s sequence %d: %s", res.Name, res.Sequence, firstLine(err.Error()))
	}

	// Every peer must show the new definition.
	for _, p := range allPeers {
		err := retryOp(ctx, 15, func() error {
			d, ok, err := committedDefinition(ctx, crc, c.conn.Channel, res.Name, []string{p})
			switch {
			case err != nil:
				return err
			case !ok || d.Sequence < res.Sequence:
				return fmt.Errorf("%s does not show sequence %d yet", p, res.Sequence)
			}
			res.Approvals = d.Approvals
			res.EndorsementPolicy = d.ChannelConfigPolicy
			if res.EndorsementPolicy == "" && d.SignaturePolicy != nil {
				res.EndorsementPolicy = SignaturePolicyString(d.SignaturePolicy)
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("ops: committed %s sequence %d, but: %s", res.Name, res.Sequence, firstLine(err.Error()))
		}
		res.Peers = append(res.Peers, p)
	}
	return res, nil
}

// orgPackage is the package one organization installs and approves.
type orgPackage struct {
	data []byte
	md   *PackageMetadata
	id   string
}

// orgPackages reads the request's package(s): each admin's organization
// gets one, and per-organization packages must name known organizations
// and agree on their type.
func orgPackages(req DeployRequest, admins []*network.Org) (map[string]orgPackage, error) {
	read := func(data []byte) (orgPackage, error) {
		md, err := ReadPackageMetadata(data)
		if err != nil {
			return orgPackage{}, err
		}
		return orgPackage{data: data, md: md, id: lcpackager.ComputePackageID(md.Label, data)}, nil
	}
	out := map[string]orgPackage{}
	if req.Package != nil {
		p, err := read(req.Package)
		if err != nil {
			return nil, fmt.Errorf("ops: %w", err)
		}
		for _, o := range admins {
			out[o.MSPID] = p
		}
		return out, nil
	}
	known := map[string]bool{}
	for _, o := range admins {
		known[o.MSPID] = true
		data, ok := req.Packages[o.MSPID]
		if !ok {
			return nil, fmt.Errorf("ops: deploy: no package for %s (its admin is in the connection description)", o.MSPID)
		}
		p, err := read(data)
		if err != nil {
			return nil, fmt.Errorf("ops: package of %s: %w", o.MSPID, err)
		}
		if first, ok := out[admins[0].MSPID]; ok && first.md.Type != p.md.Type {
			return nil, fmt.Errorf("ops: deploy: the package of %s is of type %s, that of %s of type %s", o.MSPID, p.md.Type, admins[0].MSPID, first.md.Type)
		}
		out[o.MSPID] = p
	}
	for msp := range req.Packages {
		if !known[msp] {
			return nil, fmt.Errorf("ops: deploy: a package for %s, which is no organization with an admin in the connection description", msp)
		}
	}
	return out, nil
}
