package ops

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // the sdk's protos are APIv1 messages
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric-protos-go/peer"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/config"
	"github.com/hyperledger/fabric-sdk-go/pkg/fab"

	"github.com/metrotrace/metrotrace/network"
)

func TestBlockDataHash(t *testing.T) {
	// Fabric hashes the concatenation of the envelopes, not a hash of hashes.
	data := [][]byte{[]byte("env-one"), []byte("env-two"), {}}
	want := sha256.Sum256([]byte("env-oneenv-two"))
	if got := BlockDataHash(data); !bytes.Equal(got, want[:]) {
		t.Errorf("BlockDataHash = %x, want %x", got, want)
	}
	empty := sha256.Sum256(nil)
	if got := BlockDataHash(nil); !bytes.Equal(got, empty[:]) {
		t.Errorf("BlockDataHash(nil) = %x, want %x", got, empty)
	}
}

func TestBlockHeaderHash(t *testing.T) {
	// Known answer from Fabric's protoutil: number 0 with nil hashes is
	// SEQUENCE { INTEGER 0, OCTET STRING "", OCTET STRING "" }.
	h := &common.BlockHeader{Number: 0}
	der := []byte{0x30, 0x07, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}
	want := sha256.Sum256(der)
	if got := BlockHeaderHash(h); !bytes.Equal(got, want[:]) {
		t.Errorf("BlockHeaderHash(genesis) = %x, want %x", got, want)
	}
	// Large numbers are positive INTEGERs (no sign confusion).
	h = &common.BlockHeader{Number: 1 << 63, PreviousHash: []byte{1}, DataHash: []byte{2}}
	der, _ = asn1.Marshal(asn1Header{Number: new(big.Int).SetUint64(1 << 63), PreviousHash: []byte{1}, DataHash: []byte{2}})
	want = sha256.Sum256(der)
	if got := BlockHeaderHash(h); !bytes.Equal(got, want[:]) {
		t.Errorf("BlockHeaderHash(2^63) = %x, want %x", got, want)
	}
	if BlockHeaderHash(nil) != nil {
		t.Error("BlockHeaderHash(nil) != nil")
	}
}

// testCert makes a PEM certificate with Fabric CA attributes.
func testCert(t *testing.T, cn string, attrs map[string]string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	if attrs != nil {
		v, _ := json.Marshal(map[string]any{"attrs": attrs})
		tpl.ExtraExtensions = []pkix.Extension{{Id: attrOID, Value: v}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func identity(t *testing.T, mspID, cn string, attrs map[string]string) []byte {
	return mustMarshal(t, &msp.SerializedIdentity{Mspid: mspID, IdBytes: testCert(t, cn, attrs)})
}

// testEnvelope builds an endorser transaction envelope.
func testEnvelope(t *testing.T, txID string, creator []byte, endorsers ...[]byte) []byte {
	t.Helper()
	ch := mustMarshal(t, &common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: "metrology", TxId: txID})
	sh := mustMarshal(t, &common.SignatureHeader{Creator: creator, Nonce: []byte("n")})
	var ends []*peer.Endorsement
	for _, e := range endorsers {
		ends = append(ends, &peer.Endorsement{Endorser: e, Signature: []byte("sig")})
	}
	ccAction := mustMarshal(t, &peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: "metrotrace", Version: "1"}})
	prp := mustMarshal(t, &peer.ProposalResponsePayload{ProposalHash: []byte("h"), Extension: ccAction})
	cap := mustMarshal(t, &peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp, Endorsements: ends}})
	tx := mustMarshal(t, &peer.Transaction{Actions: []*peer.TransactionAction{{Header: sh, Payload: cap}}})
	payload := mustMarshal(t, &common.Payload{Header: &common.Header{ChannelHeader: ch, SignatureHeader: sh}, Data: tx})
	return mustMarshal(t, &common.Envelope{Payload: payload, Signature: []byte("sig")})
}

