package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/readback"
	"github.com/comeet-import/comeet-import/internal/report"
)

// newReportCmd builds `report`: the last run's report rebuilt from the ledger.
func newReportCmd() *cobra.Command {
	var ledgerPath, output string
	cmd := &cobra.Command{
		Use:   "report [--ledger FILE] [--output FILE]",
		Short: "Rebuild the report of the last run from the ledger (after a kill)",
		Long: `Write the report CSV of the last import again, from the ledger: one line per
row the ledger recorded for the last run's input file, in row order, with the
latest outcome, candidate uid, HTTP status and error code it holds. The ledger
keeps no values (docs/privacy.md): first_name, last_name, email and message are
empty; the run's own report holds them.
A row whose POST was sent but whose answer was never recorded is "failed" with
error_code uncertain_outcome: the next import finds out.

The ledger only knows the rows that were sent or refused by Comeet: rows found
invalid before sending, rows skipped and rows the run never reached are not in
it, so they are not in the rebuilt report; the line on standard error says so.

The ledger is read, never changed; report cannot run while an import holds the
ledger (exit 2).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), ledgerPath, output, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	registerLedger(cmd, &ledgerPath)
	fs.StringVar(&output, "output", "", "report CSV to write, with mode 0600 (default: standard output)")
	return cmd
}

// runReport writes the rebuilt report to output (see writeExport) and a
// line on stderr saying what it holds.
func runReport(ctx context.Context, ledgerPath, output string, stdout, stderr io.Writer) error {
	h, err := readback.OpenHistory(ctx, ledgerPath)
	if err != nil {
		return readbackError(err)
	}
	defer h.Close()
	var got readback.Rebuilt
	err = writeExport(output, stdout, func(w io.Writer) error {
		got, err = h.WriteReport(ctx, w)
		return err
	})
	if err != nil {
		return err
	}
	if got.Source == "" && got.Rows == 0 {
		fmt.Fprintf(stderr, "report: the ledger %s records no rows\n", ledgerPath)
		return nil
	}
	fmt.Fprintf(stderr, "report: rebuilt %d rows of %s from the ledger (%s); rows that were not sent (invalid before sending, skipped, not reached) are not in the ledger, so not in this report\n",
		got.Rows, filepath.Base(got.Source), countsText(got.Counts))
	return nil
}

// countsText is "2 created, 1 failed": the outcomes with a count, in
// report.Outcomes order.
func countsText(c report.Counts) string {
	var s string
	for _, o := range report.Outcomes {
		if n := c[o]; n > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%d %s", n, o)
		}
	}
	return s
}
