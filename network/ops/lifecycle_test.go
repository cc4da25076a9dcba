package ops

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // the sdk's protos are APIv1 messages
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/resmgmt"
	lcpackager "github.com/hyperledger/fabric-sdk-go/pkg/fab/ccpackager/lifecycle"
	"github.com/hyperledger/fabric-sdk-go/pkg/fab/resource"

	"github.com/metrotrace/metrotrace/network"
)

func TestCCaaSPackage(t *testing.T) {
	conn := []byte(`{"address":"{{address}}","dial_timeout":"10s","tls_required":false}` + "\n")
	pkg, err := CCaaSPackage("metrotrace_7", conn)
	if err != nil {
		t.Fatal(err)
	}
	md, err := ReadPackageMetadata(pkg)
	if err != nil || md.Type != "ccaas" || md.Label != "metrotrace_7" {
		t.Fatalf("metadata %+v, %v", md, err)
	}
	again, _ := CCaaSPackage("metrotrace_7", conn)
	if !bytes.Equal(pkg, again) {
		t.Error("the same package built twice differs (package id would change)")
	}
	id := lcpackager.ComputePackageID(md.Label, pkg)
	if !strings.HasPrefix(id, "metrotrace_7:") || len(id) != len("metrotrace_7:")+64 {
		t.Errorf("package id %q", id)
	}
	if _, err := CCaaSPackage("", conn); err == nil {
		t.Error("package without a label")
	}
	if _, err := ReadPackageMetadata([]byte("not a package")); err == nil {
		t.Error("garbage read as a package")
	}
	var noMeta bytes.Buffer
	if err := writeTarGz(&noMeta, map[string][]byte{"code.tar.gz": {1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPackageMetadata(noMeta.Bytes()); err == nil || !strings.Contains(err.Error(), "no metadata.json") {
		t.Errorf("package without metadata.json: %v", err)
	}
}

// testCRL is a PEM CRL signed by a fresh key, revoking one serial.
func testCRL(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCRLSign | x509.KeyUsageCertSign,
		SubjectKeyId: []byte{1, 2, 3, 4}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now(), NextUpdate: time.Now().Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: big.NewInt(42), RevocationTime: time.Now()}}}, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crl})
}

func testChannelConfig(t *testing.T) *common.Config {
	t.Helper()
	org := func(id string) *common.ConfigGroup {
		fc, _ := proto.Marshal(&msp.FabricMSPConfig{Name: id, RootCerts: [][]byte{[]byte("root of " + id)}})
		mc, _ := proto.Marshal(&msp.MSPConfig{Config: fc})
		return &common.ConfigGroup{Version: 0, ModPolicy: "Admins",
			Values:   map[string]*common.ConfigValue{"MSP": {Version: 0, ModPolicy: "Admins", Value: mc}},
			Policies: map[string]*common.ConfigPolicy{"Admins": {ModPolicy: "Admins"}}}
	}
	return &common.Config{Sequence: 3, ChannelGroup: &common.ConfigGroup{Version: 1, ModPolicy: "Admins", Groups: map[string]*common.ConfigGroup{
		"Application": {Version: 1, ModPolicy: "Admins", Groups: map[string]*common.ConfigGroup{
			"Tianjin": org("TianjinMSP"), "Beijing": org("BeijingMSP")}}}}}
}

