package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/report"
)

// newImportCmd builds `import`, or with dryRun `validate`: the same path,
// which stops before the network.
func newImportCmd(dryRun bool) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "import [flags] FILE",
		Short: "Send every row of FILE (CSV or XLSX, - for standard input) to Comeet",
		Long: `Send every row of FILE to Comeet as POST /candidates and write a report with one
line per row. Rows already sent (per the ledger) are skipped; rows that fail the
local checks are never sent.

` + exitCodesHelp,
		Args: exactlyOneFile,
	}
	if dryRun {
		cmd.Use = "validate [flags] FILE"
		cmd.Short = "Dry run: every step of import except the POST; report which rows would fail"
		cmd.Long = `Check every row of FILE exactly as import would (mapping, Comeet's field rules,
files, duplicates, the ledger) and write the same report, without sending anything.
Rows that would be sent are reported "valid".

` + exitCodesHelp
	}
	f.register(cmd, dryRun)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f.levelGiven = cmd.Flags().Changed("log-level")
		cfg, err := f.config(args[0])
		if err != nil {
			return err
		}
		return runImport(cmd, cfg, &f)
	}
	return cmd
}

func exactlyOneFile(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("want one input FILE (or - for standard input), got %d arguments", len(args))}
	}
	return nil
}

// runImport runs the import and prints the summary and the paths the run
// resolved; the error it returns carries the exit code. f.display, when not
// nil, is finished before the summary is printed.
func runImport(cmd *cobra.Command, cfg importer.Config, f *runFlags) error {
	if err := checkSummaryOutputs(cfg.WithDefaults(), f); err != nil {
		return err
	}
	res, err := importer.Run(cmd.Context(), cfg)
	if f.display != nil {
		f.display.finish()
	}
	err = runOutcome(res, err)
	if serr := closeRun(cfg, f, res.Summary, err); serr != nil && err == nil {
		err = serr
	}
	return err
}

// runOutcome prints the summary lines and returns the error that carries
// the run's exit code.
func runOutcome(res importer.Result, err error) error {
	var ce *importer.ConfigError
	if errors.As(err, &ce) {
		return err
	}
	fmt.Fprintln(os.Stderr, res.String())
	res.WriteProblems(os.Stderr)
	fmt.Fprintf(os.Stderr, "report: %s\n", res.Paths.Report)
	if res.Files != "" {
		fmt.Fprintln(os.Stderr, res.Files)
		fmt.Fprintf(os.Stderr, "files: %s\n", res.Paths.Files)
	}
	if res.ErrorsPath != "" {
		fmt.Fprintf(os.Stderr, "rows to fix: %s\n", res.ErrorsPath)
	}
	if err != nil {
		return err
	}
	if res.Counts[report.Invalid]+res.Counts[report.Failed] > 0 {
		return rowsFailedError{}
	}
	return nil
}
