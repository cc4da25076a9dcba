package ccserver

import (
	"flag"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		c        Config
		required bool
		want     string
	}{
		{"no address is peer-launched mode", Config{}, false, ""},
		{"an address needs an id", Config{Address: "127.0.0.1:1"}, false, "--id"},
		{"a service must have both", Config{ID: "x"}, true, "are required"},
		{"certificate and key go together", Config{Address: "a:1", ID: "x", TLSKey: "k"}, false, "go together"},
		{"a client CA needs server TLS", Config{Address: "a:1", ID: "x", TLSClientCA: "ca"}, false, "needs --tls-cert"},
		{"full TLS is fine", Config{Address: "a:1", ID: "x", TLSCert: "c", TLSKey: "k", TLSClientCA: "ca"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check(tt.required)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Check = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBindFallsBackToTheEnvironment(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	env := map[string]string{"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:9", "CHAINCODE_ID": "cc:1"}
	c.Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--id", "cc:2"}); err != nil {
		t.Fatal(err)
	}
	if c.Address != "127.0.0.1:9" || c.ID != "cc:2" || c.TLS() {
		t.Fatalf("config = %+v", c)
	}
	if _, err := (Config{Address: "a:1", ID: "x", TLSCert: "/no/such.pem", TLSKey: "/no/key.pem"}).Server(nil); err == nil {
		t.Fatal("missing TLS files accepted")
	}
}