func TestRevocationListUpdate(t *testing.T) {
	crlPEM := testCRL(t)
	if crl, err := parseCRL(crlPEM); err != nil || len(crl.RevokedCertificateEntries) != 1 {
		t.Fatalf("parseCRL: %v", err)
	}
	if _, err := parseCRL(append(append([]byte{}, crlPEM...), crlPEM...)); err == nil {
		t.Error("two CRLs accepted as one")
	}
	cur := testChannelConfig(t)
	next, err := withRevocationList(cur, "TianjinMSP", crlPEM)
	if err != nil {
		t.Fatal(err)
	}
	if _, fc, _ := orgGroup(cur, "TianjinMSP"); len(fc.RevocationList) != 0 {
		t.Error("the current configuration was modified")
	}
	_, fc, err := orgGroup(next, "TianjinMSP")
	if err != nil || len(fc.RevocationList) != 1 || !bytes.Equal(fc.RevocationList[0], crlPEM) || string(fc.RootCerts[0]) != "root of TianjinMSP" {
		t.Fatalf("new MSP config %+v, %v", fc, err)
	}
	if again, err := withRevocationList(next, "TianjinMSP", crlPEM); err != nil || again != nil {
		t.Errorf("same CRL again: %v %v", again, err)
	}
	if _, err := withRevocationList(cur, "HebeiMSP", crlPEM); err == nil {
		t.Error("unknown MSP accepted")
	}

	up, err := resmgmt.CalculateConfigUpdate("metrology", cur, next)
	if err != nil {
		t.Fatal(err)
	}
	ws := up.WriteSet.Groups["Application"].Groups["Tianjin"]
	if up.ChannelId != "metrology" || ws == nil || ws.Values["MSP"].Version != 1 || ws.Values["MSP"].ModPolicy != "Admins" ||
		up.WriteSet.Groups["Application"].Groups["Beijing"] != nil || up.ReadSet.Groups["Application"].Groups["Tianjin"].Version != 0 {
		t.Errorf("config update %v", up)
	}
	env, err := configUpdateEnvelope("metrology", up)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := resource.ExtractChannelConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	back := &common.ConfigUpdate{}
	if err := proto.Unmarshal(raw, back); err != nil || !proto.Equal(back, up) {
		t.Errorf("envelope round trip: %v", err)
	}
}

// TestOrgPackages: one package serves every admin's organization; per
// organization, each needs its own, of one type, and none for an unknown
// organization.
func TestOrgPackages(t *testing.T) {
	conn := []byte(`{"address":"127.0.0.1:1","dial_timeout":"10s","tls_required":false}` + "\n")
	a, _ := CCaaSPackage("benchput_1", conn)
	b, _ := CCaaSPackage("benchput_1", []byte(`{"address":"127.0.0.1:2","dial_timeout":"10s","tls_required":false}`+"\n"))
	var extType bytes.Buffer
	if err := writeTarGz(&extType, map[string][]byte{"metadata.json": []byte(`{"type":"external","label":"benchput_1"}`), "code.tar.gz": {1}}); err != nil {
		t.Fatal(err)
	}
	admins := []*network.Org{{MSPID: "BeijingMSP"}, {MSPID: "TianjinMSP"}}
	idA, idB := lcpackager.ComputePackageID("benchput_1", a), lcpackager.ComputePackageID("benchput_1", b)
	if idA == idB {
		t.Fatal("two packages naming different servers have one id")
	}

	got, err := orgPackages(DeployRequest{Package: a}, admins)
	if err != nil || len(got) != 2 || got["BeijingMSP"].id != idA || got["TianjinMSP"].id != idA {
		t.Fatalf("one package: %v, %v", got, err)
	}
	got, err = orgPackages(DeployRequest{Packages: map[string][]byte{"BeijingMSP": a, "TianjinMSP": b}}, admins)
	if err != nil || got["BeijingMSP"].id != idA || got["TianjinMSP"].id != idB || got["TianjinMSP"].md.Label != "benchput_1" {
		t.Fatalf("per org: %v, %v", got, err)
	}
	for _, c := range []struct {
		name string
		pkgs map[string][]byte
		want string
	}{
		{"one missing", map[string][]byte{"BeijingMSP": a}, "no package for TianjinMSP"},
		{"an unknown org", map[string][]byte{"BeijingMSP": a, "TianjinMSP": b, "EvilMSP": a}, "a package for EvilMSP, which is no organization"},
		{"mixed types", map[string][]byte{"BeijingMSP": a, "TianjinMSP": extType.Bytes()}, "the package of TianjinMSP is of type external, that of BeijingMSP of type ccaas"},
		{"not a package", map[string][]byte{"BeijingMSP": a, "TianjinMSP": []byte("junk")}, "package of TianjinMSP:"},
	} {
		if _, err := orgPackages(DeployRequest{Packages: c.pkgs}, admins); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	cl := &Client{conn: &network.Connection{Chaincode: "metrotrace"}}
	for _, req := range []DeployRequest{{}, {Package: a, Packages: map[string][]byte{"BeijingMSP": a}}} {
		if _, err := cl.Deploy(t.Context(), req); err == nil || !strings.Contains(err.Error(), "not both or neither") {
			t.Errorf("Deploy(%d bytes, %d packages): %v", len(req.Package), len(req.Packages), err)
		}
	}
}
