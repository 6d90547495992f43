package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/report"
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
		cfg, err := f.config(args[0])
		if err != nil {
			return f.configFailed(cfg, err)
		}
		return runImport(cmd, &f, cfg)
	}
	return cmd
}

func exactlyOneFile(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("want one input FILE (or - for standard input), got %d arguments", len(args))}
	}
	return nil
}

// The values of --fail-on.
const (
	failOnAny = "any" // every invalid row counts (the default: nothing new is hidden)
	failOnNew = "new" // only invalid rows whose problem the last run did not have
)

// runImport runs the import and tells how it went: the summary and the
// paths the run resolved, as plain lines on a console, or as the run's last
// log line, a JSON object, with --log-format json; and in --summary and
// --html files when asked. The error it returns carries the exit code.
// f.display, when not nil, is finished before the summary is told.
func runImport(cmd *cobra.Command, f *runFlags, cfg importer.Config) error {
	if err := checkSummaryOutputs(cfg.WithDefaults(), f); err != nil {
		return err
	}
	if err := f.summaryRunning(cfg); err != nil {
		return err
	}
	cfg.Hurry = hurryOf(cmd.Context())
	res, err := importer.Run(cmd.Context(), cfg)
	if f.display != nil {
		f.display.finish()
	}
	var ce *importer.ConfigError
	if errors.As(err, &ce) {
		return f.configFailed(cfg, err)
	}
	if err == nil && f.rowsFail(res) {
		err = rowsFailedError{}
	}
	if serr := closeRun(cfg, f, res.Summary, err); serr != nil && err == nil {
		err = serr
	}
	if f.jsonLogs {
		if err != nil {
			return reportedError{err} // told in the summary line: main adds nothing
		}
		return nil
	}
	w := cmd.ErrOrStderr()
	fmt.Fprintln(w, res.String())
	res.WriteProblems(w)
	if res.Paths.Report != "" { // "" when it could not be written
		fmt.Fprintf(w, "report: %s\n", res.Paths.Report)
	}
	if res.Files != "" {
		fmt.Fprintln(w, res.Files)
		fmt.Fprintf(w, "files: %s\n", res.Paths.Files)
	}
	if res.Paths.Errors != "" {
		fmt.Fprintf(w, "rows to fix: %s\n", res.Paths.Errors)
	}
	if known := res.Counts[report.Invalid] - res.NewInvalid; known > 0 {
		fmt.Fprintf(w, "%d of the invalid rows were invalid the same way on the last run\n", known)
	}
	return err
}

// configFailed tells a configuration error found once the logs are set up
// (credentials, mapping, header, a ledger another run holds) as the run's
// summary line when the logs are JSON, so that a cron job's last line is
// JSON whatever went wrong; a mistyped flag stays a plain line with the
// usage hint.
func (f *runFlags) configFailed(cfg importer.Config, err error) error {
	var ce *importer.ConfigError
	if !f.jsonLogs || !errors.As(err, &ce) {
		return err
	}
	closeRun(cfg, f, report.Summary{DryRun: cfg.DryRun, Counts: report.Counts{}}, err)
	return reportedError{err}
}

// rowsFail reports whether the rows make the exit code 1: any failed row,
// or more invalid rows than --max-invalid, counting with --fail-on new only
// those whose problem is new since the last run.
func (f *runFlags) rowsFail(res importer.Result) bool {
	if res.Counts[report.Failed] > 0 {
		return true
	}
	invalid := res.Counts[report.Invalid]
	if f.failOn == failOnNew {
		invalid = res.NewInvalid
	}
	return invalid > f.maxInvalid
}
