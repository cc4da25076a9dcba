package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// DefaultConnectionFile is the name of the connection description inside the
// network directory.
const DefaultConnectionFile = "connection.json"

// Connection is the connection description written by "scripts/network.sh up".
type Connection struct {
	// Channel is the Fabric channel, "metrology".
	Channel string `json:"channel"`
	// Chaincode is the chaincode name, "metrotrace".
	Chaincode string `json:"chaincode"`
	// Orderers are the ordering service nodes (for operator tooling; the
	// Fabric Gateway service finds them through the peer).
	Orderers []Orderer `json:"orderers,omitempty"`
	// Orgs lists the peer organisations.
	Orgs []Org `json:"orgs"`
}

// Orderer is one ordering service node.
type Orderer struct {
	Endpoint     string `json:"endpoint"`
	HostOverride string `json:"host_override,omitempty"`
	TLSCACert    string `json:"tls_ca_cert"`
	// OperationsEndpoint is the host:port of the orderer's operations
	// service (Prometheus /metrics, /healthz); optional, older files do
	// not have it.
	OperationsEndpoint string `json:"operations_endpoint,omitempty"`
	// OperationsTLSCACert is the PEM file of the CA of the operations
	// service's TLS certificate; empty: the service speaks plain HTTP (as
	// config/orderer.yaml configures it).
	OperationsTLSCACert string `json:"operations_tls_ca_cert,omitempty"`
}

// CA is an organisation's Fabric CA.
type CA struct {
	URL       string `json:"url"`
	Name      string `json:"name"`
	TLSCACert string `json:"tls_ca_cert"`
}

// Org is one peer organisation with the users enrolled for it.
type Org struct {
	// Name is the short name used by the scripts: beijing, tianjin, hebei.
	Name string `json:"name"`
	// MSPID is the organisation's MSP id, e.g. TianjinMSP.
	MSPID string `json:"msp_id"`
	// PeerEndpoint is the peer's host:port, e.g. 127.0.0.1:17051.
	PeerEndpoint string `json:"peer_endpoint"`
	// PeerHostOverride is the TLS server name to verify the peer's
	// certificate against (the certificate also carries 127.0.0.1).
	PeerHostOverride string `json:"peer_host_override,omitempty"`
	// PeerTLSCACert is the PEM file of the CA that issued the peer's TLS
	// certificate.
	PeerTLSCACert string `json:"peer_tls_ca_cert"`
	// CA is the organisation's Fabric CA, for enrolling further users.
	CA *CA `json:"ca,omitempty"`
	// Admin is the organisation's admin identity (no institution attributes).
	Admin *User `json:"admin,omitempty"`
	// Users are the institution users, with CA attributes.
	Users []User `json:"users"`
}

// User is an enrolled identity.
type User struct {
	// Name is the enrollment id, e.g. tjim-recorder.
	Name string `json:"name"`
	// Institution is the value of the metrotrace.institution attribute.
	Institution string `json:"institution,omitempty"`
	// Role is the value of the metrotrace.role attribute (operator,
	// recorder or inspector; "admin" for an org admin).
	Role string `json:"role"`
	// Cert is the PEM file of the enrollment certificate.
	Cert string `json:"cert"`
	// Key is the PEM file of the private key (in the MSP's keystore).
	Key string `json:"key"`
	// MSPDir is the identity's MSP directory.
	MSPDir string `json:"msp_dir"`
}

// LoadConnection reads and validates a connection description. Relative paths
// in the file are taken relative to the file's directory and returned
// absolute.
func LoadConnection(path string) (*Connection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("network: read connection description: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	c, err := ParseConnection(data, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("network: %s: %w", path, err)
	}
	return c, nil
}

// ParseConnection decodes a connection description, resolves relative paths
// against baseDir and validates it, including that every named file exists.
func ParseConnection(data []byte, baseDir string) (*Connection, error) {
	var c Connection
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	c.resolve(baseDir)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Connection) resolve(baseDir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) && baseDir != "" {
			*p = filepath.Join(baseDir, *p)
		}
	}
	user := func(u *User) {
		abs(&u.Cert)
		abs(&u.Key)
		abs(&u.MSPDir)
	}
	for i := range c.Orderers {
		abs(&c.Orderers[i].TLSCACert)
		abs(&c.Orderers[i].OperationsTLSCACert)
	}
	for i := range c.Orgs {
		o := &c.Orgs[i]
		abs(&o.PeerTLSCACert)
		if o.CA != nil {
			abs(&o.CA.TLSCACert)
		}
		if o.Admin != nil {
			user(o.Admin)
		}
		for j := range o.Users {
			user(&o.Users[j])
		}
	}
}

