package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

// kindsHelp lists the record kinds for usage texts.
const kindsHelp = "institution, capability, standard, instrument, certificate, comparison or agreement"

func newGetCommand(env Env) *cobra.Command {
	var o clientOptions
	var source string
	cmd := &cobra.Command{
		Use:     "get KIND ID",
		Short:   "Show a record",
		Long:    "get shows a record of a kind (" + kindsHelp + ") by id, from the server's index or, with --source ledger, from the chaincode.",
		Example: "  metrotrace get certificate BJIM-M-2024-0001\n  metrotrace get instrument INS-0042 --source ledger -o json",
		Args:    exactArgs(2, "KIND and ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			kind, err := apiclient.ParseKind(args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			c, src, err := o.clientFor(source)
			if err != nil {
				return err
			}
			rec, err := c.Get(cmd.Context(), kind.Plural, args[1], src)
			if err != nil {
				return o.explain(err)
			}
			return writeJSON(env.Stdout, rec)
		}),
	}
	o.bind(cmd.Flags())
	cmd.Flags().StringVar(&source, "source", "", "where to read: index (default) or ledger")
	return cmd
}

func newHistoryCommand(env Env) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:     "history KIND ID",
		Short:   "Show every version of a record, oldest first, with its transaction",
		Example: "  metrotrace history standard STD-BJIM-MASS-1",
		Args:    exactArgs(2, "KIND and ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			kind, err := apiclient.ParseKind(args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			h, err := c.History(cmd.Context(), kind.Plural, args[1])
			if err != nil {
				return o.explain(err)
			}
			if o.output == outputJSON {
				return writeJSON(env.Stdout, h)
			}
			return printHistory(env.Stdout, h)
		}),
	}
	o.bind(cmd.Flags())
	return cmd
}

func newTraceCommand(env Env) *cobra.Command {
	var o clientOptions
	var at, source string
	cmd := &cobra.Command{
		Use:   "trace SUBJECT",
		Short: "Is a standard or instrument traceable to a national primary standard? Link by link",
		Long: `trace walks from a standard or instrument up through the reference standards of
its certificates to primary standards, and reports every check of every link.
The exit status is 0 whatever the verdict; read it from the output.`,
		Example: "  metrotrace trace INS-0042\n  metrotrace trace INS-0042 --at 2024-01-31 --source ledger",
		Args:    exactArgs(1, "SUBJECT (a standard or instrument id)"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := checkDate("at", at, false); err != nil {
				return err
			}
			return askServer(env, &o, source, func(c *apiclient.Client, src apiclient.Source) (*rules.TraceReport, error) {
				return c.Trace(cmd.Context(), args[0], at, src)
			}, printTrace)
		}),
	}
	o.bind(cmd.Flags())
	cmd.Flags().StringVar(&at, "at", "", "date of the question, YYYY-MM-DD (default: the server's today)")
	cmd.Flags().StringVar(&source, "source", "", "where to ask: index (default) or ledger (the chaincode)")
	return cmd
}

func newImpactCommand(env Env) *cobra.Command {
	var o clientOptions
	var since, source string
	var withPaths, stream bool
	cmd := &cobra.Command{
		Use:     "impact STANDARD --since DATE",
		Short:   "What did a standard found out of tolerance affect since a date?",
		Example: "  metrotrace impact STD-TJIM-PRES-1 --since 2024-03-03",
		Args:    exactArgs(1, "STANDARD (a standard id)"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := checkDate("since", since, true); err != nil {
				return err
			}
			if stream {
				if withPaths {
					return usageErrorf("--paths and --stream exclude each other: each streamed certificate names its reference standard")
				}
				return streamImpact(cmd.Context(), env, &o, source, args[0], since)
			}
			return askServer(env, &o, source, func(c *apiclient.Client, src apiclient.Source) (*rules.ImpactSet, error) {
				return c.Impact(cmd.Context(), args[0], since, withPaths, src)
			}, printImpact)
		}),
	}
	o.bind(cmd.Flags())
	cmd.Flags().StringVar(&since, "since", "", "first day the standard may have been out of tolerance, YYYY-MM-DD (required)")
	cmd.Flags().BoolVar(&withPaths, "paths", false, "also show the path from the standard to each affected record")
	cmd.Flags().BoolVar(&stream, "stream", false, "print every affected certificate as the server streams it (bounded memory on both sides; with -o json, one JSON object a line)")
	cmd.Flags().StringVar(&source, "source", "", "where to ask: index (default) or ledger (the chaincode)")
	return cmd
}

