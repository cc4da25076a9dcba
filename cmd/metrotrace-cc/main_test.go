package main

import (
	"io"
	"strings"
	"testing"
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
			want: config{Address: "127.0.0.1:9999", ID: "metrotrace:abc"}},
		{name: "environment is the fallback", env: map[string]string{"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:7", "CHAINCODE_ID": "x:1"},
			want: config{Address: "127.0.0.1:7", ID: "x:1"}},
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
	c := config{Address: "127.0.0.1:0", ID: "x", TLSCert: "/nonexistent/cert.pem", TLSKey: "/nonexistent/key.pem"}
	if _, err := c.Server(nil); err == nil || !strings.Contains(err.Error(), "read TLS file") {
		t.Fatalf("error = %v, want a TLS file error", err)
	}
}
