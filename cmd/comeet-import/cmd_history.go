package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/report"
)

// historyHeader is the header of history's CSV, one line per ledger entry.
var historyHeader = []string{
	"position_uid", "partner_candidate_id", "state", "outcome", "candidate_uid",
	"http_status", "error_code", "message", "attempts", "total_attempts", "runs",
	"row", "line", "source", "first_seen", "updated_at",
	"files", "file_sizes", "file_sha256s", "response_status", "response_time_created",
}

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

// runHistory opens the ledger read-only, then the output, and writes every
// entry, oldest first.
func runHistory(ctx context.Context, ledgerPath, output string, stdout io.Writer) (err error) {
	l, err := ledger.OpenReadOnly(ctx, ledgerPath)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("--ledger: %w", err)}
	}
	defer l.Close()
	out := stdout
	if output != "" && output != "-" {
		f, err := createPrivate(output)
		if err != nil {
			return &importer.ConfigError{Err: fmt.Errorf("--output: %w", err)}
		}
		defer func() {
			if closeErr := closeSynced(f); err == nil {
				err = closeErr
			}
		}()
		out = f
	}
	w := csv.NewWriter(out)
	w.Write(historyHeader)
	err = l.Each(ctx, func(e ledger.Entry) error {
		return w.Write(historyRecord(e))
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// historyRecord is one entry as CSV cells, each neutralised so that a
// spreadsheet never runs a cell as a formula.
func historyRecord(e ledger.Entry) []string {
	var names, sizes, sums []string
	for _, f := range e.Sent.Files {
		names = append(names, f.Slot+"="+f.Name)
		sizes = append(sizes, strconv.FormatInt(f.Size, 10))
		sums = append(sums, f.SHA256)
	}
	var status, created string
	if e.Response != nil {
		status, created = e.Response.Status, e.Response.TimeCreated
	}
	rec := []string{
		e.Key.PositionUID, e.Key.PartnerCandidateID, string(e.State), e.Outcome, e.CandidateUID,
		itoaOrEmpty(e.HTTPStatus), e.ErrorCode, e.Message,
		strconv.Itoa(e.Attempts), strconv.Itoa(e.TotalAttempts), strconv.Itoa(e.Runs),
		itoaOrEmpty(e.Row), itoaOrEmpty(e.Line), e.Source,
		timeOrEmpty(e.FirstSeen), timeOrEmpty(e.UpdatedAt),
		strings.Join(names, "; "), strings.Join(sizes, "; "), strings.Join(sums, "; "),
		status, created,
	}
	for i, c := range rec {
		rec[i] = report.Neutralize(c)
	}
	return rec
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// createPrivate creates (or truncates) path with report.FileMode: the
// history holds personal data.
func createPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, report.FileMode)
	if err != nil {
		return nil, err
	}
	// OpenFile keeps the mode of a file that already existed.
	if err := f.Chmod(report.FileMode); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func closeSynced(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
