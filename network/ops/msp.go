package ops

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// nodeOUs is the config.yaml every metrotrace MSP carries: the organization's
// one CA certificate tells clients, peers, admins and orderers apart by the
// OU the Fabric CA writes into each enrollment certificate.
const nodeOUs = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
`

// MSP layout, relative to an MSP directory.
const (
	MSPCACert    = "cacerts/ca.pem"
	MSPTLSCACert = "tlscacerts/ca.pem"
	MSPConfig    = "config.yaml"
)

// WriteMSPLayout gives the MSP directory dir (created if missing) the
// layout every metrotrace MSP has, whoever enrolled its identity: the
// organization's CA certificate caPEM as cacerts/ca.pem, its TLS CA
// certificate tlsCAPEM as tlscacerts/ca.pem (nil: caPEM, as one Fabric CA
// per organization issues both enrollment and TLS certificates), the
// NodeOUs config.yaml, and no other CA directories (fabric-ca-client
// writes cacerts/<host>-<port>-<name>.pem and may write
// intermediatecerts/). signcerts/ and keystore/ are left as they are.
// It is the one writer of this layout: Enroll, metrotrace-ops msp and,
// through it, scripts/network.sh and scripts/org.sh use it.
func WriteMSPLayout(dir string, caPEM, tlsCAPEM []byte) error {
	if tlsCAPEM == nil {
		tlsCAPEM = caPEM
	}
	if err := checkCACert(caPEM); err != nil {
		return fmt.Errorf("ops: MSP %s: %w", dir, err)
	}
	if err := checkCACert(tlsCAPEM); err != nil {
		return fmt.Errorf("ops: MSP %s: TLS CA: %w", dir, err)
	}
	for _, sub := range []string{"cacerts", "tlscacerts", "intermediatecerts"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return fmt.Errorf("ops: MSP %s: %w", dir, err)
		}
	}
	files := []struct {
		rel  string
		data []byte
	}{{MSPCACert, caPEM}, {MSPTLSCACert, tlsCAPEM}, {MSPConfig, []byte(nodeOUs)}}
	for _, f := range files {
		p := filepath.Join(dir, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("ops: MSP %s: %w", dir, err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return fmt.Errorf("ops: MSP %s: %w", dir, err)
		}
	}
	return nil
}

// checkCACert refuses anything but PEM holding exactly one CA certificate.
func checkCACert(caPEM []byte) error {
	blk, rest := pem.Decode(caPEM)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return errors.New("the CA certificate is not a PEM certificate")
	}
	if next, _ := pem.Decode(rest); next != nil {
		return errors.New("the CA certificate file holds more than one PEM block")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return fmt.Errorf("the CA certificate does not parse: %w", err)
	}
	if !cert.IsCA {
		return fmt.Errorf("the certificate of %q is not a CA certificate", cert.Subject.CommonName)
	}
	return nil
}
