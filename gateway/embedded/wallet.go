package embedded

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// Wallet holds a local certificate authority per organization and the
// identities it issued. The gateway is its own CA in embedded mode, so
// every registered institution can have tokens.
type Wallet struct {
	dir string // "" keeps CAs in memory only
	// orgs, when not empty, are the only organizations the wallet serves:
	// it makes no CA (in memory or on disk) for any other.
	orgs map[string]bool

	mu       sync.Mutex
	cas      map[string]*identity.CA
	ids      map[string]*identity.Identity
	verified map[[32]byte]bool // certificates already checked against their CA
}

var mspPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.-]{0,63}$`)

// NewWallet returns a wallet keeping CAs under dir (created on first use)
// for the organizations orgs; none given, for any organization.
func NewWallet(dir string, orgs ...string) *Wallet {
	w := &Wallet{dir: dir, cas: map[string]*identity.CA{}, ids: map[string]*identity.Identity{}, verified: map[[32]byte]bool{}}
	if len(orgs) > 0 {
		w.orgs = map[string]bool{}
		for _, o := range orgs {
			w.orgs[o] = true
		}
	}
	return w
}

// Serves reports whether the wallet issues identities of the organization.
func (w *Wallet) Serves(mspID string) bool {
	return mspPattern.MatchString(mspID) && (w.orgs == nil || w.orgs[mspID])
}

// CA returns the organization's CA, loading or creating it.
func (w *Wallet) CA(mspID string) (*identity.CA, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ca(mspID)
}

func (w *Wallet) ca(mspID string) (*identity.CA, error) {
	if !mspPattern.MatchString(mspID) {
		return nil, fmt.Errorf("%w: invalid MSP id %q", auth.ErrUnknownOrganization, mspID)
	}
	if w.orgs != nil && !w.orgs[mspID] {
		return nil, fmt.Errorf("%w: %s is not an organization of this ledger", auth.ErrUnknownOrganization, mspID)
	}
	if ca, ok := w.cas[mspID]; ok {
		return ca, nil
	}
	if w.dir == "" {
		ca, err := identity.NewCA(mspID)
		if err != nil {
			return nil, err
		}
		w.cas[mspID] = ca
		return ca, nil
	}
	dir := filepath.Join(w.dir, mspID)
	certPath, keyPath := filepath.Join(dir, "ca-cert.pem"), filepath.Join(dir, "ca-key.pem")
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	var ca *identity.CA
	var err error
	switch {
	case certErr == nil && keyErr == nil:
		ca, err = identity.LoadCA(mspID, certPEM, keyPEM)
	case errors.Is(certErr, os.ErrNotExist) && errors.Is(keyErr, os.ErrNotExist):
		if ca, err = identity.NewCA(mspID); err == nil {
			err = writeCA(dir, certPath, keyPath, ca)
		}
	default:
		err = fmt.Errorf("CA of %s is incomplete in %s", mspID, dir)
	}
	if err != nil {
		return nil, err
	}
	w.cas[mspID] = ca
	return ca, nil
}

func writeCA(dir, certPath, keyPath string, ca *identity.CA) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, ca.KeyPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, ca.CertPEM, 0o644)
}

// Identity returns an identity of an organization with a role and an
// institution as Fabric CA attributes (both empty: an organization admin
// without attributes). Identities are issued once per wallet.
func (w *Wallet) Identity(mspID, role, institution string) (*identity.Identity, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := mspID + "\x00" + role + "\x00" + institution
	if id, ok := w.ids[key]; ok {
		return id, nil
	}
	ca, err := w.ca(mspID)
	if err != nil {
		return nil, err
	}
	var attrs map[string]string
	if role != "" || institution != "" {
		attrs = map[string]string{}
		if role != "" {
			attrs["metrotrace.role"] = role
		}
		if institution != "" {
			attrs["metrotrace.institution"] = institution
		}
	}
	name := role + "@" + institution
	if attrs == nil {
		name = "admin"
	}
	id, err := ca.Issue(name+"."+mspID, attrs)
	if err != nil {
		return nil, err
	}
	w.ids[key] = id
	return id, nil
}

// Verify checks that an identity was issued by the local CA of its
// organization, as a peer checks a creator against the channel's MSPs.
func (w *Wallet) Verify(id *identity.Identity) error {
	if id == nil {
		return errors.New("no identity")
	}
	key := sha256.Sum256(append([]byte(id.MSPID+"\x00"), id.CertPEM...))
	w.mu.Lock()
	known := w.verified[key]
	w.mu.Unlock()
	if known {
		return nil
	}
	ca, err := w.CA(id.MSPID)
	if err != nil {
		return err
	}
	if err := ca.Verify(id); err != nil {
		return fmt.Errorf("identity is not issued by the CA of %s: %w", id.MSPID, err)
	}
	w.mu.Lock()
	w.verified[key] = true
	w.mu.Unlock()
	return nil
}
