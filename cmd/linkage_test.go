// Package cmd holds no code, only the linkage test of the binaries under
// cmd/ (and of every test binary of the module).
//
// fabric-sdk-go registers the Fabric protobuf types of the old
// github.com/hyperledger/fabric-protos-go module; fabric-gateway and
// fabric-contract-api-go/v2 register those of fabric-protos-go-apiv2 under the
// same names. Linked into one program, they panic at start-up ("proto:
// message … is already registered"). So fabric-sdk-go lives only in
// cmd/metrotrace-ops, and this test fails if any program links both sides.
package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Module paths of the two sides that must never meet in one program.
const (
	modSDK         = "github.com/hyperledger/fabric-sdk-go"
	modGateway     = "github.com/hyperledger/fabric-gateway"
	modContractAPI = "github.com/hyperledger/fabric-contract-api-go/v2"
	modProtosOld   = "github.com/hyperledger/fabric-protos-go"
	modProtosV2    = "github.com/hyperledger/fabric-protos-go-apiv2"
)

// listedPackage is the part of "go list -json" output the test needs.
type listedPackage struct {
	ImportPath string
	Name       string
	ForTest    string
	Imports    []string
	Module     *struct{ Path string }
}

// conflict reports why a program whose packages come from the given module
// paths cannot start, or "" if it can. mods holds the module path of every
// package the program links.
func conflict(mods map[string]bool) string {
	var probs []string
	if mods[modSDK] {
		for _, m := range []string{modGateway, modContractAPI} {
			if mods[m] {
				probs = append(probs, fmt.Sprintf("links both %s and %s", modSDK, m))
			}
		}
	}
	if mods[modProtosOld] && mods[modProtosV2] {
		probs = append(probs, fmt.Sprintf("links both %s and %s (same protobuf names)", modProtosOld, modProtosV2))
	}
	return strings.Join(probs, "; ")
}

// goList runs "go list -e -json args..." in the module root and decodes the
// stream of packages it prints.
func goList(t *testing.T, args ...string) []listedPackage {
	t.Helper()
	root := moduleRoot(t)
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Name,ForTest,Imports,Module"}, args...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatal("not inside a Go module")
	}
	return filepath.Dir(gomod)
}

// linkedModules returns, for each root package, the set of module paths of
// every package it links (itself included), walking the import graph that
// "go list -deps" printed.
func linkedModules(pkgs []listedPackage, roots []string) map[string]map[string]bool {
	byPath := make(map[string]*listedPackage, len(pkgs))
	for i := range pkgs {
		byPath[pkgs[i].ImportPath] = &pkgs[i]
	}
	res := make(map[string]map[string]bool, len(roots))
	for _, root := range roots {
		mods := map[string]bool{}
		seen := map[string]bool{root: true}
		stack := []string{root}
		for len(stack) > 0 {
			p := byPath[stack[len(stack)-1]]
			stack = stack[:len(stack)-1]
			if p == nil {
				continue
			}
			if p.Module != nil {
				mods[p.Module.Path] = true
			}
			for _, imp := range p.Imports {
				if !seen[imp] {
					seen[imp] = true
					stack = append(stack, imp)
				}
			}
		}
		res[root] = mods
	}
	return res
}

// TestBinariesDoNotLinkSDKAndGateway runs "go list -deps" for every binary
// under ./cmd and fails if one of them depends on both fabric-sdk-go and
// fabric-gateway or fabric-contract-api-go/v2.
func TestBinariesDoNotLinkSDKAndGateway(t *testing.T) {
	var mains []string
	for _, p := range goList(t, "./...") {
		if p.Name == "main" && strings.Contains(p.ImportPath, "/cmd/") {
			mains = append(mains, p.ImportPath)
		}
	}
	if len(mains) == 0 {
		t.Fatal("no main packages under ./cmd")
	}
	sort.Strings(mains)
	for _, m := range mains {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", m).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("go list -deps %s: %v\n%s", m, err, ee.Stderr)
			}
			t.Fatalf("go list -deps %s: %v", m, err)
		}
		mods := map[string]bool{}
		for _, line := range strings.Fields(string(out)) {
			mods[line] = true
		}
		if c := conflict(mods); c != "" {
			t.Errorf("binary %s %s: it would panic at start-up (keep fabric-sdk-go in cmd/metrotrace-ops only)", m, c)
		} else {
			t.Logf("%s: ok (fabric-sdk-go %v, fabric-gateway %v, contract-api v2 %v)", m, mods[modSDK], mods[modGateway], mods[modContractAPI])
		}
	}
}

// TestTestBinariesDoNotLinkSDKAndGateway checks every test binary of the
// module the same way: a test linking both sides would panic before it runs
// (integration tests that use fabric-gateway to feed metrotrace-ops must live
// in a package of their own).
func TestTestBinariesDoNotLinkSDKAndGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("lists the dependencies of every test binary")
	}
	pkgs := goList(t, "-deps", "-test", "./...")
	var roots []string
	for _, p := range pkgs {
		if p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test") {
			roots = append(roots, p.ImportPath)
		}
	}
	if len(roots) == 0 {
		t.Fatal("no test binaries found")
	}
	sort.Strings(roots)
	for root, mods := range linkedModules(pkgs, roots) {
		if c := conflict(mods); c != "" {
			t.Errorf("test binary %s %s", root, c)
		}
	}
}

// TestConflict checks the decision itself, so that a green run means the
// check looked and not that it matched nothing.
func TestConflict(t *testing.T) {
	cases := []struct {
		mods []string
		bad  bool
	}{
		{[]string{modSDK, modProtosOld}, false},
		{[]string{modGateway, modProtosV2}, false},
		{[]string{modContractAPI, modProtosV2, modGateway}, false},
		{[]string{modSDK, modGateway}, true},
		{[]string{modSDK, modContractAPI}, true},
		{[]string{modProtosOld, modProtosV2}, true},
		{[]string{"github.com/hyperledger/fabric-sdk-go-extra", modGateway}, false},
	}
	for _, c := range cases {
		mods := map[string]bool{}
		for _, m := range c.mods {
			mods[m] = true
		}
		if got := conflict(mods) != ""; got != c.bad {
			t.Errorf("conflict(%v) = %v, want %v", c.mods, got, c.bad)
		}
	}
	// The graph walk follows imports transitively, through test variants.
	pkgs := []listedPackage{
		{ImportPath: "a.test", Name: "main", Imports: []string{"a [a.test]"}},
		{ImportPath: "a [a.test]", Imports: []string{"b"}, Module: &struct{ Path string }{"example.com/a"}},
		{ImportPath: "b", Imports: []string{"c"}, Module: &struct{ Path string }{modSDK}},
		{ImportPath: "c", Module: &struct{ Path string }{modGateway}},
	}
	got := linkedModules(pkgs, []string{"a.test"})["a.test"]
	if !got[modSDK] || !got[modGateway] || conflict(got) == "" {
		t.Errorf("linkedModules = %v, want both sides found", got)
	}
}
