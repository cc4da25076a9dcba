package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

func newDCCCommand(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dcc",
		Short: "Digital Calibration Certificates (PTB DCC XML)",
		Args:  exactArgs(0, "a subcommand (import)"),
		RunE:  runE(func(cmd *cobra.Command, _ []string) error { return cmd.Help() }),
	}
	var o clientOptions
	imp := &cobra.Command{
		Use:   "import FILE...",
		Short: "Record the certificates of DCC files and anchor the files on the ledger",
		Long: `dcc import sends each DCC (XML, schema 3.x) to the server, which records the
certificate it describes (issuer from the calibration laboratory, subject from
the item, reference standards from the measuring equipment, results with
uncertainty) with the SHA-256 of the file, and keeps the file. It prints one
line per file and a summary; the exit status is 1 if any file was refused.`,
		Example: "  metrotrace dcc import certs/*.xml",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("expected at least one FILE")
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, files []string) error {
			c, err := o.client()
			if err != nil {
				return err
			}
			bar := newBar(env.Stderr, len(files), "importing DCCs", "file")
			var failed, imported int
			var lines []string
			for _, f := range files {
				data, err := readInput(f, env.Stdin)
				if err != nil {
					failed++
					lines = append(lines, fmt.Sprintf("%s %v", markFail, err))
					_ = bar.Add(1)
					continue
				}
				res, err := c.ImportDCC(cmd.Context(), data)
				var ae *apiclient.Error
				switch {
				case err == nil:
					imported++
					lines = append(lines, fmt.Sprintf("%s %s → %s", markOK, f, describeCertificate(res)))
					lines = append(lines, dccTrustLines(res, "    ")...)
					lines = append(lines, dccProblems(res)...)
				case errors.As(err, &ae):
					failed++
					lines = append(lines, fmt.Sprintf("%s %s: %v", markFail, f, err))
				default:
					_ = bar.Exit()
					for _, l := range lines {
						fmt.Fprintln(env.Stdout, l)
					}
					return o.explain(err)
				}
				_ = bar.Add(1)
			}
			_ = bar.Finish()
			for _, l := range lines {
				fmt.Fprintln(env.Stdout, l)
			}
			fmt.Fprintf(env.Stdout, "%d imported, %d refused, of %d file(s).\n", imported, failed, len(files))
			if failed > 0 {
				return errReported("%d of %d DCC file(s) refused", failed, len(files))
			}
			return nil
		}),
	}
	o.bind(imp.Flags())
	cmd.AddCommand(imp)
	return cmd
}

// describeCertificate names the certificate an answer holds (the stored
// certificate, possibly wrapped in a "certificate" member).
func describeCertificate(raw json.RawMessage) string {
	var c struct {
		ID          string          `json:"id"`
		IssuerID    string          `json:"issuer_id"`
		SubjectID   string          `json:"subject_id"`
		DCCSHA256   string          `json:"dcc_sha256"`
		Certificate json.RawMessage `json:"certificate"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return "imported"
	}
	if c.ID == "" && len(c.Certificate) > 0 {
		return describeCertificate(c.Certificate)
	}
	if c.ID == "" {
		return "imported"
	}
	s := fmt.Sprintf("certificate %s (issuer %s, subject %s)", c.ID, c.IssuerID, c.SubjectID)
	if len(c.DCCSHA256) >= 12 {
		s += ", sha256 " + c.DCCSHA256[:12] + "…"
	}
	return s
}

// dccProblems lists what of a DCC did not map, or was mapped by a rule
// worth knowing, as the server reported it.
func dccProblems(raw json.RawMessage) []string {
	var a struct {
		Problems []struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return nil
	}
	var lines []string
	for _, p := range a.Problems {
		lines = append(lines, fmt.Sprintf("    note: %s: %s", p.Path, p.Message))
	}
	return lines
}
