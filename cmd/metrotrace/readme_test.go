package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMECurlsWithABodySendJSON fails when a curl example of the README
// sends a body without saying it is JSON: the API answers such a request
// 415 Unsupported Media Type, so a newcomer copying it gets nowhere.
func TestREADMECurlsWithABodySendJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`\s(-d|--data|--data-raw|--data-binary)\s`)
	jsonType := regexp.MustCompile(`(?i)-H\s+['"]Content-Type:\s*application/json['"]`)
	checked := 0
	for n, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "curl ") || !body.MatchString(line) {
			continue
		}
		checked++
		if !jsonType.MatchString(line) {
			t.Errorf("README.md:%d sends a body without -H 'Content-Type: application/json': %s", n+1, line)
		}
	}
	if checked == 0 {
		t.Fatal("no curl example with a body in README.md: the test checks nothing")
	}
}
