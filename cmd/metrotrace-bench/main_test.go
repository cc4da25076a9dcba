package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseIndex(t *testing.T) {
	c, err := parseIndex([]string{"--instruments", "1000000", "--dir", "/tmp/x"}, io.Discard)
	if err != nil || c.instruments != 1000000 || c.dir != "/tmp/x" || c.samples != 10000 || c.batch != 1000 {
		t.Fatalf("config = %+v, %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--instruments", "0"}, "--instruments"},
		{[]string{"--instruments", "10000000"}, "--instruments"},
		{[]string{"--samples", "0"}, "--samples"},
		{[]string{"--impact-runs", "0"}, "--impact-runs"},
		{[]string{"--batch", "6000"}, "--batch"},
		{[]string{"--instruments", "many"}, "invalid value"},
		{[]string{"extra"}, "unexpected"},
	} {
		if _, err := parseIndex(tc.args, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseIndex(%q) = %v, want an error mentioning %q", tc.args, err, tc.want)
		}
	}
}

func TestParseNetwork(t *testing.T) {
	c, err := parseNetwork([]string{"--connection", "c.json", "--concurrency", "50", "--duration", "30s"}, io.Discard)
	if err != nil || c.connection != "c.json" || c.concurrency != 50 || c.duration != 30*time.Second ||
		c.rawChaincode != "benchput" || c.batchTimeout != 100*time.Millisecond || c.rounds != 1 || c.batch != 20 || !c.footprint {
		t.Fatalf("config = %+v, %v", c, err)
	}
	if c, err := parseNetwork([]string{"--print-certificate"}, io.Discard); err != nil || !c.printCert {
		t.Fatalf("--print-certificate needs no connection: %+v, %v", c, err)
	}
	var out strings.Builder
	if err := run([]string{"network", "--print-certificate"}, &out, io.Discard); err != nil ||
		!strings.HasPrefix(out.String(), `{"id":"TJENT-2024-0042",`) || !strings.Contains(out.String(), `"subject_id":"TJ-BAL-001"`) {
		t.Fatalf("--print-certificate printed %q, %v", out.String(), err)
	}
	if c, err := parseNetwork([]string{"--print-users", "--concurrency", "9"}, io.Discard); err != nil || !c.printUsers {
		t.Fatalf("--print-users needs no connection: %+v, %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--connection is required"},
		{[]string{"--connection", "c", "--concurrency", "0"}, "--concurrency"},
		{[]string{"--connection", "c", "--duration", "0s"}, "--duration"},
		{[]string{"--connection", "c", "--duration", "30"}, "invalid value"},
		{[]string{"--connection", "c", "--warmup", "-1s"}, "--warmup"},
		{[]string{"--connection", "c", "--rounds", "0"}, "--rounds"},
		{[]string{"--connection", "c", "--raw-chaincode", ""}, "--raw-chaincode"},
		{[]string{"--connection", "c", "--batch-timeout", "0s"}, "--batch-timeout"},
		{[]string{"--connection", "c", "--batch", "-1"}, "--batch must be from 0"},
		{[]string{"--connection", "c", "--batch", "501"}, "--batch must be from 0"},
		{[]string{"--connection", "c", "x"}, "unexpected"},
	} {
		if _, err := parseNetwork(tc.args, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseNetwork(%q) = %v, want an error mentioning %q", tc.args, err, tc.want)
		}
	}
}

func TestRunDispatch(t *testing.T) {
	if err := run(nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("no command: %v", err)
	}
	if err := run([]string{"bogus"}, io.Discard, io.Discard); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown command: %v", err)
	}
	if err := run([]string{"index", "-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("index -h: %v", err)
	}
	// A refused flag of any subcommand is a usage error (exit status 2).
	for _, args := range [][]string{{"case", "--chunk", "0"}, {"embedded", "--single", "-1"}, {"index", "--instruments", "0"}, {"network", "--batch", "-1"}, {"case", "--nope"}} {
		if err := run(args, io.Discard, io.Discard); !errors.As(err, new(argsError)) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	var out strings.Builder
	if err := run([]string{"network", "--print-users", "--concurrency", "4"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TianjinMSP TJ-ENT recorder", "BeijingMSP NIM recorder", "BeijingMSP BENCH-W000 recorder", "TianjinMSP BENCH-W001 recorder", "HebeiMSP BENCH-W002 recorder", "BeijingMSP BENCH-W003 recorder"} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("--print-users lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "BENCH-W004") {
		t.Errorf("--print-users prints more submitters than --concurrency:\n%s", out.String())
	}
}

func TestIndexRunsSmall(t *testing.T) {
	var out strings.Builder
	dir := t.TempDir() + "/idx"
	args := []string{"index", "--instruments", "300", "--samples", "50", "--impact-runs", "1", "--batch", "500", "--dir", dir}
	if err := run(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"trace depth 8", "impact of STD-6", "process RSS after build", "on-disk size"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// A second run reuses the index; another size is refused without --rebuild.
	out.Reset()
	if err := run(args, &out, io.Discard); err != nil || !strings.Contains(out.String(), "reused") {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	other := append(args[:len(args):len(args)], "--instruments", "200")
	if err := run(other, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--rebuild") {
		t.Fatalf("another size: %v", err)
	}
	if err := run(append(other, "--rebuild"), io.Discard, io.Discard); err != nil {
		t.Fatalf("--rebuild: %v", err)
	}
}

func TestPrepareDirRefusesForeignData(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/precious", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := prepareDir(dir, 10, true); err == nil || !strings.Contains(err.Error(), "not a metrotrace-bench index") {
		t.Fatalf("foreign dir: %v", err)
	}
}

func TestParseEmbeddedRefusesBadFlags(t *testing.T) {
	c, err := parseEmbedded([]string{"--single", "10", "--certificates", "1000", "--instruments", "5"}, io.Discard)
	if err != nil || c.single != 10 || c.batched != 1000 || c.instruments != 5 {
		t.Fatalf("parseEmbedded = %+v, %v", c, err)
	}
	for _, args := range [][]string{{"--single", "0"}, {"--certificates", "-1"}, {"--instruments", "0"}, {"extra"}, {"--nope"}} {
		if _, err := parseEmbedded(args, io.Discard); err == nil {
			t.Errorf("parseEmbedded(%q) accepted", args)
		}
	}
}

func TestParseIndexRefusesBadHTTPAndSupervisionFlags(t *testing.T) {
	c, err := parseIndex([]string{"--http-clients", "16", "--http-duration", "2s", "--supervision-runs", "7", "--cpuprofile", "t.prof"}, io.Discard)
	if err != nil || c.httpClients != 16 || c.httpDuration != 2*time.Second || c.supervisionRuns != 7 || c.cpuProfile != "t.prof" {
		t.Fatalf("parseIndex = %+v, %v", c, err)
	}
	for _, args := range [][]string{{"--http-clients", "-1"}, {"--http-clients", "300"}, {"--http-clients", "4", "--http-duration", "0s"}, {"--supervision-runs", "0"},
		{"--cpuprofile", "t.prof"}} {
		if _, err := parseIndex(args, io.Discard); err == nil {
			t.Errorf("parseIndex(%q) accepted", args)
		}
	}
}
