package ops

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// testCACert is a self-signed CA certificate, PEM.
func testCACert(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// tree lists the files under dir, relative, sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestWriteMSPLayout: what fabric-ca-client leaves (cacerts named after the
// CA's address, intermediatecerts) becomes the one layout, signcerts and
// keystore untouched; a second run changes nothing; a TLS CA of its own
// goes to tlscacerts.
func TestWriteMSPLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "msp")
	for rel, data := range map[string]string{
		"cacerts/127-0-0-1-17001-ca-beijing.pem": "old", "intermediatecerts/x.pem": "old",
		"signcerts/cert.pem": "CERT", "keystore/ab_sk": "KEY", "IssuerPublicKey": "idemix",
	} {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ca := testCACert(t, "ca.beijing")
	for i := 0; i < 2; i++ {
		if err := WriteMSPLayout(dir, ca, nil); err != nil {
			t.Fatal(err)
		}
		want := []string{"IssuerPublicKey", "cacerts/ca.pem", "config.yaml", "keystore/ab_sk", "signcerts/cert.pem", "tlscacerts/ca.pem"}
		if got := tree(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("run %d: files %v, want %v", i, got, want)
		}
	}
	for _, rel := range []string{MSPCACert, MSPTLSCACert} {
		if b, _ := os.ReadFile(filepath.Join(dir, rel)); string(b) != string(ca) {
			t.Errorf("%s is not the CA certificate", rel)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "signcerts/cert.pem")); string(b) != "CERT" {
		t.Errorf("signcerts changed: %q", b)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, MSPConfig))
	for _, ou := range []string{"client", "peer", "admin", "orderer"} {
		if !strings.Contains(string(cfg), "OrganizationalUnitIdentifier: "+ou+"\n") {
			t.Errorf("config.yaml lacks the %s OU:\n%s", ou, cfg)
		}
	}
	if strings.Count(string(cfg), "Certificate: cacerts/ca.pem") != 4 || !strings.HasPrefix(string(cfg), "NodeOUs:\n  Enable: true\n") {
		t.Errorf("config.yaml:\n%s", cfg)
	}

	tlsCA := testCACert(t, "tlsca.beijing")
	if err := WriteMSPLayout(dir, ca, tlsCA); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, MSPTLSCACert)); string(b) != string(tlsCA) {
		t.Error("tlscacerts/ca.pem is not the TLS CA certificate")
	}
}

// TestWriteMSPLayoutRefusesWhatIsNoCACertificate: nothing is written.
func TestWriteMSPLayoutRefusesWhatIsNoCACertificate(t *testing.T) {
	ca := testCACert(t, "ca")
	leaf := testCert(t, "peer0", nil)
	cases := []struct {
		name    string
		ca, tls []byte
		want    string
	}{
		{"empty", nil, nil, "is not a PEM certificate"},
		{"garbage", []byte("not pem"), nil, "is not a PEM certificate"},
		{"a key", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil, "is not a PEM certificate"},
		{"two certificates", append(append([]byte{}, ca...), ca...), nil, "more than one PEM block"},
		{"a leaf", leaf, nil, `the certificate of "peer0" is not a CA certificate`},
		{"a leaf as TLS CA", ca, leaf, `TLS CA: the certificate of "peer0" is not a CA certificate`},
		{"broken DER", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, "does not parse"},
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "msp")
		err := WriteMSPLayout(dir, c.ca, c.tls)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
			t.Errorf("%s: %s was created", c.name, dir)
		}
	}
}
