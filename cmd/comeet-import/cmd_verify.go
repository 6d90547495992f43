package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/readback"
)

// newVerifyCmd builds `verify`: read back what the ledger says is in Comeet.
func newVerifyCmd() *cobra.Command {
	var (
		f                   runFlags
		vc                  readback.VerifyConfig
		rate                string
		logFormat, logLevel string
	)
	cmd := &cobra.Command{
		Use:   "verify --ledger FILE [--report FILE] [--limit N]",
		Short: "Read back the candidates the ledger says are in Comeet, and report what became of them",
		Long: `Read back (GET /candidates/{uid}, paced in the same budget as an import) every
candidate the ledger says was created, updated or met as a conflict, and write a
CSV line for each: present, merged (into another candidate), deleted, or
position_changed. Then list the candidates Comeet created since the ledger's
first entry and report, as not_in_ledger, those whose key the ledger holds
without their uid (an answer lost in a run).

The report is appended to when it exists: candidates it already holds are not
read again, so an interrupted verify resumes where it stopped. The ledger is
read, never changed; verify cannot run while an import holds the ledger.

Exit codes: 0 every candidate is present; 1 some are not (or could not be
read); 2 a usage, ledger or credentials error; 130 interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if f.cfg.Logger, err = newLogger(logFormat, logLevel, os.Stderr); err != nil {
				return usageError{err}
			}
			if vc.Rate, err = pace.ParseRate(rate); err != nil {
				return usageError{fmt.Errorf("--rate: %w", err)}
			}
			if vc.Limit < 0 {
				return usageError{fmt.Errorf("--limit %d: want 0 (all) or more", vc.Limit)}
			}
			c := f.cfg
			if err := f.credentials(&c); err != nil {
				return err
			}
			vc.BaseURL, vc.APIKey, vc.Secret, vc.Logger = c.BaseURL, c.APIKey, c.Secret, c.Logger
			if vc.ReportPath == "" {
				vc.ReportPath = filepath.Join(filepath.Dir(vc.LedgerPath), "verify.csv")
			}
			return runVerify(cmd, vc)
		},
	}
	f.registerAccount(cmd)
	fs := cmd.Flags()
	fs.StringVar(&vc.LedgerPath, "ledger", importer.DefaultLedgerName, "ledger database (import keeps it beside the report)")
	fs.StringVar(&vc.ReportPath, "report", "", "CSV report to write or resume (default: verify.csv beside the ledger)")
	fs.IntVar(&vc.Limit, "limit", 0, "read back at most N candidates (0: all); a limited run does not look for lost answers")
	fs.StringVar(&rate, "rate", pace.DefaultRate.String(), "request rate as N/DURATION; Comeet allows 100/60s for every request together")
	fs.DurationVar(&vc.Timeout, "timeout", 0, "time limit of one attempt")
	fs.StringVar(&logFormat, "log-format", "", "json or console (default: console on a terminal, json otherwise)")
	fs.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

func runVerify(cmd *cobra.Command, vc readback.VerifyConfig) error {
	res, err := readback.Verify(cmd.Context(), vc)
	printVerify(cmd.OutOrStdout(), res, vc.ReportPath)
	if err != nil {
		return readbackError(err)
	}
	for verdict, n := range res.Verdicts {
		if verdict != readback.VerifyPresent && n > 0 {
			return rowsFailedError{}
		}
	}
	return nil
}

func printVerify(out io.Writer, res readback.VerifyResult, path string) {
	fmt.Fprintf(out, "verify: %d read back, %d already in the report, %d requests\n", res.Read, res.Resumed, res.Requests)
	verdicts := make([]string, 0, len(res.Verdicts))
	for v := range res.Verdicts {
		verdicts = append(verdicts, v)
	}
	slices.Sort(verdicts)
	for _, v := range verdicts {
		fmt.Fprintf(out, "  %-17s %d\n", v, res.Verdicts[v])
	}
	fmt.Fprintf(out, "report: %s\n", path)
}
