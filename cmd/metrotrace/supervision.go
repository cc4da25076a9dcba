package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// supervisionFlags are the flags every supervision list shares.
type supervisionFlags struct {
	withinDays, olderThanDays              int
	by, region, district, institution, cat string
	pageSize                               int
	pageToken                              string
	csv                                    bool
}

func (f *supervisionFlags) bind(cmd *cobra.Command, list string) {
	fs := cmd.Flags()
	if list == apiclient.ListDue || list == apiclient.ListApprovals {
		fs.IntVar(&f.withinDays, "within-days", 30, "how many days ahead to look")
	}
	if list == apiclient.ListCoverage {
		fs.StringVar(&f.by, "by", "district", "group by district, category or institution")
	}
	if list == apiclient.ListOpenNotices {
		fs.IntVar(&f.olderThanDays, "older-than-days", 0, "only notices open for at least this many days")
	}
	fs.StringVar(&f.region, "region", "", "only this region: BJ, TJ or HB")
	fs.StringVar(&f.district, "district", "", "only instruments in this GB/T 2260 district (e.g. 120116)")
	fs.StringVar(&f.institution, "institution", "", "only items of this institution")
	fs.StringVar(&f.cat, "category", "", "only instruments of this category of the compulsory catalogue (e.g. non_automatic_weighing)")
	fs.IntVar(&f.pageSize, "page-size", 0, "items per page (default: the server's; with --csv: every item)")
	fs.StringVar(&f.pageToken, "page-token", "", "next_page_token of the previous page")
	fs.BoolVar(&f.csv, "csv", false, "print the list as CSV")
}

func (f *supervisionFlags) query(cmd *cobra.Command) apiclient.SupervisionQuery {
	q := apiclient.SupervisionQuery{By: f.by, Region: f.region, District: f.district, Institution: f.institution,
		Category: f.cat, PageSize: f.pageSize, PageToken: f.pageToken}
	if cmd.Flags().Lookup("within-days") != nil {
		q.WithinDays = &f.withinDays
	}
	if cmd.Flags().Lookup("older-than-days") != nil {
		q.OlderThanDays = &f.olderThanDays
	}
	return q
}

var supervisionHelp = map[string]string{
	apiclient.ListDue:         "Compulsory instruments (强检) due for verification within N days",
	apiclient.ListOverdue:     "Compulsory instruments past due or never verified",
	apiclient.ListApprovals:   "Standards whose approval expires within N days or has expired",
	apiclient.ListAtRisk:      "Certificates issued against a sealed, revoked, unapproved or expired reference",
	apiclient.ListCoverage:    "Share of compulsory instruments with a valid verification today, per group",
	apiclient.ListOpenNotices: "Notices of out-of-tolerance cases still open after N days",
}

func newSupervisionCommand(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "supervision",
		Short: "Supervision lists (智慧计量监管): due, overdue, approvals, at-risk, coverage",
		Long: `supervision asks the server's index for the lists a market-supervision
inspector works from; "today" is the server's date. Each list filters by
--region, --district, --institution and --category, pages with --page-size and
--page-token, and prints as text, JSON (-o json) or CSV (--csv).`,
		Args: exactArgs(0, "a list (due, overdue, approvals, at-risk or coverage)"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return cmd.Help() }),
	}
	for _, list := range apiclient.SupervisionLists {
		cmd.AddCommand(newSupervisionListCommand(env, list))
	}
	return cmd
}

func newSupervisionListCommand(env Env, list string) *cobra.Command {
	var o clientOptions
	var f supervisionFlags
	cmd := &cobra.Command{
		Use:     list,
		Short:   supervisionHelp[list],
		Example: "  metrotrace supervision " + list + " --region TJ\n  metrotrace supervision " + list + " --csv > " + list + ".csv",
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if f.withinDays < 0 || f.olderThanDays < 0 {
				return usageErrorf("--within-days and --older-than-days must not be negative")
			}
			if f.pageSize < 0 {
				return usageErrorf("--page-size must not be negative")
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			q := f.query(cmd)
			if f.csv {
				data, err := c.SupervisionCSV(cmd.Context(), list, q)
				if err != nil {
					return o.explain(err)
				}
				_, err = env.Stdout.Write(data)
				return err
			}
			if list == apiclient.ListCoverage {
				cov, err := c.Coverage(cmd.Context(), q)
				if err != nil {
					return o.explain(err)
				}
				if o.output == outputJSON {
					return writeJSON(env.Stdout, cov)
				}
				printCoverage(env.Stdout, cov)
				return nil
			}
			p, err := c.Supervision(cmd.Context(), list, q)
			if err != nil {
				return o.explain(err)
			}
			if o.output == outputJSON {
				return writeJSON(env.Stdout, p)
			}
			printItems(env.Stdout, list, p)
			return nil
		}),
	}
	o.bind(cmd.Flags())
	f.bind(cmd, list)
	return cmd
}

func printItems(w io.Writer, list string, p *index.ItemPage) {
	fmt.Fprintf(w, "%d item(s) on the %s list; showing %d.\n", p.Total, list, len(p.Items))
	for _, it := range p.Items {
		id := it.InstrumentID
		if id == "" {
			id = it.NoticeID
		}
		if id == "" {
			id = it.StandardID
		}
		if id == "" {
			id = it.CertificateID
		}
		where := strings.Trim(strings.Join([]string{it.Region, it.District, it.Category}, " "), " ")
		due := it.DueOn
		if due == "" {
			due = it.PerformedOn
		}
		if due == "" {
			due = it.OpenedOn
		}
		fmt.Fprintf(w, "  %-20s %-10s %-10s %-22s %s [%s]\n", id, it.InstitutionID, due, it.Reason, it.Detail, where)
	}
	if p.NextPageToken != "" {
		fmt.Fprintf(w, "More: --page-token %s\n", p.NextPageToken)
	}
}

func printCoverage(w io.Writer, cov *index.Coverage) {
	fmt.Fprintf(w, "Coverage of compulsory instruments on %s by %s: %d of %d verified (%.1f%%).\n",
		cov.On, cov.By, cov.Overall.Verified, cov.Overall.Registered, 100*cov.Overall.Share)
	for _, g := range cov.Groups {
		fmt.Fprintf(w, "  %-24s %-12s %5d / %5d  %5.1f%%\n", g.Key, g.Name, g.Verified, g.Registered, 100*g.Share)
	}
	if cov.NextPageToken != "" {
		fmt.Fprintf(w, "More: --page-token %s\n", cov.NextPageToken)
	}
}
