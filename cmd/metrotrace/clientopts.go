package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

// DefaultServer is the server client commands talk to.
const DefaultServer = "http://127.0.0.1:8080"

// Output formats of client commands.
const (
	outputText = "text"
	outputJSON = "json"
)

// clientOptions are the flags every client command shares.
type clientOptions struct {
	server  string
	token   string
	output  string
	timeout time.Duration
}

func (o *clientOptions) bind(fs *pflag.FlagSet) {
	o.server, o.output, o.timeout = DefaultServer, outputText, apiclient.DefaultTimeout
	fs.StringVar(&o.server, "server", o.server, "URL of the metrotrace server")
	fs.StringVar(&o.token, "token", "", "bearer token (see metrotrace token)")
	fs.StringVarP(&o.output, "output", "o", o.output, "output format: text or json")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "time limit of one request")
	for _, name := range []string{"server", "token", "output"} {
		withEnv(fs, name)
	}
}

// client validates the options and returns an API client.
func (o *clientOptions) client() (*apiclient.Client, error) {
	if o.output != outputText && o.output != outputJSON {
		return nil, usageErrorf("--output %q is not text or json", o.output)
	}
	if o.timeout <= 0 {
		return nil, usageErrorf("--timeout must be positive, got %v", o.timeout)
	}
	c, err := apiclient.New(o.server, apiclient.WithToken(o.token), apiclient.WithUserAgent("metrotrace-cli"),
		apiclient.WithHTTPClient(&http.Client{Timeout: o.timeout}))
	if err != nil {
		return nil, usageErrorf("--server: %v", err)
	}
	return c, nil
}

// clientFor returns the client of the options and the --source a
// command was given, both checked.
func (o *clientOptions) clientFor(source string) (*apiclient.Client, apiclient.Source, error) {
	src, err := parseSource(source)
	if err != nil {
		return nil, src, err
	}
	c, err := o.client()
	return c, src, err
}

// explain turns a client error into the message the user sees: the
// server's own message for a refusal, a hint for a missing token or an
// unreachable server.
func (o *clientOptions) explain(err error) error {
	if err == nil {
		return nil
	}
	var ae *apiclient.Error
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && o.token == "":
		return fmt.Errorf("%w; this needs a token: pass --token or set METROTRACE_TOKEN (make one with `metrotrace token`)", err)
	case errors.As(err, &ae):
		return err
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("cannot reach the metrotrace server at %s (is `metrotrace serve` running? set --server or METROTRACE_SERVER): %w", o.server, err)
}

// source reads --source.
func parseSource(s string) (apiclient.Source, error) {
	switch s {
	case "", "index":
		return apiclient.SourceIndex, nil
	case "ledger":
		return apiclient.SourceLedger, nil
	}
	return "", usageErrorf("--source %q is not index or ledger", s)
}

// checkDate validates a YYYY-MM-DD flag value ("" allowed unless required).
func checkDate(flag, v string, required bool) error {
	if v == "" {
		if required {
			return usageErrorf("--%s (YYYY-MM-DD) is required", flag)
		}
		return nil
	}
	if _, err := record.ParseDate(v); err != nil {
		return usageErrorf("--%s: %v", flag, err)
	}
	return nil
}