// streamImpact prints a standard's impact as the server streams it: a line
// per affected certificate, then the count; with -o json the stream's own
// lines (an ImpactItem each, then {"end": ...}).
func streamImpact(ctx context.Context, env Env, o *clientOptions, source, standardID, since string) error {
	c, src, err := o.clientFor(source)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(w)
	end, err := c.ImpactStream(ctx, standardID, since, src, func(it rules.ImpactItem) error {
		if o.output == outputJSON {
			return enc.Encode(it)
		}
		_, err := fmt.Fprintf(w, "%-24s via %-20s %s %s of %s, performed %s by %s\n", it.CertificateID, it.ReferenceID,
			it.SubjectDocType, it.SubjectID, it.SubjectInstitutionID, it.PerformedOn, it.IssuerID)
		return err
	})
	if err != nil {
		w.Flush()
		return o.explain(err)
	}
	if o.output == outputJSON {
		err = enc.Encode(struct {
			End *rules.ImpactStreamEnd `json:"end"`
		}{end})
	} else {
		_, err = fmt.Fprintf(w, "Impact of %s since %s: %d certificate line(s) (a certificate that used two affected standards is one under each), %d standard(s) affected besides it: %s\n",
			end.StandardID, end.Since, end.Items, len(end.Standards), strings.Join(end.Standards, ", "))
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

func newRecognizeCommand(env Env) *cobra.Command {
	var o clientOptions
	var by, at, source string
	cmd := &cobra.Command{
		Use:     "recognize CERTIFICATE --by INSTITUTION",
		Short:   "Does an institution recognize a certificate (京津冀 mutual recognition)? Every check",
		Example: "  metrotrace recognize HBIM-P-2024-0007 --by TJIM",
		Args:    exactArgs(1, "CERTIFICATE (a certificate id)"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if by == "" {
				return usageErrorf("--by INSTITUTION is required")
			}
			if err := checkDate("at", at, false); err != nil {
				return err
			}
			return askServer(env, &o, source, func(c *apiclient.Client, src apiclient.Source) (*rules.RecognitionDecision, error) {
				return c.Recognize(cmd.Context(), args[0], by, at, src)
			}, printRecognition)
		}),
	}
	o.bind(cmd.Flags())
	cmd.Flags().StringVar(&by, "by", "", "institution asked to recognize the certificate (required)")
	cmd.Flags().StringVar(&at, "at", "", "date of the question, YYYY-MM-DD (default: the server's today)")
	cmd.Flags().StringVar(&source, "source", "", "where to ask: index (default) or ledger (the chaincode)")
	return cmd
}

func newVerifyCommand(env Env) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Is a certificate file (a DCC or any file) anchored on the ledger, and valid?",
		Long: `verify sends the file's bytes to the server, which looks up their SHA-256 among
the certificates on the ledger: anchored or not, which certificate, its issuer
and status, and whether its subject is traceable today. It needs no token.
FILE "-" reads standard input. The exit status is 0 whatever the verdict
(anchored, not anchored, altered, revoked ...); read it from the output.`,
		Example: "  metrotrace verify dcc_mass_tjim.xml",
		Args:    exactArgs(1, "FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			data, err := readInput(args[0], env.Stdin)
			if err != nil {
				return err
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			res, err := c.Verify(cmd.Context(), data)
			if err != nil {
				return o.explain(err)
			}
			if o.output == outputJSON {
				return writeJSON(env.Stdout, res)
			}
			return printVerification(env.Stdout, res)
		}),
	}
	o.bind(cmd.Flags())
	return cmd
}

// readInput reads a file, or standard input for "-".
func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// writeJSON prints v as indented JSON; raw JSON is re-indented as is.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if raw, ok := v.(json.RawMessage); ok {
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			buf.Reset()
			buf.Write(raw)
		}
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if b := buf.Bytes(); len(b) == 0 || b[len(b)-1] != '\n' {
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// askServer asks the server a rule question and prints the answer, as
// JSON or as text.
func askServer[T any](env Env, o *clientOptions, source string, call func(*apiclient.Client, apiclient.Source) (T, error), text func(io.Writer, T)) error {
	c, src, err := o.clientFor(source)
	if err != nil {
		return err
	}
	answer, err := call(c, src)
	if err != nil {
		return o.explain(err)
	}
	if o.output == outputJSON {
		return writeJSON(env.Stdout, answer)
	}
	text(env.Stdout, answer)
	return nil
}
