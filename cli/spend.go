package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/ledger"
)

type spendOptions struct {
	by    string
	since string
	out   *jsonOutput
}

func newSpendCmd(a *app) *cobra.Command {
	var o spendOptions
	cmd := &cobra.Command{
		Use:   "spend [--by day|month|model] [--since DATE]",
		Short: "Credits spent: what the server charged, with uncertain jobs apart",
		Long: `Spend totals the credits your jobs cost: the server's credits_amount when it
reported one, else the catalog estimate of a finished job. Jobs whose billing
is uncertain (unconfirmed submits; failed or expired jobs without the server's
figure) are counted apart as "maybe"; running jobs apart as "running"; jobs
the server or soratui refused are never counted.`,
		Example: `  soratui spend
  soratui spend --by day --since 2026-12-01
  soratui spend --by model --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSpend(a, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.by, "by", "month", "group by day, month or model")
	f.StringVar(&o.since, "since", "", "only jobs created on or after this date (YYYY-MM-DD, local time)")
	o.out = addJSONFlags(cmd, `print {"total": N, "maybe": M, "running": R, "rows": [...]}`, a.env.Now)
	return cmd
}

// spendJSON is what `spend --json` prints.
type spendJSON struct {
	By      string       `json:"by"`
	Since   string       `json:"since,omitempty"`
	Total   int          `json:"total"`
	Maybe   int          `json:"maybe"`
	Running int          `json:"running"`
	Jobs    int          `json:"jobs"`
	Rows    []ledger.Row `json:"rows"`
}

func runSpend(a *app, o spendOptions) error {
	by, err := ledger.ParseGroup(o.by)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--by: %w", err)}
	}
	var since time.Time
	if o.since != "" {
		if since, err = time.ParseInLocation("2006-01-02", o.since, time.Local); err != nil {
			return usageErrorf("--since: %q is not a date such as 2026-12-01", o.since)
		}
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	rows, total, err := ledger.Report(store, since, by, time.Local)
	if err != nil {
		return err
	}
	if o.out.enabled() {
		if rows == nil {
			rows = []ledger.Row{}
		}
		return o.out.write(a.env.Stdout, spendJSON{By: string(by), Since: o.since, Total: total.Billed,
			Maybe: total.Maybe, Running: total.Pending, Jobs: total.Jobs, Rows: rows})
	}
	return writeSpend(a.env.Stdout, by, rows, total)
}

// writeSpend prints a spend report as a table and a total line.
func writeSpend(w io.Writer, by ledger.Group, rows []ledger.Row, total ledger.Totals) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No billed jobs yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tJOBS\tBILLED\tMAYBE\tRUNNING\n", strings.ToUpper(string(by)))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", r.Key, r.Jobs, r.Billed, r.Maybe, r.Pending)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "Total: %s\n", spendSummary(total))
	return err
}

// spendSummary is a one-line total: billed, then maybe and running apart.
func spendSummary(t ledger.Totals) string {
	s := apidot.Credits(t.Billed).String() + " billed"
	if t.Maybe > 0 {
		s += fmt.Sprintf(", %d maybe (billing uncertain)", t.Maybe)
	}
	if t.Pending > 0 {
		s += fmt.Sprintf(", %d running", t.Pending)
	}
	return s
}
