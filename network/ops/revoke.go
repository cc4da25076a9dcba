package ops

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // the sdk's protos are APIv1 messages
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/ledger"
	mspclient "github.com/hyperledger/fabric-sdk-go/pkg/client/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/resmgmt"
	mspapi "github.com/hyperledger/fabric-sdk-go/pkg/common/providers/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/fab/resource"

	"github.com/metrotrace/metrotrace/network"
)

// RevokeRequest names the user to revoke.
type RevokeRequest struct {
	// Org is the MSP id or short name of the user's organisation.
	Org string
	// Name is the user's enrollment id at the org's Fabric CA.
	Name string
	// Reason is an RFC 5280 reason as Fabric CA spells it (unspecified,
	// keycompromise, affiliationchanged, superseded, cessationofoperation,
	// certificatehold, removefromcrl, privilegewithdrawn, aacompromise);
	// default unspecified.
	Reason string
}

// RevokedCert is one certificate the CA revoked.
type RevokedCert struct {
	Serial string `json:"serial"`
	AKI    string `json:"aki"`
}

// CRLUpdate tells how an org's revocation list got into the channel
// configuration.
type CRLUpdate struct {
	Channel string `json:"channel"`
	MSPID   string `json:"msp_id"`
	// CRLEntries is the number of certificates on the new CRL; CRLNumber
	// and CRLThisUpdate identify it.
	CRLEntries    int       `json:"crl_entries"`
	CRLNumber     string    `json:"crl_number,omitempty"`
	CRLThisUpdate time.Time `json:"crl_this_update"`
	// ConfigSequence is the channel configuration's sequence before the
	// update; NewConfigSequence after it (as the peers report it).
	ConfigSequence    uint64 `json:"config_sequence"`
	NewConfigSequence uint64 `json:"new_config_sequence"`
	// ConfigBlock is the number of the config block holding the update.
	ConfigBlock uint64 `json:"config_block"`
	// Signers are the org admins ("<name>@<MSP>") who signed the update.
	Signers []string `json:"signers"`
	// TxID is the config transaction's id.
	TxID string `json:"tx_id"`
	// Unchanged is true when the channel already carried exactly this CRL
	// (nothing was submitted).
	Unchanged bool `json:"unchanged,omitempty"`
	// Peers lists the peers seen with the new configuration.
	Peers []string `json:"peers"`
}

// RevokeResult is what Revoke did.
type RevokeResult struct {
	Name         string        `json:"name"`
	MSPID        string        `json:"msp_id"`
	CA           string        `json:"ca"`
	RevokedCerts []RevokedCert `json:"revoked_certs"`
	Update       *CRLUpdate    `json:"config_update"`
}

// Revoke revokes every certificate of a user at its org's Fabric CA (through
// the CA's registrar), has the CA generate its new CRL, and puts that CRL
// into the org's MSP in the channel configuration (UpdateCRL), so the peers
// and orderers refuse the user's identity from then on.
func (c *Client) Revoke(ctx context.Context, req RevokeRequest) (*RevokeResult, error) {
	org, err := c.conn.Org(req.Org)
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	if !idPattern.MatchString(req.Name) {
		return nil, fmt.Errorf("ops: revoke: user name %q does not match %s", req.Name, idPattern)
	}
	if reservedNames[req.Name] || (org.Name != "" && req.Name == org.Name+"admin") {
		return nil, fmt.Errorf("ops: revoke: %q is a node or admin identity of %s, not an institution user", req.Name, org.MSPID)
	}
	mc, err := c.mspClient(org)
	if err != nil {
		return nil, err
	}
	resp, err := mc.Revoke(&mspclient.RevocationRequest{Name: req.Name, Reason: req.Reason, GenCRL: true})
	if err != nil {
		return nil, fmt.Errorf("ops: revoke %s at %s: %s", req.Name, org.CA.Name, firstLine(err.Error()))
	}
	res := &RevokeResult{Name: req.Name, MSPID: org.MSPID, CA: org.CA.Name, RevokedCerts: []RevokedCert{}}
	for _, rc := range resp.RevokedCerts {
		res.RevokedCerts = append(res.RevokedCerts, RevokedCert{Serial: rc.Serial, AKI: rc.AKI})
	}
	if len(resp.CRL) == 0 {
		return res, fmt.Errorf("ops: revoke %s: %s returned no CRL", req.Name, org.CA.Name)
	}
	res.Update, err = c.UpdateCRL(ctx, org.MSPID, resp.CRL)
	if err != nil {
		return res, fmt.Errorf("ops: %s is revoked at %s, but the channel does not know yet: %w", req.Name, org.CA.Name, err)
	}
	return res, nil
}

// parseCRL checks that crlPEM is one PEM-encoded X.509 CRL.
func parseCRL(crlPEM []byte) (*x509.RevocationList, error) {
	blk, rest := pem.Decode(crlPEM)
	if blk == nil || blk.Type != "X509 CRL" || len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("not one PEM-encoded X509 CRL")
	}
	return x509.ParseRevocationList(blk.Bytes)
}

