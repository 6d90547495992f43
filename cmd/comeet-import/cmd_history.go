package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/report"
)

// newHistoryCmd builds `history`: the ledger as CSV.
func newHistoryCmd() *cobra.Command {
	var ledgerPath, output string
	cmd := &cobra.Command{
		Use:   "history [--ledger FILE] [--output FILE]",
		Short: "Export the ledger (what was sent and what Comeet answered) as CSV",
		Long: `Write one CSV line per candidate the ledger knows: its key, the outcome, the
candidate uid, the last answer, attempts and runs, where the row was last seen,
when, and the files sent (names, sizes, SHA-256; never their bytes).

The ledger is read, never changed; history cannot run while an import holds the
ledger (exit 2).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHistory(cmd.Context(), ledgerPath, output, cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&ledgerPath, "ledger", importer.DefaultLedgerName, "ledger database (import keeps it beside the report)")
	fs.StringVar(&output, "output", "", "CSV file to write, with mode 0600 (default: standard output)")
	return cmd
}

// runHistory writes the ledger's history to output (a 0600 file), or to
// stdout when output is empty or "-". The ledger is opened first, so a
// ledger in use leaves no empty output behind.
func runHistory(ctx context.Context, ledgerPath, output string, stdout io.Writer) (err error) {
	h, err := importer.OpenHistory(ctx, ledgerPath)
	if err != nil {
		return err
	}
	defer h.Close()
	if output == "" || output == "-" {
		return h.Write(ctx, stdout)
	}
	f, err := report.CreateFile(output)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("--output: %w", err)}
	}
	defer func() {
		if closeErr := closeSynced(f); err == nil {
			err = closeErr
		}
	}()
	return h.Write(ctx, f)
}

func closeSynced(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
