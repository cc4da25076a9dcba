package ops

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/channel"
	mspclient "github.com/hyperledger/fabric-sdk-go/pkg/client/msp"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/network"
)

// idPattern is the chaincode's rule for institution ids, also used for
// enrollment ids.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// reservedNames are enrollment ids scripts/network.sh uses for nodes and
// admins.
var reservedNames = map[string]bool{"admin": true, "peer0": true, "ccserver": true}

// UserRequest describes an institution user to register with an org's
// Fabric CA.
type UserRequest struct {
	// Institution is the metrotrace.institution attribute (an institution
	// id of the ledger).
	Institution string
	// Role is the metrotrace.role attribute: recorder, inspector or
	// operator.
	Role string
	// Name is the enrollment id (default "<institution lower-cased>-<role>").
	Name string
	// Secret is the enrollment secret (default: chosen by the CA).
	Secret string
}

// Validate checks the request and fills in the default name. Roles other
// than recorder, inspector and operator are refused.
func (r *UserRequest) Validate() error {
	var errs []error
	switch r.Role {
	case record.RoleRecorder, record.RoleInspector, record.RoleOperator:
	default:
		errs = append(errs, fmt.Errorf("role %q is not recorder, inspector or operator", r.Role))
	}
	if !idPattern.MatchString(r.Institution) {
		errs = append(errs, fmt.Errorf("institution id %q does not match %s", r.Institution, idPattern))
	}
	if r.Name == "" && r.Institution != "" && r.Role != "" {
		r.Name = strings.ToLower(r.Institution) + "-" + r.Role
	}
	if !idPattern.MatchString(r.Name) {
		errs = append(errs, fmt.Errorf("user name %q does not match %s", r.Name, idPattern))
	} else if reservedNames[r.Name] {
		errs = append(errs, fmt.Errorf("user name %q is reserved", r.Name))
	}
	return errors.Join(errs...)
}

// mspClient is the sdk's Fabric CA client for org.
func (c *Client) mspClient(org *network.Org) (*mspclient.Client, error) {
	if org.CA == nil {
		return nil, fmt.Errorf("ops: org %s has no CA in the connection description", org.MSPID)
	}
	mc, err := mspclient.New(c.sdk.Context(), mspclient.WithOrg(orgKey(org)))
	if err != nil {
		return nil, fmt.Errorf("ops: CA client of %s: %w", org.MSPID, err)
	}
	return mc, nil
}

// InstitutionExists asks the chaincode (Get, on the client's own org's peer)
// whether the institution is on the ledger and belongs to mspID.
func (c *Client) InstitutionExists(ctx context.Context, id, mspID string) error {
	_, target, err := c.peerOf("")
	if err != nil {
		return err
	}
	cc, err := c.channelClient()
	if err != nil {
		return err
	}
	resp, err := cc.Query(channel.Request{ChaincodeID: c.conn.Chaincode, Fcn: "Get", Args: [][]byte{[]byte("institution"), []byte(id)}},
		channel.WithTargetEndpoints(target), channel.WithParentContext(ctx))
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return fmt.Errorf("ops: institution %s is not on the ledger", id)
		}
		return fmt.Errorf("ops: look up institution %s: %s", id, firstLine(err.Error()))
	}
	var in struct {
		MSPID string `json:"msp_id"`
	}
	if err := json.Unmarshal(resp.Payload, &in); err != nil {
		return fmt.Errorf("ops: institution %s: %w", id, err)
	}
	if in.MSPID != mspID {
		return fmt.Errorf("ops: institution %s belongs to %s, not %s", id, in.MSPID, mspID)
	}
	return nil
}

// Register registers an institution user with the Fabric CA of org (MSP id
// or name) as a client identity whose enrollment certificates carry the
// metrotrace.institution and metrotrace.role attributes. The CA's registrar
// (ProfileOptions.RegistrarID) does the registration. It returns the
// enrollment secret.
func (c *Client) Register(orgSel string, req UserRequest) (string, error) {
	if err := req.Validate(); err != nil {
		return "", fmt.Errorf("ops: register: %w", err)
	}
	org, err := c.conn.Org(orgSel)
	if err != nil {
		return "", fmt.Errorf("ops: %w", err)
	}
	if org.Name != "" && req.Name == org.Name+"admin" {
		return "", fmt.Errorf("ops: register: user name %q is reserved", req.Name)
	}
	mc, err := c.mspClient(org)
	if err != nil {
		return "", err
	}
	secret, err := mc.Register(&mspclient.RegistrationRequest{
		Name:   req.Name,
		Type:   "client",
		Secret: req.Secret,
		Attributes: []mspclient.Attribute{
			{Name: record.AttrInstitution, Value: req.Institution, ECert: true},
			{Name: record.AttrRole, Value: req.Role, ECert: true},
		},
	})
	if err != nil {
		return "", fmt.Errorf("ops: register %s with %s: %s", req.Name, org.CA.Name, firstLine(err.Error()))
	}
	return secret, nil
}

