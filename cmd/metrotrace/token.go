package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// tokenRequest is what `metrotrace token` is asked for.
type tokenRequest struct {
	dataDir     string
	server      string // the server to ask while it holds the index
	role        string
	institution string
	msp         string
	subject     string
	ttl         time.Duration
}

func newTokenCommand(env Env) *cobra.Command {
	r := tokenRequest{dataDir: DefaultDataDir, server: DefaultServer, ttl: DefaultTokenTTL}
	cmd := &cobra.Command{
		Use:   "token --role recorder|inspector --institution ID | --role operator --msp MSP",
		Short: "Print a bearer token that a server on the data directory accepts",
		Long: `token signs a token with the secret in DATA_DIR/token-secret (created if
missing), so a server on the same data directory accepts it.

  metrotrace token --role recorder  --institution TJIM
  metrotrace token --role inspector --institution BJIM
  metrotrace token --role operator  --msp BeijingMSP

A recorder or inspector acts for an institution, and the token names the
institution's organization: it is read from the index in DATA_DIR/index when
the institution is registered there, or, while a server holds that index,
asked of the server (--server); else --msp is required. An operator acts for
its organization (--msp). The token alone is printed on standard output.`,
		Example: "  export METROTRACE_TOKEN=$(metrotrace token --role inspector --institution BJIM)",
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			tok, err := issueToken(cmd.Context(), r, env.Stderr)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, tok)
			return nil
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&r.dataDir, "data-dir", r.dataDir, "data directory of the server the token is for")
	withEnv(fs, "data-dir")
	fs.StringVar(&r.server, "server", r.server, "URL of the server on the data directory, asked for the institution's organization while it holds the index")
	withEnv(fs, "server")
	fs.StringVar(&r.role, "role", "", "role: "+strings.Join(record.Roles, ", "))
	fs.StringVar(&r.institution, "institution", "", "institution the bearer acts for (recorder, inspector)")
	fs.StringVar(&r.msp, "msp", "", "organization (MSP id), e.g. BeijingMSP; required for an operator")
	fs.StringVar(&r.subject, "subject", "", "who the token is for (default role@institution)")
	fs.DurationVar(&r.ttl, "ttl", r.ttl, "lifetime of the token")
	return cmd
}

// issueToken validates the request, finds the institution's organization,
// and signs the token. Notes go to notes.
func issueToken(ctx context.Context, r tokenRequest, notes io.Writer) (string, error) {
	switch {
	case r.role == "":
		return "", usageErrorf("--role is required: %s", strings.Join(record.Roles, ", "))
	case !slices.Contains(record.Roles, r.role):
		return "", usageErrorf("unknown role %q: use %s", r.role, strings.Join(record.Roles, ", "))
	case r.dataDir == "":
		return "", usageErrorf("--data-dir must not be empty")
	case r.ttl <= 0:
		return "", usageErrorf("--ttl must be positive, got %v", r.ttl)
	}
	if r.role == auth.RoleOperator {
		if r.msp == "" {
			return "", usageErrorf("an operator token needs --msp (the organization it acts for, e.g. BeijingMSP)")
		}
	} else {
		if r.institution == "" {
			return "", usageErrorf("a %s token needs --institution", r.role)
		}
		if err := record.ValidateID("--institution", r.institution); err != nil {
			return "", usageErrorf("%v", err)
		}
		msp, err := lookupMSP(ctx, r.dataDir, r.server, r.institution)
		switch {
		case err == nil && r.msp != "" && r.msp != msp:
			return "", usageErrorf("institution %s belongs to %s, not %s", r.institution, msp, r.msp)
		case err == nil:
			r.msp = msp
		case r.msp != "":
			fmt.Fprintf(notes, "metrotrace: note: %v; using --msp %s\n", err, r.msp)
		default:
			return "", usageErrorf("%v: pass --msp", err)
		}
	}
	if !mspPattern(r.msp) {
		return "", usageErrorf("--msp %q is not an MSP id (letters, digits, '.', '-', starting with a letter)", r.msp)
	}
	is, err := dataDirIssuer(r.dataDir)
	if err != nil {
		return "", err
	}
	return is.Issue(auth.Claims{Subject: r.subject, Institution: r.institution, Role: r.role, MSP: r.msp}, r.ttl)
}