// adminSigner is the signing identity of org's admin (from
// connection.json) in this sdk session.
func (c *Client) adminSigner(o *network.Org) (mspapi.SigningIdentity, error) {
	if o.Admin == nil {
		return nil, fmt.Errorf("ops: no admin identity of %s in the connection description", o.MSPID)
	}
	cert, key, err := o.Admin.ReadCredentials()
	if err != nil {
		return nil, fmt.Errorf("ops: admin of %s: %w", o.MSPID, err)
	}
	ctx, err := c.sdk.Context()()
	if err != nil {
		return nil, fmt.Errorf("ops: sdk context: %w", err)
	}
	im, ok := ctx.IdentityManager(orgKey(o))
	if !ok {
		return nil, fmt.Errorf("ops: no identity manager for %s", o.MSPID)
	}
	id, err := im.CreateSigningIdentity(mspapi.WithCert(cert), mspapi.WithPrivateKey(key))
	if err != nil {
		return nil, fmt.Errorf("ops: admin %s of %s: %w", o.Admin.Name, o.MSPID, err)
	}
	return id, nil
}

// majoritySigners picks the admins of a majority of the channel's
// application orgs, first's own admin first (its org's Admins policy is the
// mod_policy of its MSP value).
func (c *Client) majoritySigners(first *network.Org) ([]mspapi.SigningIdentity, []string, error) {
	need := len(c.conn.Orgs)/2 + 1
	order := []*network.Org{first}
	for i := range c.conn.Orgs {
		if o := &c.conn.Orgs[i]; o.MSPID != first.MSPID {
			order = append(order, o)
		}
	}
	var ids []mspapi.SigningIdentity
	var names []string
	var errs []error
	for _, o := range order {
		if len(ids) == need {
			break
		}
		id, err := c.adminSigner(o)
		if err != nil {
			if o == first {
				return nil, nil, err
			}
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id)
		names = append(names, o.Admin.Name+"@"+o.MSPID)
	}
	if len(ids) < need {
		return nil, nil, fmt.Errorf("ops: %d org admin(s) available, a majority of %d orgs needs %d: %w", len(ids), len(c.conn.Orgs), need, errors.Join(errs...))
	}
	return ids, names, nil
}

// orgGroup finds the application org group whose MSP has id mspID.
func orgGroup(cfg *common.Config, mspID string) (*common.ConfigGroup, *msp.FabricMSPConfig, error) {
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	if app == nil {
		return nil, nil, errors.New("the channel configuration has no Application group")
	}
	keys := make([]string, 0, len(app.Groups))
	for k := range app.Groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := app.Groups[k]
		v := g.GetValues()["MSP"]
		if v == nil {
			continue
		}
		mc := &msp.MSPConfig{}
		if err := proto.Unmarshal(v.Value, mc); err != nil {
			return nil, nil, fmt.Errorf("MSP of org group %s: %w", k, err)
		}
		fc := &msp.FabricMSPConfig{}
		if err := proto.Unmarshal(mc.Config, fc); err != nil {
			return nil, nil, fmt.Errorf("MSP of org group %s: %w", k, err)
		}
		if fc.Name == mspID {
			return g, fc, nil
		}
	}
	return nil, nil, fmt.Errorf("no application org with MSP %s in the channel configuration", mspID)
}

// withRevocationList returns a copy of cfg in which the MSP of the
// application org mspID has exactly crlPEM as its revocation list, or nil
// when it already has.
func withRevocationList(cfg *common.Config, mspID string, crlPEM []byte) (*common.Config, error) {
	next := proto.Clone(cfg).(*common.Config)
	g, fc, err := orgGroup(next, mspID)
	if err != nil {
		return nil, err
	}
	if len(fc.RevocationList) == 1 && bytes.Equal(fc.RevocationList[0], crlPEM) {
		return nil, nil
	}
	fc.RevocationList = [][]byte{crlPEM}
	mc := &msp.MSPConfig{}
	if err := proto.Unmarshal(g.Values["MSP"].Value, mc); err != nil {
		return nil, fmt.Errorf("MSP of %s: %w", mspID, err)
	}
	if mc.Config, err = proto.Marshal(fc); err != nil {
		return nil, fmt.Errorf("MSP of %s: %w", mspID, err)
	}
	if g.Values["MSP"].Value, err = proto.Marshal(mc); err != nil {
		return nil, fmt.Errorf("MSP of %s: %w", mspID, err)
	}
	return next, nil
}