func TestAuditBlock(t *testing.T) {
	txA := strings.Repeat("a", 64)
	txB := strings.Repeat("b", 64)
	creator := identity(t, "TianjinMSP", "tjim-recorder", map[string]string{
		"metrotrace.institution": "TJIM", "metrotrace.role": "recorder", "hf.Type": "client"})
	tj := identity(t, "TianjinMSP", "peer0", nil)
	bj := identity(t, "BeijingMSP", "peer0", nil)
	data := [][]byte{testEnvelope(t, txA, creator, bj), testEnvelope(t, txB, creator, tj, bj, tj)}
	prev := &common.Block{Header: &common.BlockHeader{Number: 6, DataHash: []byte("x")}}
	block := &common.Block{
		Header:   &common.BlockHeader{Number: 7, PreviousHash: BlockHeaderHash(prev.Header), DataHash: BlockDataHash(data)},
		Data:     &common.BlockData{Data: data},
		Metadata: &common.BlockMetadata{Metadata: [][]byte{nil, nil, {byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_MVCC_READ_CONFLICT)}}},
	}
	next := &common.Block{Header: &common.BlockHeader{Number: 8, PreviousHash: BlockHeaderHash(block.Header)}}

	a, err := AuditBlock(block, txB)
	if err != nil {
		t.Fatal(err)
	}
	if a.BlockNumber != 7 || a.TxIndex != 1 || a.BlockTxs != 2 || a.Channel != "metrology" || a.Chaincode != "metrotrace" {
		t.Errorf("location = block %d tx %d of %d on %q cc %q", a.BlockNumber, a.TxIndex, a.BlockTxs, a.Channel, a.Chaincode)
	}
	if a.ValidationCode != "MVCC_READ_CONFLICT" || a.Valid {
		t.Errorf("validation = %s %v, want MVCC_READ_CONFLICT false", a.ValidationCode, a.Valid)
	}
	if !reflect.DeepEqual(a.EndorsingOrgs, []string{"BeijingMSP", "TianjinMSP"}) || len(a.Endorsers) != 3 {
		t.Errorf("endorsing orgs = %v (%d endorsers)", a.EndorsingOrgs, len(a.Endorsers))
	}
	wantAttrs := map[string]string{"metrotrace.institution": "TJIM", "metrotrace.role": "recorder"}
	if a.Creator.MSPID != "TianjinMSP" || a.Creator.Subject != "tjim-recorder" || !reflect.DeepEqual(a.Creator.Attributes, wantAttrs) {
		t.Errorf("creator = %+v", a.Creator)
	}
	if !a.DataHashOK || a.ComputedDataHash != a.DataHash || a.Type != "ENDORSER_TRANSACTION" {
		t.Errorf("data hash ok=%v %s vs %s type %s", a.DataHashOK, a.ComputedDataHash, a.DataHash, a.Type)
	}
	if a.BlockHash != hex.EncodeToString(BlockHeaderHash(block.Header)) {
		t.Errorf("block hash %s", a.BlockHash)
	}
	a.CheckLinks(prev, next)
	if a.PreviousHashOK == nil || !*a.PreviousHashOK || a.NextLinkOK == nil || !*a.NextLinkOK {
		t.Errorf("links prev=%v next=%v", a.PreviousHashOK, a.NextLinkOK)
	}
	if a.OK() {
		t.Error("an invalid transaction's proof must not hold")
	}

	v, err := AuditBlock(block, txA)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid || v.ValidationCode != "VALID" || !reflect.DeepEqual(v.EndorsingOrgs, []string{"BeijingMSP"}) || !v.OK() {
		t.Errorf("tx A: %s %v %v ok=%v", v.ValidationCode, v.Valid, v.EndorsingOrgs, v.OK())
	}

	// Tampering with the data (or a link) is detected.
	tampered := proto.Clone(block).(*common.Block)
	tampered.Data.Data[0] = append([]byte{}, tampered.Data.Data[0]...)
	tampered.Data.Data[0][len(tampered.Data.Data[0])-1] ^= 1
	if x, err := AuditBlock(tampered, txB); err != nil || x.DataHashOK || x.OK() {
		t.Errorf("tampered data: err=%v ok=%v", err, x != nil && x.DataHashOK)
	}
	other := &common.Block{Header: &common.BlockHeader{Number: 6, DataHash: []byte("y")}}
	v.CheckLinks(other, nil)
	if v.PreviousHashOK == nil || *v.PreviousHashOK || v.NextLinkOK != nil || v.OK() {
		t.Errorf("wrong previous block accepted: %v %v", v.PreviousHashOK, v.NextLinkOK)
	}

	if _, err := AuditBlock(block, strings.Repeat("c", 64)); err == nil {
		t.Error("a transaction that is not in the block was found")
	}
	if _, err := AuditBlock(&common.Block{}, txA); err == nil {
		t.Error("an empty block was accepted")
	}
}

