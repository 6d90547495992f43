// Command comeet-import loads candidates from a spreadsheet into Comeet
// through its partner API. See the README for the whole story.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// Exit codes: part of the contract that cron jobs and scripts rely on.
const (
	exitOK          = 0   // every row created, already present, skipped or valid
	exitRowsFailed  = 1   // a row failed, or invalid rows beyond --fail-on/--max-invalid (see the report)
	exitConfig      = 2   // usage or configuration error, or credentials refused mid-run
	exitInterrupted = 130 // interrupted: in-flight requests finished, report flushed
)

const exitCodesHelp = `Exit codes:
  0    every row was created, already present (conflict, skipped) or valid
  1    a row failed, or a row is invalid (with --fail-on new: invalid in a way
       the last run was not; --max-invalid N tolerates N): see the errors file
  2    usage or configuration error (flags, mapping, header, credentials): nothing
       sent; or Comeet refused the credentials during the run: the rows before are
       in the report as they came back, the rest are not_sent
  130  interrupted: in-flight requests finished and the report was flushed`

// defaultMemoryLimit is the soft limit given to Go's garbage collector
// unless GOMEMLIMIT says otherwise, and defaultGCPercent its pacing unless
// GOGC does. The run's live data is small (rows in flight, the table of keys
// seen); with the default pacing the heap grows to twice that between
// collections and a million-row dry run passes 64 MiB of RSS. With the limit
// as the bound, a higher GOGC lets the collector use the room under it
// instead of collecting often while the heap is small: a million-row dry run
// then stays near 47 MiB and runs about a tenth faster. The limit is soft: a
// run that truly needs more gets more.
const (
	defaultMemoryLimit = 40 << 20
	defaultGCPercent   = 400
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(defaultGCPercent)
		}
	}
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, the default handling comes back: a second
	// Ctrl-C ends the process at once.
	context.AfterFunc(ctx, stop)

	root := newRootCmd()
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		code := exitCode(err)
		if !errors.Is(err, errReported) {
			fmt.Fprintf(os.Stderr, "comeet-import %s: %s\n", cmd.Name(), errorText(err))
		}
		if code == exitConfig && isUsage(err) {
			fmt.Fprintf(os.Stderr, "Run 'comeet-import %s --help' for usage.\n", cmd.Name())
		}
		return code
	}
	return exitOK
}

// flagNames are the command line's names of the settings an
// importer.ConfigError names.
var flagNames = map[importer.Setting]string{
	importer.SettingMapping:  "--mapping",
	importer.SettingFilesDir: "--files-dir",
	importer.SettingReport:   "--report",
	importer.SettingErrors:   "--errors",
	importer.SettingLedger:   "--ledger",
}

// flagName is the flag that gives s, or s's own words (the input is an
// argument, not a flag).
func flagName(s importer.Setting) string {
	if f, ok := flagNames[s]; ok {
		return f
	}
	return string(s)
}

// errorText is err as the command line tells it: a configuration error
// names the flag at fault. The commands return an importer.ConfigError
// unwrapped, so its own words are the whole story.
func errorText(err error) string {
	var ce *importer.ConfigError
	if errors.As(err, &ce) {
		return ce.Describe(flagName)
	}
	return err.Error()
}

// errReported wraps an outcome whose story is already told (the summary and
// the report), so main only turns it into an exit code.
var errReported = errors.New("reported")

// rowsFailedError is the quiet error of a run in which some rows were
// invalid or failed.
type rowsFailedError struct{}

func (rowsFailedError) Error() string { return "some rows were not imported" }
func (rowsFailedError) Is(target error) bool {
	return target == errReported
}

// reportedError is an error the summary already told (as a JSON log
// line): main turns it into its exit code and prints nothing more, so the
// summary stays the run's last line.
type reportedError struct{ err error }

func (e reportedError) Error() string        { return e.err.Error() }
func (e reportedError) Unwrap() error        { return e.err }
func (e reportedError) Is(target error) bool { return target == errReported }

// usageError is a problem with the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func exitCode(err error) int {
	var ce *importer.ConfigError
	var rf rowsFailedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &rf):
		return exitRowsFailed
	case errors.Is(err, importer.ErrInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ce), isUsage(err), errors.Is(err, importer.ErrAuth):
		return exitConfig
	}
	return exitRowsFailed
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "comeet-import",
		Short: "Load candidates from a spreadsheet into Comeet (POST /candidates)",
		Long: `comeet-import loads candidates from a CSV or XLSX file into Comeet through its
partner API, one POST /candidates per row, paced to the account's limit of 100
requests per 60 seconds, and writes a report with one line per input row.

Credentials come from the environment (COMEET_API_KEY, COMEET_API_SECRET) or
from files (--api-key-file, --api-secret-file), never from a plain flag.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newImportCmd(false),
		newImportCmd(true),
		newSandboxCmd(),
		newDemoCmd(),
		newCheckCmd(),
		newHistoryCmd(),
		newReportCmd(),
		newVerifyCmd(),
		newForgetCmd(),
		newMappingCmd(),
		newTemplateCmd(),
	)
	addVersion(root)
	return root
}
