package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/samples"
)

// demoRate is quicker than Comeet's minute so the demo takes seconds; the
// pacing works the same way.
var demoRate = pace.Rate{N: 10, Per: time.Second}

func newDemoCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Import samples/ into an in-process sandbox and show the report",
		Long: `Start the fake Comeet in this process, write the built-in samples (candidates.csv,
mapping.csv, files/) to a folder, import them, and print the summary, the report and
the errors file. One sample candidate is put into the sandbox first, so its row
shows a conflict. Then one sample row is changed and imported again with --update,
so its candidate is updated in the sandbox.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), dir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "folder for the samples and the report (default: a new temporary folder)")
	return cmd
}

func runDemo(ctx context.Context, dir string, out io.Writer) error {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "comeet-import-demo-"); err != nil {
			return fmt.Errorf("demo folder: %w", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "candidates.csv")); err != nil {
		if err := os.CopyFS(dir, samples.FS); err != nil {
			return fmt.Errorf("write samples to %s: %w", dir, err)
		}
	}
	srv := comeettest.NewServer(comeettest.Options{Positions: samples.Positions})
	defer srv.Close()
	if err := seedConflict(ctx, srv.URL); err != nil {
		return err
	}
	cfg := importer.Config{
		Input:       filepath.Join(dir, "candidates.csv"),
		MappingFile: filepath.Join(dir, "mapping.csv"),
		FilesDir:    filepath.Join(dir, "files"),
		Account: pace.Account{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret,
			Rate: demoRate},
		Logger: zerolog.Nop(),
	}
	fmt.Fprintf(out, "Importing %s into a sandbox at %s (%s)...\n\n", cfg.Input, srv.URL, demoRate)
	res, err := importer.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n\n", res.Summary)
	if err := printReport(out, res.Paths.Report); err != nil {
		return err
	}
	if err := demoUpdate(ctx, cfg, out); err != nil {
		return err
	}
	if res.Paths.Errors != "" {
		fmt.Fprintf(out, "\nThe rows to fix, in their original columns, are in %s\n", res.Paths.Errors)
	} else {
		fmt.Fprintf(out, "\nNo row needs fixing.\n")
	}
	fmt.Fprintf(out, "The ledger (what was sent, what came back) is %s\n", res.Paths.Ledger)
	fmt.Fprintf(out, "Run the demo again with --dir %s and every created row is skipped.\n", dir)
	return nil
}

// seedConflict puts the sample's last candidate into the sandbox, as if a
// referral had brought them in before the migration.
func seedConflict(ctx context.Context, url string) error {
	c, err := comeet.NewClient(comeet.Config{BaseURL: url, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret})
	if err != nil {
		return err
	}
	_, err = c.CreateCandidate(ctx, &comeet.Candidate{
		PositionUID: "33.33", PartnerCandidateID: "1123N", FirstName: "Sara", LastName: "Ali",
	})
	if err != nil && !isConflict(err) {
		return fmt.Errorf("seed the sandbox: %w", err)
	}
	return nil
}

func isConflict(err error) bool {
	var ae *comeet.APIError
	return errors.As(err, &ae) && ae.Kind() == comeet.KindConflict
}

// demoColumns are the report's columns the demo shows.
var demoColumns = []string{"row", "line", "partner_candidate_id", "outcome", "candidate_uid", "error_code", "message"}

// printReport prints the demo's columns of the report as a table.
func printReport(out io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open report: %w", err)
	}
	defer f.Close()
	fmt.Fprintf(out, "Report (%s):\n", path)
	return report.WriteTable(out, f, demoColumns, 70)
}
