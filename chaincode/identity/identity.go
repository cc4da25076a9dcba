// Package identity issues Fabric-style X.509 identities: a certificate
// authority per organization (MSP) that signs client certificates carrying
// Fabric CA attributes (metrotrace.institution, metrotrace.role) in the same
// certificate extension Fabric CA uses, so the chaincode's client-identity
// checks behave exactly as on a Fabric network. The embedded ledger and the
// tests use it; a real network uses Fabric CA instead.
package identity

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// AttributeOID is the certificate extension in which Fabric CA stores
// attributes, as JSON {"attrs": {"name": "value"}}.
var AttributeOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// Identity is a signing identity: an MSP id, a certificate and its key.
type Identity struct {
	MSPID   string
	CertPEM []byte
	KeyPEM  []byte
}

// Serialized returns the identity as a Fabric proposal's creator field.
func (id *Identity) Serialized() []byte {
	b, _ := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MSPID, IdBytes: id.CertPEM})
	return b
}

// Certificate parses the identity's certificate.
func (id *Identity) Certificate() (*x509.Certificate, error) { return parseCertPEM(id.CertPEM) }

// CA is an organization's certificate authority.
type CA struct {
	MSPID   string
	CertPEM []byte
	KeyPEM  []byte
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
}

// NewCA creates a self-signed CA for an organization.
func NewCA(mspID string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return LoadCA(mspID, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM)
}

// LoadCA loads a CA from its PEM certificate and key.
func LoadCA(mspID string, certPEM, keyPEM []byte) (*CA, error) {
	cert, err := parseCertPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("CA certificate of %s: %w", mspID, err)
	}
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("CA key of %s: %w", mspID, err)
	}
	return &CA{MSPID: mspID, CertPEM: certPEM, KeyPEM: keyPEM, cert: cert, key: key}, nil
}

// Issue signs a client certificate for name with the given Fabric CA
// attributes (none: nil).
func (ca *CA) Issue(name string, attrs map[string]string) (*Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name, Organization: []string{ca.MSPID}, OrganizationalUnit: []string{"client"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if len(attrs) > 0 {
		value, err := json.Marshal(map[string]map[string]string{"attrs": attrs})
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: AttributeOID, Value: value}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return &Identity{MSPID: ca.MSPID, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), KeyPEM: keyPEM}, nil
}

// Verify checks that an identity's certificate was signed by this CA.
func (ca *CA) Verify(id *Identity) error {
	cert, err := id.Certificate()
	if err != nil {
		return err
	}
	if id.MSPID != ca.MSPID {
		return fmt.Errorf("identity of %s presented to the CA of %s", id.MSPID, ca.MSPID)
	}
	return cert.CheckSignatureFrom(ca.cert)
}

// Attributes returns the Fabric CA attributes of a certificate.
func Attributes(cert *x509.Certificate) (map[string]string, error) {
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(AttributeOID) {
			var v struct {
				Attrs map[string]string `json:"attrs"`
			}
			if err := json.Unmarshal(ext.Value, &v); err != nil {
				return nil, fmt.Errorf("attribute extension: %w", err)
			}
			return v.Attrs, nil
		}
	}
	return map[string]string{}, nil
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func parseCertPEM(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func parseKeyPEM(data []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM key")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("key is not an ECDSA key")
	}
	return key, nil
}