// EnrolledUser is an identity written into an MSP directory.
type EnrolledUser struct {
	Name        string `json:"name"`
	MSPID       string `json:"msp_id"`
	Institution string `json:"institution"`
	Role        string `json:"role"`
	Cert        string `json:"cert"`
	Key         string `json:"key"`
	MSPDir      string `json:"msp_dir"`
}

// Enroll enrolls a registered user with org's Fabric CA and writes its MSP
// directory (signcerts/cert.pem, keystore/<ski>_sk, and WriteMSPLayout's
// CA certificates and NodeOUs config.yaml) to outDir, which must not exist
// yet. The certificate must carry a metrotrace.role of recorder, inspector or operator and an institution.
func (c *Client) Enroll(orgSel, name, secret, outDir string) (*EnrolledUser, error) {
	org, err := c.conn.Org(orgSel)
	if err != nil {
		return nil, fmt.Errorf("ops: %w", err)
	}
	if _, err := os.Stat(outDir); err == nil {
		return nil, fmt.Errorf("ops: enroll: %s already exists", outDir)
	}
	mc, err := c.mspClient(org)
	if err != nil {
		return nil, err
	}
	if err := mc.Enroll(name, mspclient.WithSecret(secret)); err != nil {
		return nil, fmt.Errorf("ops: enroll %s with %s: %s", name, org.CA.Name, firstLine(err.Error()))
	}
	si, err := mc.GetSigningIdentity(name)
	if err != nil {
		return nil, fmt.Errorf("ops: enroll %s: %w", name, err)
	}
	certPEM := si.EnrollmentCertificate()
	blk, _ := pem.Decode(certPEM)
	if blk == nil {
		return nil, fmt.Errorf("ops: enroll %s: the CA returned no PEM certificate", name)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ops: enroll %s: %w", name, err)
	}
	attrs, err := CertAttributes(cert)
	if err != nil {
		return nil, fmt.Errorf("ops: enroll %s: %w", name, err)
	}
	u := &EnrolledUser{Name: name, MSPID: org.MSPID, Institution: attrs[record.AttrInstitution], Role: attrs[record.AttrRole]}
	switch u.Role {
	case record.RoleRecorder, record.RoleInspector, record.RoleOperator:
	default:
		return nil, fmt.Errorf("ops: enroll %s: certificate carries %s=%q, not recorder, inspector or operator", name, record.AttrRole, u.Role)
	}
	if u.Institution == "" {
		return nil, fmt.Errorf("ops: enroll %s: certificate carries no %s", name, record.AttrInstitution)
	}
	keyFile := hex.EncodeToString(si.PrivateKey().SKI()) + "_sk"
	var keyPEM []byte
	_ = filepath.WalkDir(c.storeDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == keyFile {
			keyPEM, _ = os.ReadFile(p)
			return fs.SkipAll
		}
		return nil
	})
	if keyPEM == nil {
		return nil, fmt.Errorf("ops: enroll %s: private key %s not found in the sdk's key store", name, keyFile)
	}
	caPEM, err := os.ReadFile(org.CA.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("ops: enroll %s: CA certificate: %w", name, err)
	}
	tmp := outDir + ".tmp"
	_ = os.RemoveAll(tmp)
	files := map[string][]byte{
		"signcerts/cert.pem":  certPEM,
		"keystore/" + keyFile: keyPEM,
	}
	for rel, data := range files {
		p := filepath.Join(tmp, rel)
		mode := os.FileMode(0o644)
		if strings.HasPrefix(rel, "keystore/") {
			mode = 0o600
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, data, mode)
		}
		if err != nil {
			_ = os.RemoveAll(tmp)
			return nil, fmt.Errorf("ops: enroll %s: write MSP: %w", name, err)
		}
	}
	if err := WriteMSPLayout(tmp, caPEM, nil); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("ops: enroll %s: %w", name, err)
	}
	if err := os.Rename(tmp, outDir); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("ops: enroll %s: %w", name, err)
	}
	u.MSPDir, _ = filepath.Abs(outDir)
	u.Cert = filepath.Join(u.MSPDir, "signcerts", "cert.pem")
	u.Key = filepath.Join(u.MSPDir, "keystore", keyFile)
	return u, nil
}
