package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/readback"
	"github.com/comeet-import/comeet-import/internal/report"
)

// newHistoryCmd builds `history`: the ledger as CSV.
func newHistoryCmd() *cobra.Command {
	var ledgerPath, output string
	cmd := &cobra.Command{
		Use:   "history [--ledger FILE] [--output FILE]",
		Short: "Export the ledger (what was sent and what Comeet answered) as CSV",
		Long: `Write one CSV line per candidate the ledger knows: its key, the outcome, the
candidate uid, the last answer, attempts and runs, where the row was last seen,
when, and the files sent (slots, sizes, SHA-256; never their names or bytes).
The ledger keeps no values (docs/privacy.md): the message column is empty.

The ledger is read, never changed; history cannot run while an import holds the
ledger (exit 2).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHistory(cmd.Context(), ledgerPath, output, cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	registerLedger(cmd, &ledgerPath)
	fs.StringVar(&output, "output", "", "CSV file to write, with mode 0600 (default: standard output)")
	return cmd
}

// runHistory writes the ledger's history to output (a 0600 file, written
// under a partial name and renamed at the end, so a killed export leaves
// the previous one intact), or to stdout when output is empty or "-". The
// ledger is opened first, so a ledger in use leaves no empty output behind.
func runHistory(ctx context.Context, ledgerPath, output string, stdout io.Writer) error {
	h, err := readback.OpenHistory(ctx, ledgerPath)
	if err != nil {
		return readbackError(err)
	}
	defer h.Close()
	return writeExport(output, stdout, func(w io.Writer) error { return h.Write(ctx, w) })
}

// readbackError is a read-back's error in the command line's terms: the
// file at fault named by its flag, refused credentials and an interruption
// as the run's, so that they exit as an import's would.
func readbackError(err error) error {
	var se *readback.SettingError
	var ae *comeet.APIError
	switch {
	case errors.As(err, &se):
		return &importer.ConfigError{Setting: readbackSettings[se.Setting], Path: se.Path, Err: se.Err}
	case errors.As(err, &ae) && ae.Kind().StopsRun():
		return fmt.Errorf("%w: %v", importer.ErrAuth, err)
	case errors.Is(err, context.Canceled):
		return importer.ErrInterrupted
	}
	return err
}

// readbackSettings are the run's names of a read-back's settings.
var readbackSettings = map[readback.Setting]importer.Setting{
	readback.SettingLedger: importer.SettingLedger,
	readback.SettingReport: importer.SettingReport,
}

// writeExport calls write with stdout when output is empty or "-", and
// otherwise with output+report.PartialSuffix (mode 0600), which it renames
// over output when write succeeds and removes when it fails.
func writeExport(output string, stdout io.Writer, write func(io.Writer) error) error {
	if output == "" || output == "-" {
		return write(stdout)
	}
	f, err := report.CreatePartial(output)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("--output: %w", err)}
	}
	if err := write(f); err != nil {
		f.Discard(false)
		return err
	}
	return f.Commit()
}
