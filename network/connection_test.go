package network

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// writeFixture lays out certificate, key and MSP files under dir, relative to
// which the returned connection description names them.
func writeFixture(t *testing.T, dir string) string {
	t.Helper()
	for _, p := range []string{"tls/ca.pem", "tls/orderer-ca.pem", "u/msp/signcerts/cert.pem", "u/msp/keystore/k_sk", "a/msp/signcerts/cert.pem", "a/msp/keystore/k_sk"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return `{
  "channel": "metrology",
  "chaincode": "metrotrace",
  "orderers": [{"endpoint": "127.0.0.1:17020", "tls_ca_cert": "tls/orderer-ca.pem"}],
  "orgs": [{
    "name": "tianjin",
    "msp_id": "TianjinMSP",
    "peer_endpoint": "127.0.0.1:17051",
    "peer_host_override": "peer0.tianjin.metrotrace.local",
    "peer_tls_ca_cert": "tls/ca.pem",
    "ca": {"url": "https://127.0.0.1:17002", "name": "ca-tianjin", "tls_ca_cert": "tls/ca.pem"},
    "admin": {"name": "tianjinadmin", "role": "admin", "cert": "a/msp/signcerts/cert.pem", "key": "a/msp/keystore/k_sk", "msp_dir": "a/msp"},
    "users": [{"name": "tjim-recorder", "institution": "TJIM", "role": "recorder",
               "cert": "u/msp/signcerts/cert.pem", "key": "u/msp/keystore/k_sk", "msp_dir": "u/msp"}]
  }]
}`
}

func TestLoadConnection(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultConnectionFile)
	if err := os.WriteFile(path, []byte(writeFixture(t, dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConnection(path)
	if err != nil {
		t.Fatalf("LoadConnection: %v", err)
	}
	if c.Channel != "metrology" || c.Chaincode != "metrotrace" {
		t.Fatalf("channel/chaincode = %q/%q", c.Channel, c.Chaincode)
	}
	org, err := c.Org("TianjinMSP")
	if err != nil {
		t.Fatal(err)
	}
	if byName, err := c.Org("tianjin"); err != nil || byName != org {
		t.Fatalf("Org by name = %v, %v", byName, err)
	}
	if want := filepath.Join(dir, "tls/ca.pem"); org.PeerTLSCACert != want {
		t.Errorf("PeerTLSCACert = %q, want %q (resolved against the file's dir)", org.PeerTLSCACert, want)
	}
	u, err := org.UserByRole("TJIM", record.RoleRecorder)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "tjim-recorder" || !filepath.IsAbs(u.Key) || !filepath.IsAbs(u.MSPDir) {
		t.Errorf("user = %+v", u)
	}
	if _, err := org.UserByRole("TJIM", record.RoleInspector); err == nil {
		t.Error("UserByRole(inspector) found a user that does not exist")
	}
	if a, err := org.User("tianjinadmin"); err != nil || a.Role != "admin" {
		t.Errorf("User(tianjinadmin) = %v, %v", a, err)
	}
	cert, key, err := u.ReadCredentials()
	if err != nil || string(cert) != "pem" || string(key) != "pem" {
		t.Errorf("ReadCredentials = %q, %q, %v", cert, key, err)
	}
	if _, err := c.Org("NoSuchMSP"); err == nil {
		t.Error("Org(NoSuchMSP) did not fail")
	}
	// A file without operations endpoints (written before they were
	// recorded) still loads; they stay empty.
	if len(c.Orderers) != 1 || c.Orderers[0].OperationsEndpoint != "" || c.Orderers[0].OperationsTLSCACert != "" {
		t.Errorf("orderers = %+v", c.Orderers)
	}
}

func TestLoadConnectionOrdererOperations(t *testing.T) {
	dir := t.TempDir()
	data := strings.Replace(writeFixture(t, dir), `"tls_ca_cert": "tls/orderer-ca.pem"}`,
		`"tls_ca_cert": "tls/orderer-ca.pem", "operations_endpoint": "127.0.0.1:17040", "operations_tls_ca_cert": "tls/ca.pem"}`, 1)
	c, err := ParseConnection([]byte(data), dir)
	if err != nil {
		t.Fatal(err)
	}
	o := c.Orderers[0]
	if o.OperationsEndpoint != "127.0.0.1:17040" || o.OperationsTLSCACert != filepath.Join(dir, "tls/ca.pem") {
		t.Errorf("orderer = %+v", o)
	}
}

func TestOrgUserFor(t *testing.T) {
	org := &Org{MSPID: "TianjinMSP", Admin: &User{Name: "tianjinadmin", Role: "admin"}, Users: []User{
		{Name: "tjim-recorder", Institution: "TJIM", Role: record.RoleRecorder},
		{Name: "tjim-operator", Institution: "TJIM", Role: record.RoleOperator},
		{Name: "tj-lab2-recorder", Institution: "TJ-LAB2", Role: record.RoleRecorder},
		{Name: "tj-lab2-recorder-7ff4f16c", Institution: "tj-lab2", Role: record.RoleRecorder},
	}}
	for _, tc := range []struct{ role, inst, want string }{
		{record.RoleRecorder, "TJIM", "tjim-recorder"},
		{record.RoleOperator, "TJIM", "tjim-operator"},
		{record.RoleRecorder, "TJ-LAB2", "tj-lab2-recorder"},
		{record.RoleRecorder, "tj-lab2", "tj-lab2-recorder-7ff4f16c"}, // institution ids are case-sensitive
	} {
		u, err := org.UserFor(tc.role, tc.inst)
		if err != nil || u.Name != tc.want {
			t.Errorf("UserFor(%q, %q) = %v, %v; want %s", tc.role, tc.inst, u, err, tc.want)
			continue
		}
		if u != &org.Users[userIndex(org.Users, tc.want)] {
			t.Errorf("UserFor(%q, %q) does not point into org.Users", tc.role, tc.inst)
		}
	}
	for _, tc := range []struct{ role, inst, want string }{
		{record.RoleInspector, "TJIM", `no inspector user for institution "TJIM"`},
		{record.RoleRecorder, "BJIM", `no recorder user for institution "BJIM"`},
		{record.RoleRecorder, "", "no institution given"},
		{"admin", "TJIM", `role "admin"`},
		{"", "TJIM", `role ""`},
	} {
		if u, err := org.UserFor(tc.role, tc.inst); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("UserFor(%q, %q) = %v, %v; want an error containing %q", tc.role, tc.inst, u, err, tc.want)
		}
	}
}

func userIndex(users []User, name string) int {
	for i := range users {
		if users[i].Name == name {
			return i
		}
	}
	return -1
}

func TestLoadConnectionRejects(t *testing.T) {
	dir := t.TempDir()
	good := writeFixture(t, dir)
	cases := []struct {
		name, old, new, want string
	}{
		{"empty channel", `"channel": "metrology"`, `"channel": ""`, "channel is empty"},
		{"empty chaincode", `"chaincode": "metrotrace"`, `"chaincode": " "`, "chaincode is empty"},
		{"bad endpoint", `"peer_endpoint": "127.0.0.1:17051"`, `"peer_endpoint": "127.0.0.1"`, "peer_endpoint"},
		{"bad port", `"peer_endpoint": "127.0.0.1:17051"`, `"peer_endpoint": "127.0.0.1:99999"`, "no valid port"},
		{"missing msp id", `"msp_id": "TianjinMSP"`, `"msp_id": ""`, "msp_id is empty"},
		{"missing cert file", `"peer_tls_ca_cert": "tls/ca.pem"`, `"peer_tls_ca_cert": "tls/nope.pem"`, "peer_tls_ca_cert"},
		{"unknown role", `"role": "recorder"`, `"role": "boss"`, `role "boss"`},
		{"no institution", `"institution": "TJIM"`, `"institution": ""`, "institution is empty"},
		{"msp dir is a file", `"msp_dir": "u/msp"`, `"msp_dir": "u/msp/keystore/k_sk"`, "not a directory"},
		{"no orgs", `"orgs": [{`, `"orgs": [], "x": [{`, "no orgs"},
		{"not json", `{`, `[`, "decode"},
		{"ca url", `"url": "https://127.0.0.1:17002"`, `"url": "127.0.0.1:17002"`, "not an https URL"},
		{"orderer operations endpoint", `"tls_ca_cert": "tls/orderer-ca.pem"}`, `"tls_ca_cert": "tls/orderer-ca.pem", "operations_endpoint": "127.0.0.1"}`, "operations_endpoint"},
		{"orderer operations CA without endpoint", `"tls_ca_cert": "tls/orderer-ca.pem"}`, `"tls_ca_cert": "tls/orderer-ca.pem", "operations_tls_ca_cert": "tls/orderer-ca.pem"}`, "without operations_endpoint"},
		{"orderer operations CA missing", `"tls_ca_cert": "tls/orderer-ca.pem"}`, `"tls_ca_cert": "tls/orderer-ca.pem", "operations_endpoint": "127.0.0.1:17040", "operations_tls_ca_cert": "tls/nope.pem"}`, "operations_tls_ca_cert"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(good, tc.old, tc.new, 1)
			if data == good {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			path := filepath.Join(dir, "c.json")
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConnection(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadConnection error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	dup := strings.Replace(good, `"orgs": [{`, `"orgs": [{"msp_id": "TianjinMSP", "name": "tianjin", "peer_endpoint": "127.0.0.1:1", "peer_tls_ca_cert": "tls/ca.pem", "users": []}, {`, 1)
	if _, err := ParseConnection([]byte(dup), dir); err == nil || !strings.Contains(err.Error(), "duplicate msp_id") {
		t.Fatalf("duplicate org: error = %v", err)
	}
	if _, err := LoadConnection(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing file: no error")
	}
}

func TestLoadGeneratedConnection(t *testing.T) {
	// With a running network (scripts/network.sh up), also check the real file.
	dir := os.Getenv("METROTRACE_NETWORK_DIR")
	if dir == "" {
		t.Skip("METROTRACE_NETWORK_DIR not set: no generated connection.json to check")
	}
	path := filepath.Join(dir, DefaultConnectionFile)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	c, err := LoadConnection(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, msp := range []string{"BeijingMSP", "TianjinMSP", "HebeiMSP"} {
		org, err := c.Org(msp)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{record.RoleOperator, record.RoleRecorder, record.RoleInspector} {
			if _, err := org.UserByRole("", role); err != nil {
				t.Error(err)
			}
		}
		// Users added by "scripts/network.sh enroll": one per institution and role.
		for _, u := range org.Users {
			got, err := org.UserFor(u.Role, u.Institution)
			if err != nil || got.Name != u.Name {
				t.Errorf("%s: UserFor(%q, %q) = %v, %v; want %s (one user per institution and role)", msp, u.Role, u.Institution, got, err, u.Name)
			}
		}
		t.Logf("%s: %d institution users", msp, len(org.Users))
	}
}