// UpdateCRL sets the revocation_list of mspID's MSP in the channel
// configuration to crlPEM (the CA's complete CRL replaces the old one): it
// reads the latest config block from the orderers, computes the config
// update, has it signed by the admins of a majority of the orgs (the
// org's own admin first), submits it to the orderers and waits until every
// reachable peer runs the new configuration.
func (c *Client) UpdateCRL(ctx context.Context, mspID string, crlPEM []byte) (*CRLUpdate, error) {
	org, err := c.conn.Org(mspID)
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	crl, err := parseCRL(crlPEM)
	if err != nil {
		return nil, fmt.Errorf("ops: CRL of %s: %w", org.MSPID, err)
	}
	u := &CRLUpdate{Channel: c.conn.Channel, MSPID: org.MSPID, CRLEntries: len(crl.RevokedCertificateEntries), CRLThisUpdate: crl.ThisUpdate, Signers: []string{}, Peers: []string{}}
	if crl.Number != nil {
		u.CRLNumber = crl.Number.String()
	}
	rc, err := c.resmgmtClient()
	if err != nil {
		return nil, err
	}
	block, err := rc.QueryConfigBlockFromOrderer(c.conn.Channel, resmgmt.WithParentContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("ops: read the config block of %s from the orderers: %s", c.conn.Channel, firstLine(err.Error()))
	}
	cur, err := resource.ExtractConfigFromBlock(block)
	if err != nil {
		return nil, fmt.Errorf("ops: config block %d: %w", block.GetHeader().GetNumber(), err)
	}
	u.ConfigSequence = cur.Sequence
	next, err := withRevocationList(cur, org.MSPID, crlPEM)
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	if next == nil {
		u.Unchanged, u.NewConfigSequence, u.ConfigBlock = true, cur.Sequence, block.GetHeader().GetNumber()
		return u, nil
	}
	update, err := resmgmt.CalculateConfigUpdate(c.conn.Channel, cur, next)
	if err != nil {
		return nil, fmt.Errorf("ops: compute the config update: %w", err)
	}
	env, err := configUpdateEnvelope(c.conn.Channel, update)
	if err != nil {
		return nil, fmt.Errorf("ops: config update envelope: %w", err)
	}
	signers, names, err := c.majoritySigners(org)
	if err != nil {
		return nil, err
	}
	u.Signers = names
	var resp resmgmt.SaveChannelResponse
	for attempt := 1; ; attempt++ {
		resp, err = rc.SaveChannel(resmgmt.SaveChannelRequest{ChannelID: c.conn.Channel, ChannelConfig: bytes.NewReader(env), SigningIdentities: signers},
			resmgmt.WithParentContext(ctx))
		if err == nil || attempt == 3 || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Second) // e.g. a raft leader election
	}
	if err != nil {
		return nil, fmt.Errorf("ops: submit the config update to the orderers: %s", firstLine(err.Error()))
	}
	u.TxID = string(resp.TransactionID)
	// Wait until the peers run the new configuration.
	lc, err := c.ledgerClient()
	if err != nil {
		return u, err
	}
	pending := map[string]bool{}
	for i := range c.conn.Orgs {
		pending[PeerName(&c.conn.Orgs[i])] = true
	}
	var lastErr error
	for len(pending) > 0 && ctx.Err() == nil {
		for p := range pending {
			b, err := lc.QueryConfigBlock(ledger.WithTargetEndpoints(p), ledger.WithParentContext(ctx))
			if err != nil {
				lastErr = fmt.Errorf("%s: %s", p, firstLine(err.Error()))
				continue
			}
			cfg, err := resource.ExtractConfigFromBlock(b)
			if err != nil || cfg.Sequence <= cur.Sequence {
				continue
			}
			u.NewConfigSequence, u.ConfigBlock = cfg.Sequence, b.GetHeader().GetNumber()
			if _, fc, err := orgGroup(cfg, org.MSPID); err != nil || len(fc.RevocationList) != 1 || !bytes.Equal(fc.RevocationList[0], crlPEM) {
				return u, fmt.Errorf("ops: %s runs config sequence %d without the new CRL of %s (a concurrent update?)", p, cfg.Sequence, org.MSPID)
			}
			u.Peers = append(u.Peers, p)
			delete(pending, p)
		}
		if len(pending) > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(300 * time.Millisecond):
			}
		}
	}
	sort.Strings(u.Peers)
	if len(u.Peers) == 0 {
		return u, fmt.Errorf("ops: config update %s submitted, but no peer showed it: %v (%v)", u.TxID, ctx.Err(), lastErr)
	}
	if len(pending) > 0 {
		var ps []string
		for p := range pending {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		return u, fmt.Errorf("ops: config update %s committed on %s but not yet on %s", u.TxID, strings.Join(u.Peers, ", "), strings.Join(ps, ", "))
	}
	return u, nil
}

// configUpdateEnvelope wraps a config update into the envelope form the
// sdk's SaveChannel reads (as configtxgen -outputCreateChannelTx or
// configtxlator write it); the sdk signs and re-wraps it.
func configUpdateEnvelope(channel string, update *common.ConfigUpdate) ([]byte, error) {
	ub, err := proto.Marshal(update)
	if err != nil {
		return nil, err
	}
	data, err := proto.Marshal(&common.ConfigUpdateEnvelope{ConfigUpdate: ub})
	if err != nil {
		return nil, err
	}
	ch, err := proto.Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_CONFIG_UPDATE), ChannelId: channel})
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: data})
	if err != nil {
		return nil, err
	}
	return proto.Marshal(&common.Envelope{Payload: payload})
}
