package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/ledger"
)

// forgetListed is the most erased entries forget names one by one.
const forgetListed = 20

// newForgetCmd builds `forget`: erase a candidate, or old entries, from the
// ledger.
func newForgetCmd() *cobra.Command {
	var (
		ledgerPath, before string
		who                ledger.Who
	)
	cmd := &cobra.Command{
		Use:   "forget [--ledger FILE] (--partner-id ID [--position UID] | --uid UID | --before DATE)",
		Short: "Erase a candidate, or every entry older than a date, from the ledger",
		Long: `Erase from the ledger what it keeps of one candidate (its key, Comeet uid,
digests and answers), to honour a request to delete someone's data, or every
entry last written before a date. It says what it erased, then rewrites the
file so the erased bytes are gone from it.

A candidate erased here is unknown to the next import: a row of theirs that is
still in the input is sent again (Comeet may then create a duplicate). Remove
the row from the input too. The reports of past runs hold values: delete those
files as well (see docs/privacy.md).

forget cannot run while an import holds the ledger (exit 2).`,
		Example: `  comeet-import forget --partner-id 1111A
  comeet-import forget --partner-id 1111A --position 11.11
  comeet-import forget --uid 5C.A4E33
  comeet-import forget --before 2025-01-01`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if before != "" {
				t, err := parseDate(before)
				if err != nil {
					return usageError{fmt.Errorf("--before: %w", err)}
				}
				who.Before = t
			}
			return runForget(cmd.Context(), ledgerPath, who, cmd.OutOrStdout())
		},
	}
	registerLedger(cmd, &ledgerPath)
	fs := cmd.Flags()
	fs.StringVar(&who.PartnerCandidateID, "partner-id", "", "the candidate's partner_candidate_id (in every position, unless --position names one)")
	fs.StringVar(&who.PositionUID, "position", "", "with --partner-id: only the entry of this position_uid")
	fs.StringVar(&who.CandidateUID, "uid", "", "the candidate's Comeet uid")
	fs.StringVar(&before, "before", "", "every entry last written before this date (YYYY-MM-DD, UTC midnight, or RFC 3339)")
	return cmd
}

// parseDate reads a date, or a time in RFC 3339.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
	}
	return t, nil
}

func runForget(ctx context.Context, path string, who ledger.Who, out io.Writer) error {
	if err := who.Check(); err != nil {
		return usageError{fmt.Errorf("forget: %w: --partner-id (with --position), --uid or --before", err)}
	}
	// Open would make a new ledger where there is none.
	if _, err := os.Stat(path); err != nil {
		return &importer.ConfigError{Setting: importer.SettingLedger, Path: path, Err: err}
	}
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return &importer.ConfigError{Setting: importer.SettingLedger, Path: path, Err: err}
	}
	gone, err := l.Forget(ctx, who)
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if err != nil && gone == nil {
		return err
	}
	printForgotten(out, path, gone)
	return err
}

// printForgotten says what forget erased: each entry's key and uid, the
// first forgetListed of them, then how many more.
func printForgotten(out io.Writer, path string, gone []ledger.Forgotten) {
	if len(gone) == 0 {
		fmt.Fprintf(out, "nothing to forget: no entry of %s matches\n", path)
		return
	}
	word := "entries"
	if len(gone) == 1 {
		word = "entry"
	}
	fmt.Fprintf(out, "forgot %d %s from %s:\n", len(gone), word, path)
	for i, g := range gone {
		if i == forgetListed {
			fmt.Fprintf(out, "  and %d more\n", len(gone)-forgetListed)
			break
		}
		uid := g.CandidateUID
		if uid == "" {
			uid = "no Comeet uid"
		}
		fmt.Fprintf(out, "  position %q, partner id %q (%s), last written %s\n",
			g.Key.PositionUID, g.Key.PartnerCandidateID, uid, g.UpdatedAt.Format(time.RFC3339))
	}
}