func TestValidTxIDAndRecordRef(t *testing.T) {
	if err := ValidTxID(strings.Repeat("0f", 32)); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "abc", strings.Repeat("A", 64), strings.Repeat("a", 65), strings.Repeat("g", 64)} {
		if ValidTxID(bad) == nil {
			t.Errorf("ValidTxID(%q) accepted", bad)
		}
	}
	if d, id, err := ParseRecordRef("certificate/TJ-2024/01"); err != nil || d != "certificate" || id != "TJ-2024/01" {
		t.Errorf("ParseRecordRef = %q %q %v", d, id, err)
	}
	for _, bad := range []string{"", "certificate", "/x", "certificate/"} {
		if _, _, err := ParseRecordRef(bad); err == nil {
			t.Errorf("ParseRecordRef(%q) accepted", bad)
		}
	}
}

func TestEvaluate(t *testing.T) {
	r := &StatusReport{
		Peers: []PeerStatus{
			{Name: "p1", MSPID: "BeijingMSP", Reachable: true, Height: 10},
			{Name: "p2", MSPID: "TianjinMSP", Reachable: true, Height: 10},
			{Name: "p3", MSPID: "HebeiMSP", Reachable: true, Height: 10},
		},
		Chaincode: &ChaincodeStatus{Name: "metrotrace", Sequence: 1, Approvals: map[string]bool{"BeijingMSP": true, "TianjinMSP": true}},
		Orderers:  []OrdererStatus{{Reachable: true}, {Reachable: true}, {Reachable: false, Error: "refused"}},
	}
	r.Evaluate(0)
	if !r.Healthy || r.MaxHeight != 10 || !r.Peers[2].InStep {
		t.Fatalf("healthy network: %+v", r)
	}
	r.Peers[2].Height = 8
	r.Evaluate(0)
	if r.Healthy || r.Peers[2].InStep || r.Peers[2].Behind != 2 || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "behind") {
		t.Errorf("behind: %+v %v", r.Peers[2], r.Problems)
	}
	r.Evaluate(2)
	if !r.Healthy || r.Peers[2].InStep {
		t.Errorf("lag 2 tolerated: healthy=%v %v", r.Healthy, r.Problems)
	}
	r.Peers[2] = PeerStatus{Name: "p3", MSPID: "HebeiMSP", Error: "connection refused"}
	r.Chaincode.Approvals["HebeiMSP"] = false
	r.Orderers[1].Reachable = false
	r.Evaluate(0)
	if r.Healthy || len(r.Problems) != 3 {
		t.Errorf("want unreachable peer, missing approval and lost quorum: %v", r.Problems)
	}
	r.Chaincode = &ChaincodeStatus{Name: "metrotrace", Error: "not committed"}
	r.Orderers = nil
	r.Peers = r.Peers[:2]
	r.Evaluate(0)
	if r.Healthy || len(r.Problems) != 1 {
		t.Errorf("chaincode error: %v", r.Problems)
	}
}

