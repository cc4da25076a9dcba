package identity

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// creatorStub is the one stub method cid needs.
type creatorStub struct{ creator []byte }

func (s creatorStub) GetCreator() ([]byte, error) { return s.creator, nil }

func TestIssuedIdentityCarriesMSPAndAttributesAsFabricCADoes(t *testing.T) {
	ca, err := NewCA("TianjinMSP")
	if err != nil {
		t.Fatal(err)
	}
	id, err := ca.Issue("recorder@TJIM", map[string]string{"metrotrace.institution": "TJIM", "metrotrace.role": "recorder"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.Verify(id); err != nil {
		t.Fatalf("CA does not verify its own identity: %v", err)
	}
	client, err := cid.New(creatorStub{id.Serialized()})
	if err != nil {
		t.Fatal(err)
	}
	if msp, _ := client.GetMSPID(); msp != "TianjinMSP" {
		t.Fatalf("MSP = %q, want TianjinMSP", msp)
	}
	for name, want := range map[string]string{"metrotrace.institution": "TJIM", "metrotrace.role": "recorder"} {
		got, found, err := client.GetAttributeValue(name)
		if err != nil || !found || got != want {
			t.Fatalf("attribute %s = %q (found %v, err %v), want %q", name, got, found, err, want)
		}
	}
	var sid msp.SerializedIdentity
	if err := proto.Unmarshal(id.Serialized(), &sid); err != nil || sid.Mspid != "TianjinMSP" {
		t.Fatalf("serialized identity = %v, %v", sid.Mspid, err)
	}
}

func TestIdentityWithoutAttributesHasNone(t *testing.T) {
	ca, err := NewCA("BeijingMSP")
	if err != nil {
		t.Fatal(err)
	}
	id, err := ca.Issue("admin", nil)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := id.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := Attributes(cert)
	if err != nil || len(attrs) != 0 {
		t.Fatalf("attributes = %v, %v; want none", attrs, err)
	}
}

func TestCARefusesForeignIdentities(t *testing.T) {
	bj, _ := NewCA("BeijingMSP")
	tj, _ := NewCA("TianjinMSP")
	id, _ := tj.Issue("x", nil)
	if err := bj.Verify(id); err == nil {
		t.Fatal("Beijing CA verified a Tianjin identity")
	}
	reloaded, err := LoadCA("TianjinMSP", tj.CertPEM, tj.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if err := reloaded.Verify(id); err != nil {
		t.Fatalf("reloaded CA: %v", err)
	}
	if _, err := LoadCA("X", []byte("not pem"), tj.KeyPEM); err == nil {
		t.Fatal("LoadCA accepted a non-PEM certificate")
	}
}
