package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/readback"
)

// newVerifyCmd builds `verify`: read back what the ledger says is in Comeet.
func newVerifyCmd() *cobra.Command {
	var (
		account accountFlags
		pacing  pacingFlags
		logs    logFlags
		vc      readback.VerifyConfig
	)
	cmd := &cobra.Command{
		Use:   "verify --ledger FILE [--report FILE] [--limit N]",
		Short: "Read back the candidates the ledger says are in Comeet, and report what became of them",
		Long: `Read back (GET /candidates/{uid}, paced in the same budget as an import) every
candidate the ledger says was created, updated or met as a conflict, and write a
CSV line for each: present, merged (into another candidate), deleted,
position_changed, or in_doubt (an update's answer was lost: whether Comeet holds
the values it sent, field by field; the next import --update settles it). Then list the candidates Comeet created since the ledger's
first entry and report, as not_in_ledger, those whose key the ledger holds
without their uid (an answer lost in a run).

The report is appended to when it exists: candidates it already holds are not
read again, so an interrupted verify resumes where it stopped. The ledger is
read, never changed; verify cannot run while an import holds the ledger.

Exit codes: 0 every candidate is present; 1 some are not (or could not be
read); 2 a usage, ledger or credentials error; 130 interrupted.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if vc.Logger, err = logs.stderrLogger(); err != nil {
				return err
			}
			if err := pacing.fill(&vc.Account); err != nil {
				return err
			}
			if vc.Limit < 0 {
				return usageError{fmt.Errorf("--limit %d: want 0 (all) or more", vc.Limit)}
			}
			if err := account.fill(&vc.Account, vc.Logger); err != nil {
				return err
			}
			if vc.ReportPath == "" {
				vc.ReportPath = filepath.Join(filepath.Dir(vc.LedgerPath), "verify.csv")
			}
			return runVerify(cmd, vc)
		},
	}
	fs := cmd.Flags()
	registerLedger(cmd, &vc.LedgerPath)
	fs.StringVar(&vc.ReportPath, "report", "", "CSV report to write or resume (default: verify.csv beside the ledger)")
	fs.IntVar(&vc.Limit, "limit", 0, "read back at most N candidates (0: all); a limited run does not look for lost answers")
	account.register(cmd)
	pacing.register(cmd, false)
	logs.register(cmd)
	return cmd
}

func runVerify(cmd *cobra.Command, vc readback.VerifyConfig) error {
	res, err := readback.Verify(cmd.Context(), vc)
	if err == nil || res.Requests > 0 || res.Resumed > 0 || res.Report != "" { // a refused run did nothing to tell
		printVerify(cmd.OutOrStdout(), res)
	}
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

func printVerify(out io.Writer, res readback.VerifyResult) {
	fmt.Fprintf(out, "verify: %d read back, %d already in the report, %d requests\n", res.Read, res.Resumed, res.Requests)
	verdicts := make([]string, 0, len(res.Verdicts))
	for v := range res.Verdicts {
		verdicts = append(verdicts, v)
	}
	slices.Sort(verdicts)
	for _, v := range verdicts {
		fmt.Fprintf(out, "  %-17s %d\n", v, res.Verdicts[v])
	}
	if res.Report != "" { // "" when verify stopped before writing it
		fmt.Fprintf(out, "report: %s\n", res.Report)
	}
}