func TestSignaturePolicyString(t *testing.T) {
	role := func(m string) *msp.MSPPrincipal {
		return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE,
			Principal: mustMarshal(t, &msp.MSPRole{MspIdentifier: m, Role: msp.MSPRole_PEER})}
	}
	env := &common.SignaturePolicyEnvelope{
		Rule: &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: 2, Rules: []*common.SignaturePolicy{
			{Type: &common.SignaturePolicy_SignedBy{SignedBy: 0}}, {Type: &common.SignaturePolicy_SignedBy{SignedBy: 1}}}}}},
		Identities: []*msp.MSPPrincipal{role("BeijingMSP"), role("TianjinMSP")},
	}
	if got, want := SignaturePolicyString(env), "OutOf(2, 'BeijingMSP.peer', 'TianjinMSP.peer')"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// testConnection is a connection description like scripts/network.sh writes.
func testConnection(t *testing.T) *network.Connection {
	t.Helper()
	dir := t.TempDir()
	file := func(p string) string {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, testCert(t, "ca", nil), 0o644); err != nil {
			t.Fatal(err)
		}
		return full
	}
	conn := &network.Connection{Channel: "metrology", Chaincode: "metrotrace"}
	for i := 0; i < 3; i++ {
		conn.Orderers = append(conn.Orderers, network.Orderer{
			Endpoint: "127.0.0.1:4702" + string(rune('0'+i)), HostOverride: "orderer" + string(rune('0'+i)) + ".metrotrace.local",
			TLSCACert: file("orgs/orderer/msp/tlscacerts/ca.pem")})
	}
	for i, o := range []struct{ name, msp string }{{"beijing", "BeijingMSP"}, {"tianjin", "TianjinMSP"}, {"hebei", "HebeiMSP"}} {
		msp := filepath.Join(dir, "orgs", o.name, "users", "admin", "msp")
		conn.Orgs = append(conn.Orgs, network.Org{
			Name: o.name, MSPID: o.msp, PeerEndpoint: "127.0.0.1:4705" + string(rune('0'+i)),
			PeerHostOverride: "peer0." + o.name + ".metrotrace.local", PeerTLSCACert: file("orgs/" + o.name + "/msp/tlscacerts/ca.pem"),
			CA:    &network.CA{URL: "https://127.0.0.1:4700" + string(rune('1'+i)), Name: "ca-" + o.name, TLSCACert: file("cas/" + o.name + "/ca-cert.pem")},
			Admin: &network.User{Name: o.name + "admin", Role: "admin", Cert: file("a/" + o.name + "/cert.pem"), Key: file("a/" + o.name + "/key"), MSPDir: msp},
		})
		if err := os.MkdirAll(msp, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.Validate(); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestProfile(t *testing.T) {
	conn := testConnection(t)
	if _, err := Profile(conn, ProfileOptions{Org: "TianjinMSP"}); err == nil {
		t.Error("profile without a store dir accepted")
	}
	if _, err := Profile(conn, ProfileOptions{Org: "ShanghaiMSP", StoreDir: t.TempDir()}); err == nil {
		t.Error("profile for an unknown org accepted")
	}
	raw, err := Profile(conn, ProfileOptions{Org: "TianjinMSP", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Client struct {
			Organization string
		}
		Channels map[string]struct {
			Orderers []string
			Peers    map[string]map[string]bool
		}
		Organizations map[string]struct {
			MSPID                  string `json:"mspid"`
			Peers                  []string
			CertificateAuthorities []string
		}
		Peers          map[string]struct{ URL string }
		EntityMatchers map[string][]struct {
			Pattern    string
			MappedHost string
		}
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	if p.Client.Organization != "tianjin" {
		t.Errorf("client org %q", p.Client.Organization)
	}
	ch := p.Channels["metrology"]
	if !reflect.DeepEqual(ch.Orderers, []string{"orderer0.metrotrace.local", "orderer1.metrotrace.local", "orderer2.metrotrace.local"}) {
		t.Errorf("channel orderers %v", ch.Orderers)
	}
	if len(ch.Peers) != 3 || !ch.Peers["peer0.hebei.metrotrace.local"]["ledgerQuery"] {
		t.Errorf("channel peers %v", ch.Peers)
	}
	if o := p.Organizations["tianjin"]; o.MSPID != "TianjinMSP" || o.Peers[0] != "peer0.tianjin.metrotrace.local" || o.CertificateAuthorities[0] != "ca-tianjin" {
		t.Errorf("org tianjin %+v", o)
	}
	if p.Peers["peer0.beijing.metrotrace.local"].URL != "grpcs://127.0.0.1:47050" {
		t.Errorf("peer url %+v", p.Peers)
	}
	// Every loopback endpoint maps back to its named node, and only to it.
	for kind, names := range map[string][]string{"peer": {"peer0.beijing.metrotrace.local", "peer0.tianjin.metrotrace.local", "peer0.hebei.metrotrace.local"},
		"orderer": {"orderer0.metrotrace.local", "orderer1.metrotrace.local", "orderer2.metrotrace.local"}} {
		ms := p.EntityMatchers[kind]
		if len(ms) != 3 {
			t.Fatalf("%s matchers: %v", kind, ms)
		}
		for i, m := range ms {
			if m.MappedHost != names[i] {
				t.Errorf("%s matcher %d maps to %s, want %s", kind, i, m.MappedHost, names[i])
			}
			re := regexp.MustCompile(m.Pattern)
			ep := "127.0.0.1:4705" + string(rune('0'+i))
			if kind == "orderer" {
				ep = "127.0.0.1:4702" + string(rune('0'+i))
			}
			if !re.MatchString(ep) || !re.MatchString("grpcs://"+ep) || re.MatchString(ep+"0") || re.MatchString("127.0.0.1:47059") {
				t.Errorf("%s pattern %s does not match exactly %s", kind, m.Pattern, ep)
			}
		}
	}

	// The sdk itself reads the profile and resolves a discovered loopback
	// endpoint to the named peer with its TLS host name.
	backends, err := config.FromRaw(raw, "json")()
	if err != nil {
		t.Fatal(err)
	}
	ec, err := fab.ConfigFromBackend(backends...)
	if err != nil {
		t.Fatal(err)
	}
	pc, ok := ec.PeerConfig("127.0.0.1:47051")
	if !ok || pc.URL != "grpcs://127.0.0.1:47051" || pc.GRPCOptions["ssl-target-name-override"] != "peer0.tianjin.metrotrace.local" {
		t.Errorf("peer 127.0.0.1:47051 -> %+v %v", pc, ok)
	}
	oc, ok, _ := ec.OrdererConfig("127.0.0.1:47022")
	if !ok || oc.GRPCOptions["ssl-target-name-override"] != "orderer2.metrotrace.local" {
		t.Errorf("orderer 127.0.0.1:47022 -> %+v %v", oc, ok)
	}
	if cp := ec.ChannelPeers("metrology"); len(cp) != 3 {
		t.Errorf("channel peers: %d", len(cp))
	}
	if co := ec.ChannelOrderers("metrology"); len(co) != 3 {
		t.Errorf("channel orderers: %d", len(co))
	}
}

func TestUserRequestValidate(t *testing.T) {
	r := UserRequest{Institution: "TJ-LAB2", Role: "recorder"}
	if err := r.Validate(); err != nil || r.Name != "tj-lab2-recorder" {
		t.Errorf("valid request: %v name %q", err, r.Name)
	}
	for _, bad := range []UserRequest{
		{Institution: "TJ-LAB2", Role: "admin"},
		{Institution: "TJ-LAB2", Role: "Recorder"},
		{Institution: "TJ-LAB2", Role: ""},
		{Institution: "", Role: "inspector"},
		{Institution: "-bad", Role: "inspector"},
		{Institution: "TJ LAB", Role: "operator"},
		{Institution: "TJIM", Role: "operator", Name: "admin"},
		{Institution: "TJIM", Role: "operator", Name: "peer0"},
		{Institution: "TJIM", Role: "operator", Name: "a/b"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
