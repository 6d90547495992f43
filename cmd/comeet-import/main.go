// Command comeet-import loads candidates from a spreadsheet into Comeet
// through its partner API. See the README for the whole story.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// Exit codes: the contract cron jobs and monitors rely on. exitCode is the
// one place an error becomes one of them; exitCodesHelp lists them in --help.
const (
	exitOK          = 0   // every row created, updated, conflict, skipped or valid
	exitRowsFailed  = 1   // rows need a person: invalid (per --fail-on/--max-invalid) or failed
	exitConfig      = 2   // usage or configuration; or Comeet refused the credentials mid-run
	exitBroken      = 3   // the run itself broke: input, report or ledger I/O, Comeet unreachable
	exitInterrupted = 130 // interrupted: in-flight requests finished, report and ledger flushed
)

const exitCodesHelp = `Exit codes:
  0    done: every row created, updated, conflict, skipped or valid
  1    rows need a person: invalid rows (as --fail-on and --max-invalid say) or
       failed rows: see the errors file
  2    usage or configuration (flags, mapping, header, credentials, a ledger of
       another account): nothing sent; or Comeet refused the credentials during
       the run: the rows before are in the report, the rest are not_sent
  3    the run itself broke: the input broke midway, the report or the ledger
       could not be written, or Comeet was unreachable for good (the positions
       list unavailable, every retry of the first rows failed)
  130  interrupted (SIGINT or SIGTERM): requests on the wire finished, the report
       and the ledger flushed; rows not reached are not_sent`

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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hurry := make(chan struct{})
	release := catchStop(cancel, hurry, os.Stderr)
	defer release()

	root := newRootCmd()
	cmd, err := root.ExecuteContextC(withHurry(ctx, hurry))
	code := exitCode(err)
	if err != nil && !errors.Is(err, errReported) {
		fmt.Fprintf(os.Stderr, "%s: %s\n", cmd.CommandPath(), errorText(err))
		if code == exitConfig && isUsage(err) {
			fmt.Fprintf(os.Stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
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

// exitCode is the exit code of a command that returned err: the one
// mapping from errors to the codes of exitCodesHelp. An error no case
// claims (a report, ledger or input that failed midway, Comeet unreachable)
// is the run itself breaking.
func exitCode(err error) int {
	var ce *importer.ConfigError
	var rf rowsFailedError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, importer.ErrInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &rf):
		return exitRowsFailed
	case errors.As(err, &ce), isUsage(err), errors.Is(err, importer.ErrAuth):
		return exitConfig
	}
	return exitBroken
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
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if !cmd.HasParent() && cmd.Flags().NArg() > 0 {
			// A mistyped command followed by its flags: the command is the mistake.
			return unknownCommand(cmd, cmd.Flags().Arg(0))
		}
		return usageError{err}
	})
	// The root runs only to refuse a mistyped command, as a usage error.
	root.Args = cobra.ArbitraryArgs
	root.SuggestionsMinimumDistance = 2
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return unknownCommand(cmd, args[0])
	}
	root.AddCommand(
		newImportCmd(false),
		newImportCmd(true),
		newSandboxCmd(),
		newDemoCmd(),
		newCheckCmd(),
		newServeCmd(),
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

// unknownCommand is the usage error of a mistyped command, with cobra's
// suggestions ("valdiate": validate).
func unknownCommand(root *cobra.Command, name string) error {
	err := fmt.Errorf("unknown command %q", name)
	if s := root.SuggestionsFor(name); len(s) > 0 {
		err = fmt.Errorf("%w; did you mean %s?", err, strings.Join(s, " or "))
	}
	return usageError{err}
}