func mspPattern(s string) bool {
	if s == "" || len(s) > 64 || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// dataDirIssuer signs tokens with the secret of a data directory (created
// if missing), the one its server verifies them with.
func dataDirIssuer(dataDir string) (*auth.Issuer, error) {
	secret, err := auth.LoadOrCreateSecret(filepath.Join(dataDir, secretFileName))
	if err != nil {
		return nil, err
	}
	return &auth.Issuer{Secret: secret}, nil
}

// lookupMSP reads an institution's organization from the index of a data
// directory or, while a server holds that index, from the server at
// server. It fails when there is no index, no server answers for a held
// index, or the institution is not registered.
func lookupMSP(ctx context.Context, dataDir, server, institution string) (string, error) {
	dir := filepath.Join(dataDir, indexDirName)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no index in %s to look up the organization of %s", dir, institution)
	}
	x, err := openIndex(dataDir, slog.New(slog.DiscardHandler))
	if errors.Is(err, errInUse) {
		return askServerMSP(ctx, dataDir, server, institution)
	}
	if err != nil {
		return "", err
	}
	defer x.Close()
	msp, err := institutionMSP(x, institution)
	var re *record.Error
	if errors.As(err, &re) && re.Code == record.NotFound {
		return "", fmt.Errorf("institution %s is not registered (index in %s)", institution, dir)
	}
	return msp, err
}

// lookupTokenTTL is the lifetime of the token the token command shows the
// server to read an institution: long enough for one request.
const lookupTokenTTL = time.Minute

// askServerMSP asks the server holding a data directory's index for an
// institution's organization, from its index. It shows the server a
// short-lived operator token signed with the data directory's secret, so
// only the server of that data directory accepts it: a server that refuses
// it serves another data directory. The institution's organization is
// unknown yet (it is what is asked), so the token names no institution
// and is tried as an operator of each organization of the consortium.
func askServerMSP(ctx context.Context, dataDir, server, institution string) (string, error) {
	held := fmt.Sprintf("a server holds the index in %s", filepath.Join(dataDir, indexDirName))
	is, err := dataDirIssuer(dataDir)
	if err != nil {
		return "", err
	}
	// A server takes only tokens of an organization it serves, so the
	// lookup is an operator token (no institution to check) of each
	// organization of the consortium in turn.
	var data []byte
	var getErr error
	for _, msp := range demoMSPs {
		tok, err := is.Issue(auth.Claims{Subject: "metrotrace token", Role: record.RoleOperator, MSP: msp}, lookupTokenTTL)
		if err != nil {
			return "", err
		}
		c, err := apiclient.New(server, apiclient.WithToken(tok), apiclient.WithUserAgent("metrotrace-cli"),
			apiclient.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
		if err != nil {
			return "", fmt.Errorf("%s, and --server: %v", held, err)
		}
		if data, getErr = c.Get(ctx, "institutions", institution, apiclient.SourceIndex); !apiclient.IsStatus(getErr, http.StatusUnauthorized) {
			break
		}
	}
	err = getErr
	var ae *apiclient.Error
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		return "", fmt.Errorf("institution %s is not registered (asked the server at %s)", institution, server)
	case errors.As(err, &ae) && ae.Status == http.StatusUnauthorized:
		return "", fmt.Errorf("%s, and the server at %s refuses a token of that data directory (%v): it serves another one; set --server", held, server, ae.Message)
	case err != nil:
		return "", fmt.Errorf("%s, and asking the server at %s for the organization of %s failed: %w", held, server, institution, err)
	}
	var in record.Institution
	if err := json.Unmarshal(data, &in); err != nil || in.MSPID == "" {
		return "", fmt.Errorf("the server at %s answered institution %s without an msp_id", server, institution)
	}
	return in.MSPID, nil
}
