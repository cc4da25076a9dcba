package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/ccserver"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr string
	}{
		{name: "no address means peer-launched mode", want: config{}},
		{name: "flags give the service address and id", args: []string{"--address", "127.0.0.1:9999", "--id", "metrotrace:abc"},
			want: config{Config: ccserver.Config{Address: "127.0.0.1:9999", ID: "metrotrace:abc"}}},
		{name: "environment is the fallback", env: map[string]string{"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:7", "CHAINCODE_ID": "x:1", "METROTRACE_CC_PPROF": "127.0.0.1:6060"},
			want: config{Config: ccserver.Config{Address: "127.0.0.1:7", ID: "x:1"}, Pprof: "127.0.0.1:6060"}},
		{name: "the pprof flag gives the profile address", args: []string{"--pprof", "[::1]:0"}, want: config{Pprof: "[::1]:0"}},
		{name: "an address without id is refused", args: []string{"--address", "127.0.0.1:9999"}, wantErr: "--id"},
		{name: "a certificate without key is refused", args: []string{"--address", "a:1", "--id", "x", "--tls-cert", "c.pem"}, wantErr: "go together"},
		{name: "a client CA without server TLS is refused", args: []string{"--address", "a:1", "--id", "x", "--tls-client-ca", "ca.pem"}, wantErr: "needs --tls-cert"},
		{name: "stray arguments are refused", args: []string{"serve"}, wantErr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestServerRefusesMissingTLSFiles(t *testing.T) {
	c := ccserver.Config{Address: "127.0.0.1:0", ID: "x", TLSCert: "/nonexistent/cert.pem", TLSKey: "/nonexistent/key.pem"}
	if _, err := c.Server(nil); err == nil || !strings.Contains(err.Error(), "read TLS file") {
		t.Fatalf("error = %v, want a TLS file error", err)
	}
}

func TestPprofListensOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "localhost:0", "127.0.0.1"} {
		if l, err := loopbackListener(addr); err == nil {
			l.Close()
			t.Errorf("loopbackListener(%q) listened on %s, want a refusal", addr, l.Addr())
		}
	}
	err := run([]string{"--pprof", "0.0.0.0:0"}, env(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback IP address") {
		t.Fatalf("run --pprof 0.0.0.0:0: error = %v, want a loopback refusal", err)
	}
}

func TestPprofServesProfiles(t *testing.T) {
	l, err := loopbackListener("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { _ = servePprof(l) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("GET goroutine profile: %d %q", resp.StatusCode, body[:min(len(body), 200)])
	}
}
