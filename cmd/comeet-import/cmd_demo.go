package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/comeet/comeettest"
	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/samples"
)

// demoRate is quicker than Comeet's minute so the demo takes seconds; the
// pacing works the same way.
var demoRate = importer.Rate{N: 10, Per: time.Second}

func newDemoCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Import samples/ into an in-process sandbox and show the report",
		Long: `Start the fake Comeet in this process, write the built-in samples (candidates.csv,
mapping.csv, files/) to a folder, import them, and print the summary, the report and
the errors file. One sample candidate is put into the sandbox first, so its row
shows a conflict.`,
		Args: cobra.NoArgs,
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
		BaseURL:     srv.URL,
		APIKey:      comeettest.DefaultAPIKey,
		Secret:      comeettest.DefaultSecret,
		Rate:        demoRate,
		Logger:      zerolog.Nop(),
	}.WithDefaults()
	fmt.Fprintf(out, "Importing %s into a sandbox at %s (%s)...\n\n", cfg.Input, srv.URL, demoRate)
	sum, err := importer.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n\n", sum)
	if err := printCSV(out, "Report", cfg.ReportPath, []int{0, 1, 2, 7, 8, 10, 11}); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nThe rows to fix, in their original columns, are in %s\n", cfg.ErrorsPath)
	fmt.Fprintf(out, "The ledger (what was sent, what came back) is %s\n", cfg.LedgerPath)
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
	ae, ok := err.(*comeet.APIError)
	return ok && ae.Conflict()
}

// printCSV prints the chosen columns of a CSV file as an aligned table.
func printCSV(out io.Writer, title, path string, cols []int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", title, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("read %s: %w", title, err)
	}
	fmt.Fprintf(out, "%s (%s):\n", title, path)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, rec := range recs {
		cells := make([]string, 0, len(cols))
		for _, c := range cols {
			if c < len(rec) {
				cells = append(cells, shorten(rec[c], 70))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
