package importer

import (
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// Defaults for the knobs a run exposes; the flags quote them.
const (
	// DefaultConcurrency is the number of workers sending rows at once. At
	// Comeet's 100 requests a minute a request leaves every 0.6 s, so eight
	// workers keep the budget spent as long as one request takes under about
	// 5 s: enough for a 6 MB resume (8 MB of base64) on a modest office
	// uplink. Workers cost little: bodies are streamed, not held.
	DefaultConcurrency = 8
	// DefaultGrace is how long in-flight requests may still run after an
	// interruption before they are cut off.
	DefaultGrace = 30 * time.Second
	// DefaultLedgerName is the ledger's file name, kept in the report's
	// folder so that nightly runs on differently named files share it.
	DefaultLedgerName = "comeet-import.ledger.db"
	// Stdin is the input name that means standard input.
	Stdin = "-"
)

// Config is everything one run needs. The command line fills it in; Run
// applies the defaults for what is left zero.
type Config struct {
	// Input is the CSV or XLSX file, or "-" for standard input.
	Input string
	// Stdin is read when Input is "-"; nil means os.Stdin.
	Stdin io.Reader
	// Source says how to read the input (encoding, delimiter, sheet).
	Source source.Options
	// MappingFile is the mapping CSV; empty means headers map themselves.
	MappingFile string
	// FilesDir is the folder or .zip where resume, picture and files
	// references are resolved; empty means the input's folder.
	FilesDir string
	// AllowHidden attaches files whose path has an element starting with
	// "."; AllowHardlinks attaches files with more than one hard link.
	// Both are refused by default.
	AllowHidden, AllowHardlinks bool
	// filesDirDefaulted: FilesDir is the input's folder, not a files folder
	// chosen for the run, so the match report does not list its files.
	filesDirDefaulted bool
	// ReportPath defaults to <input>.report.csv, and ErrorsPath to
	// <input base>.errors.csv in the report's folder (.errors.xlsx for a
	// workbook input).
	ReportPath, ErrorsPath string
	// LedgerPath defaults to DefaultLedgerName in the report's folder;
	// NoLedger turns the ledger off.
	LedgerPath string
	NoLedger   bool

	// DryRun (validate) does everything but send.
	DryRun bool
	// Limit sends at most this many rows that pass the checks (0: all).
	Limit int
	// Update sends a changed row whose candidate the ledger shows in Comeet
	// as a PATCH of the changed fields that PatchFields allows (nil:
	// comeet.NarrowPatchFields), and its new files one by one.
	Update      bool
	PatchFields []string
	// CheckPositions checks every row's position_uid in Comeet before the
	// row is sent (or called valid): unknown, closed and on-hold positions
	// are problems. It needs the credentials, on a dry run too.
	CheckPositions bool

	// Account reaches Comeet and paces the requests, as verify and check
	// do: the base URL, the credentials, the rate and the retry knobs.
	pace.Account
	// Concurrency is how many workers send at once; Grace how long the
	// requests in flight may still run after an interruption.
	Concurrency int
	Grace       time.Duration

	// Rules are the local checks; nil means comeet.DefaultRules().
	Rules *comeet.Rules

	Logger zerolog.Logger
	// InvalidRowsAtInfo logs the invalid rows at info instead of warn. Under
	// a progress bar, whose log shows warnings only, a warning per invalid
	// row buries the bar; the report and the errors file list them all.
	// Failed rows are warnings whatever this says.
	InvalidRowsAtInfo bool
	// Hurry, when closed, cuts the grace period short: the requests still
	// on the wire after the run was stopped are abandoned (their rows are
	// failed, interrupted: a re-run finds out whether they arrived); the
	// report and the ledger are still written. The command line closes it
	// on a second, deliberate interrupt.
	Hurry <-chan struct{}
	// Progress, when set, is called after every row is written to the
	// report, always from the same goroutine; it must return quickly.
	Progress func(Progress)
	// OnRow, when set, is called with each row's result and its input cells
	// right after the row is written to the report: in input order, from the
	// same goroutine as Progress, before Progress. It must return quickly
	// and keep neither pointer (copy what it needs). This is how a caller
	// other than the command line (the page) watches the rows fill in.
	OnRow func(res *report.Result, fields []string)
}

// WithDefaults returns the config with every zero knob set to its default:
// the paths derived from the input, the rate margin, the workers, the rules.
// This is the one place a run's defaults are applied; Run applies it, and
// the client's own knobs (MaxAttempts, Timeout, Backoff) are left for
// comeet.NewClient to default. The base URL is defaulted here too, because
// the ledger's account is named after it.
func (c Config) WithDefaults() Config {
	if c.Input == "" {
		c.Input = Stdin
	}
	base := c.Input
	if base == Stdin {
		base = "stdin"
	}
	if c.FilesDir == "" {
		c.FilesDir = filepath.Dir(base)
		c.filesDirDefaulted = true
	}
	if c.ReportPath == "" {
		c.ReportPath = source.TrimExt(base) + ".report.csv"
	}
	if c.ErrorsPath == "" {
		// Beside the report, not the input: a run whose --report points
		// elsewhere leaves the input's folder as it was.
		c.ErrorsPath = filepath.Join(filepath.Dir(c.ReportPath), errorsName(base))
	}
	if c.LedgerPath == "" {
		c.LedgerPath = filepath.Join(filepath.Dir(c.ReportPath), DefaultLedgerName)
	}
	c.Account = c.Account.WithDefaults()
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Grace <= 0 {
		c.Grace = DefaultGrace
	}
	if c.Rules == nil {
		c.Rules = comeet.DefaultRules()
	}
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	return c
}

// Paths are the files a run resolved: where it wrote its report and errors
// file, the ledger it kept or read (empty when none: NoLedger, or a dry
// run before the first import) and the match report of the files (empty
// when the mapping has no file field).
type Paths struct {
	Report, Errors, Ledger string
	Files                  string
}

// filesReportPath is the match report's path: beside the report, named
// after it (report.csv gives report.files.csv).
func (c Config) filesReportPath() string {
	return source.TrimExt(c.ReportPath) + ".files.csv"
}

// paths are the resolved config's paths.
func (c Config) paths() Paths {
	p := Paths{Report: c.ReportPath, Errors: c.ErrorsPath}
	if !c.NoLedger {
		p.Ledger = c.LedgerPath
	}
	return p
}

// hasCredentials reports whether the run can reach the account: import
// must, validate may (then it resolves position names as import does).
func (c Config) hasCredentials() bool {
	return c.APIKey != "" && c.Secret != ""
}