// Validate reports every problem of the description: missing fields, bad
// endpoints, unknown roles, duplicates and files that do not exist.
func (c *Connection) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	file := func(what, p string, dir bool) {
		if p == "" {
			bad("%s: path is empty", what)
			return
		}
		st, err := os.Stat(p)
		switch {
		case err != nil:
			bad("%s: %v", what, err)
		case dir && !st.IsDir():
			bad("%s: %s is not a directory", what, p)
		case !dir && st.IsDir():
			bad("%s: %s is a directory", what, p)
		}
	}
	if strings.TrimSpace(c.Channel) == "" {
		bad("channel is empty")
	}
	if strings.TrimSpace(c.Chaincode) == "" {
		bad("chaincode is empty")
	}
	for i, o := range c.Orderers {
		what := fmt.Sprintf("orderers[%d]", i)
		if err := checkEndpoint(o.Endpoint); err != nil {
			bad("%s: endpoint: %v", what, err)
		}
		file(what+": tls_ca_cert", o.TLSCACert, false)
		if o.OperationsEndpoint != "" {
			if err := checkEndpoint(o.OperationsEndpoint); err != nil {
				bad("%s: operations_endpoint: %v", what, err)
			}
		}
		if o.OperationsTLSCACert != "" {
			if o.OperationsEndpoint == "" {
				bad("%s: operations_tls_ca_cert without operations_endpoint", what)
			}
			file(what+": operations_tls_ca_cert", o.OperationsTLSCACert, false)
		}
	}
	if len(c.Orgs) == 0 {
		bad("no orgs")
	}
	msps := map[string]bool{}
	names := map[string]bool{}
	for i, o := range c.Orgs {
		what := fmt.Sprintf("orgs[%d]", i)
		if o.MSPID != "" {
			what = fmt.Sprintf("org %s", o.MSPID)
		}
		switch {
		case o.MSPID == "":
			bad("%s: msp_id is empty", what)
		case msps[o.MSPID]:
			bad("%s: duplicate msp_id", what)
		}
		msps[o.MSPID] = true
		if o.Name != "" {
			if names[o.Name] {
				bad("%s: duplicate name %q", what, o.Name)
			}
			names[o.Name] = true
		}
		if err := checkEndpoint(o.PeerEndpoint); err != nil {
			bad("%s: peer_endpoint: %v", what, err)
		}
		file(what+": peer_tls_ca_cert", o.PeerTLSCACert, false)
		if o.CA != nil {
			if !strings.HasPrefix(o.CA.URL, "https://") {
				bad("%s: ca.url %q is not an https URL", what, o.CA.URL)
			}
			file(what+": ca.tls_ca_cert", o.CA.TLSCACert, false)
		}
		checkUser := func(uw string, u User) {
			if u.Name == "" {
				bad("%s: name is empty", uw)
			}
			file(uw+": cert", u.Cert, false)
			file(uw+": key", u.Key, false)
			file(uw+": msp_dir", u.MSPDir, true)
		}
		if o.Admin != nil {
			checkUser(what+": admin", *o.Admin)
		}
		users := map[string]bool{}
		for j, u := range o.Users {
			uw := fmt.Sprintf("%s: users[%d]", what, j)
			if u.Name != "" {
				uw = fmt.Sprintf("%s: user %s", what, u.Name)
				if users[u.Name] {
					bad("%s: duplicate user name", uw)
				}
				users[u.Name] = true
			}
			checkUser(uw, u)
			if !record.IsRole(u.Role) {
				bad("%s: role %q is not operator, recorder or inspector", uw, u.Role)
			}
			if u.Institution == "" {
				bad("%s: institution is empty", uw)
			}
		}
	}
	return errors.Join(errs...)
}

func checkEndpoint(ep string) error {
	host, port, err := net.SplitHostPort(ep)
	if err != nil {
		return err
	}
	if host == "" {
		return fmt.Errorf("%q has no host", ep)
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port", ep)
	}
	return nil
}

// Org returns the organisation with the given MSP id or short name.
func (c *Connection) Org(mspIDOrName string) (*Org, error) {
	for i := range c.Orgs {
		if c.Orgs[i].MSPID == mspIDOrName || c.Orgs[i].Name == mspIDOrName {
			return &c.Orgs[i], nil
		}
	}
	return nil, fmt.Errorf("network: no org %q in the connection description", mspIDOrName)
}

// User returns the organisation's user with the given enrollment id.
func (o *Org) User(name string) (*User, error) {
	for i := range o.Users {
		if o.Users[i].Name == name {
			return &o.Users[i], nil
		}
	}
	if o.Admin != nil && o.Admin.Name == name {
		return o.Admin, nil
	}
	return nil, fmt.Errorf("network: org %s has no user %q", o.MSPID, name)
}

// UserByRole returns the first user of the organisation with the given role
// and, when institution is not empty, that institution.
func (o *Org) UserByRole(institution, role string) (*User, error) {
	for i := range o.Users {
		u := &o.Users[i]
		if u.Role == role && (institution == "" || u.Institution == institution) {
			return u, nil
		}
	}
	return nil, fmt.Errorf("network: org %s has no %s user for institution %q", o.MSPID, role, institution)
}

// UserFor returns the organisation's user enrolled for exactly the given role
// and institution, as "scripts/network.sh enroll" adds them (one user per
// MSP, institution and role). Unlike UserByRole, the institution is required
// and the role must be operator, recorder or inspector.
func (o *Org) UserFor(role, institution string) (*User, error) {
	if !record.IsRole(role) {
		return nil, fmt.Errorf("network: role %q is not operator, recorder or inspector", role)
	}
	if institution == "" {
		return nil, fmt.Errorf("network: org %s: no institution given for a %s user", o.MSPID, role)
	}
	for i := range o.Users {
		if u := &o.Users[i]; u.Role == role && u.Institution == institution {
			return u, nil
		}
	}
	return nil, fmt.Errorf("network: org %s has no %s user for institution %q (scripts/network.sh enroll --msp %s --institution %s --role %s)",
		o.MSPID, role, institution, o.MSPID, institution, role)
}

// ReadCredentials returns the PEM contents of the user's certificate and
// private key.
func (u *User) ReadCredentials() (cert, key []byte, err error) {
	if cert, err = os.ReadFile(u.Cert); err != nil {
		return nil, nil, fmt.Errorf("network: user %s: %w", u.Name, err)
	}
	if key, err = os.ReadFile(u.Key); err != nil {
		return nil, nil, fmt.Errorf("network: user %s: %w", u.Name, err)
	}
	return cert, key, nil
}
