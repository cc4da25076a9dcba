package ops

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/channel"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/ledger"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/resmgmt"
	mspapi "github.com/hyperledger/fabric-sdk-go/pkg/common/providers/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/config"
	"github.com/hyperledger/fabric-sdk-go/pkg/fabsdk"

	"github.com/metrotrace/metrotrace/network"
)

// Options choose the identity the operator tool acts as.
type Options struct {
	// Org is the MSP id or short name of the organisation whose identity
	// is used (default: the first organisation of the connection).
	Org string
	// User is the enrollment id of the identity (default: the org's admin,
	// else its first user).
	User string
	// Profile tunes the generated connection profile; its Org and StoreDir
	// are set by Open.
	Profile ProfileOptions
}

// Client is a fabric-sdk-go session on the metrotrace channel.
type Client struct {
	conn     *network.Connection
	org      *network.Org
	user     *network.User
	sdk      *fabsdk.FabricSDK
	id       mspapi.SigningIdentity
	storeDir string
	ledger   *ledger.Client
	opt      Options
	// alt is a session as another org's identity, opened when the sdk
	// cannot read the channel configuration through this org's own peer
	// (the sdk asks only peers of the identity's org for it).
	alt *Client
}

// Open starts an sdk session for the network described by conn, as the
// identity chosen by opt. Close releases it.
func Open(conn *network.Connection, opt Options) (*Client, error) {
	if conn == nil || len(conn.Orgs) == 0 {
		return nil, errors.New("ops: no organisations in the connection description")
	}
	org := &conn.Orgs[0]
	if opt.Org != "" {
		o, err := conn.Org(opt.Org)
		if err != nil {
			return nil, fmt.Errorf("ops: %w", err)
		}
		org = o
	}
	user, err := pickUser(org, opt.User)
	if err != nil {
		return nil, err
	}
	cert, key, err := user.ReadCredentials()
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	store, err := os.MkdirTemp("", "metrotrace-ops-")
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	c := &Client{conn: conn, org: org, user: user, storeDir: store, opt: opt}
	popt := opt.Profile
	popt.Org = org.MSPID
	popt.StoreDir = store
	profile, err := Profile(conn, popt)
	if err != nil {
		c.Close()
		return nil, err
	}
	c.sdk, err = fabsdk.New(config.FromRaw(profile, "json"))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("ops: start fabric-sdk-go: %w", err)
	}
	ctx, err := c.sdk.Context()()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("ops: sdk context: %w", err)
	}
	im, ok := ctx.IdentityManager(orgKey(org))
	if !ok {
		c.Close()
		return nil, fmt.Errorf("ops: no identity manager for %s", org.MSPID)
	}
	c.id, err = im.CreateSigningIdentity(mspapi.WithCert(cert), mspapi.WithPrivateKey(key))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("ops: identity %s of %s: %w", user.Name, org.MSPID, err)
	}
	return c, nil
}

func pickUser(org *network.Org, name string) (*network.User, error) {
	if name != "" {
		u, err := org.User(name)
		if err != nil {
			return nil, fmt.Errorf("ops: %w", err)
		}
		return u, nil
	}
	if org.Admin != nil {
		return org.Admin, nil
	}
	if len(org.Users) > 0 {
		return &org.Users[0], nil
	}
	return nil, fmt.Errorf("ops: org %s has no identity in the connection description", org.MSPID)
}

// Close ends the sdk session and removes its temporary stores.
func (c *Client) Close() {
	if c.alt != nil {
		c.alt.Close()
		c.alt = nil
	}
	if c.sdk != nil {
		c.sdk.Close()
		c.sdk = nil
	}
	if c.storeDir != "" {
		_ = os.RemoveAll(c.storeDir)
		c.storeDir = ""
	}
}

// Identity tells who the client acts as: "<enrollment id>@<MSP id>".
func (c *Client) Identity() string { return c.user.Name + "@" + c.org.MSPID }

// Connection is the network description the client was opened with.
func (c *Client) Connection() *network.Connection { return c.conn }

// ledgerClient returns the (lazily created) ledger client of the channel.
// The sdk reads the channel configuration only through peers of the
// identity's own org; when that fails (its peer is down), the client falls
// back to the admin identity of each other org in turn, so the other peers
// can still be asked.
func (c *Client) ledgerClient() (*ledger.Client, error) {
	if c.ledger != nil {
		return c.ledger, nil
	}
	l, err := ledger.New(c.sdk.ChannelContext(c.conn.Channel, fabsdk.WithIdentity(c.id)))
	if err == nil {
		c.ledger = l
		return l, nil
	}
	first := fmt.Errorf("ops: ledger client on channel %s as %s: %s", c.conn.Channel, c.Identity(), firstLine(err.Error()))
	for i := range c.conn.Orgs {
		o := &c.conn.Orgs[i]
		if o.MSPID == c.org.MSPID || o.Admin == nil {
			continue
		}
		alt, err := Open(c.conn, Options{Org: o.MSPID, Profile: c.opt.Profile})
		if err != nil {
			continue
		}
		if l, err := ledger.New(alt.sdk.ChannelContext(c.conn.Channel, fabsdk.WithIdentity(alt.id))); err == nil {
			c.alt, c.ledger = alt, l
			return l, nil
		}
		alt.Close()
	}
	return nil, first
}

// Fallback names the identity used instead of the client's own when its
// org's peer could not serve the channel configuration ("" if none).
func (c *Client) Fallback() string {
	if c.alt == nil {
		return ""
	}
	return c.alt.Identity()
}

// session is the sdk session to use for channel requests: the client's
// own, or the fallback ledgerClient opened.
func (c *Client) session() *Client {
	if _, err := c.ledgerClient(); err == nil && c.alt != nil {
		return c.alt
	}
	return c
}

func (c *Client) resmgmtClient() (*resmgmt.Client, error) {
	s := c.session()
	r, err := resmgmt.New(s.sdk.Context(fabsdk.WithIdentity(s.id)))
	if err != nil {
		return nil, fmt.Errorf("ops: resource management client: %w", err)
	}
	return r, nil
}

func (c *Client) channelClient() (*channel.Client, error) {
	s := c.session()
	ch, err := channel.New(s.sdk.ChannelContext(c.conn.Channel, fabsdk.WithIdentity(s.id)))
	if err != nil {
		return nil, fmt.Errorf("ops: channel client on %s: %w", c.conn.Channel, err)
	}
	return ch, nil
}

// peerOf returns the org (by MSP id or short name) or, when sel is empty, the
// client's own org, and its peer's profile name.
func (c *Client) peerOf(sel string) (*network.Org, string, error) {
	if sel == "" {
		return c.org, PeerName(c.org), nil
	}
	for i := range c.conn.Orgs {
		o := &c.conn.Orgs[i]
		if o.MSPID == sel || o.Name == sel || PeerName(o) == sel || o.PeerEndpoint == sel || strings.EqualFold(o.Name, sel) {
			return o, PeerName(o), nil
		}
	}
	return nil, "", fmt.Errorf("ops: no peer %q in the connection description", sel)
}
