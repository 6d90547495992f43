package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/source"
)

// Flag groups. Each flag is defined once, with one default, in the group
// that owns it; a command registers the groups it needs, so that --rate or
// --log-level means the same in import, validate, verify and check.

// accountFlags reach the account: the base URL and the files the
// credentials may be read from instead of the environment.
type accountFlags struct {
	baseURL, apiKeyFile, apiSecretFile string
}

// Environment variables that carry the credentials.
const (
	envAPIKey = "COMEET_API_KEY"
	envSecret = "COMEET_API_SECRET"
)

func (a *accountFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&a.baseURL, "base-url", comeet.DefaultBaseURL, "Comeet API base URL (https; http only for a loopback sandbox)")
	fs.StringVar(&a.apiKeyFile, "api-key-file", "", "read the api key from this file instead of $"+envAPIKey)
	fs.StringVar(&a.apiSecretFile, "api-secret-file", "", "read the partner secret from this file instead of $"+envSecret)
}

// fill sets acc's base URL and credentials, read from the files or the
// environment. A loopback base URL without credentials gets the sandbox's,
// so trying the tool against `comeet-import sandbox` needs no set-up.
func (a *accountFlags) fill(acc *pace.Account, log zerolog.Logger) error {
	// Checked first, before any ledger is opened: a refused URL must not be
	// told as a ledger of another account.
	if err := comeet.CheckBaseURL(a.baseURL); err != nil {
		return &importer.ConfigError{Err: err}
	}
	acc.BaseURL = a.baseURL
	if err := a.credentials(acc, log); err != nil {
		return err
	}
	var missing []string
	if acc.APIKey == "" {
		missing = append(missing, "$"+envAPIKey+" (or --api-key-file)")
	}
	if acc.Secret == "" {
		missing = append(missing, "$"+envSecret+" (or --api-secret-file)")
	}
	if len(missing) > 0 {
		return &importer.ConfigError{Err: fmt.Errorf("credentials missing: set %s", strings.Join(missing, " and "))}
	}
	return nil
}

// credentials sets acc's credentials from the files or the environment,
// or, when none are given and its base URL is on this machine, the
// sandbox's; it leaves them empty when none are given.
func (a *accountFlags) credentials(acc *pace.Account, log zerolog.Logger) error {
	var err error
	if acc.APIKey, err = a.apiKey(); err != nil {
		return err
	}
	if acc.Secret, err = secretFrom(a.apiSecretFile, envSecret, "--api-secret-file"); err != nil {
		return &importer.ConfigError{Err: err}
	}
	var sandbox bool
	if acc.APIKey, acc.Secret, sandbox = comeettest.SandboxCredentials(acc.BaseURL, acc.APIKey, acc.Secret); sandbox {
		log.Info().Msg("no credentials given: using the sandbox's, since --base-url is on this machine")
	}
	return nil
}

// apiKey is the api key alone: a dry run needs no credentials, but a key,
// when there is one, tells whose ledger an existing one is.
func (a *accountFlags) apiKey() (string, error) {
	key, err := secretFrom(a.apiKeyFile, envAPIKey, "--api-key-file")
	if err != nil {
		return "", &importer.ConfigError{Err: err}
	}
	return key, nil
}

// pacingFlags say how fast and how patiently requests go: the rate every
// request shares, the retries, the time limit of one attempt and, for a
// command with workers, how many send at once. The knobs other than the
// rate are left zero unless given: pace.Account, importer.Config and
// comeet.NewClient apply the defaults, which the help quotes.
type pacingFlags struct {
	rate        string
	margin      float64
	maxAttempts int
	timeout     time.Duration
	concurrency int
}

func (p *pacingFlags) register(cmd *cobra.Command, workers bool) {
	fs := cmd.Flags()
	fs.StringVar(&p.rate, "rate", pace.DefaultRate.String(), "request rate as N/DURATION (100/60s, 100/min, 100/1m), shared by every request of the run; Comeet allows 100/60s")
	fs.Float64Var(&p.margin, "rate-margin", 0, fmt.Sprintf("share of the rate left unused as a safety margin (default %v)", pace.DefaultSafetyMargin))
	fs.IntVar(&p.maxAttempts, "max-attempts", 0, fmt.Sprintf("attempts per request for transient failures (429, 5xx, timeouts) (default %d)", comeet.DefaultMaxAttempts))
	p.registerTimeout(cmd)
	if workers {
		fs.IntVar(&p.concurrency, "concurrency", 0, fmt.Sprintf("workers sending at once (default %d: at 100 requests a minute, eight keep the budget spent while one request takes up to about 5 s)", importer.DefaultConcurrency))
	}
}

// registerTimeout registers --timeout alone, for a command that makes one
// request.
func (p *pacingFlags) registerTimeout(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&p.timeout, "timeout", 0, fmt.Sprintf("time limit of one attempt (default %v)", comeet.DefaultTimeout))
}

// fill sets acc's rate and retry knobs, naming the flag at fault.
func (p *pacingFlags) fill(acc *pace.Account) error {
	var err error
	if acc.Rate, err = pace.ParseRate(p.rate); err != nil {
		return usageError{fmt.Errorf("--rate: %w", err)}
	}
	if p.margin < 0 || p.margin >= 1 {
		return usageError{fmt.Errorf("--rate-margin %v: want a share from 0 up to, not including, 1", p.margin)}
	}
	if p.concurrency < 0 {
		return usageError{fmt.Errorf("--concurrency %d: want 1 or more", p.concurrency)}
	}
	if p.maxAttempts < 0 {
		return usageError{fmt.Errorf("--max-attempts %d: want 1 or more", p.maxAttempts)}
	}
	if p.timeout < 0 {
		return usageError{fmt.Errorf("--timeout %v: want a positive duration", p.timeout)}
	}
	acc.SafetyMargin, acc.MaxAttempts, acc.Timeout = p.margin, p.maxAttempts, p.timeout
	return nil
}

// The values of --log-format and --log-level.
var (
	logFormats = []string{"json", "console"}
	logLevels  = []string{"debug", "info", "warn", "error"}
)

// logFlags say how the log reads.
type logFlags struct {
	format, level string
}

func (l *logFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&l.format, "log-format", "", "json or console (default: console on a terminal, json otherwise)")
	fs.StringVar(&l.level, "log-level", "", "debug, info, warn or error (default: info, or warn under a progress bar)")
	completeWith(cmd, "log-format", logFormats...)
	completeWith(cmd, "log-level", logLevels...)
}

// logger builds the logger writing to w: console on a terminal, JSON lines
// otherwise (for cron and log collectors); warnings only under a progress
// bar unless --log-level says otherwise. json says the lines are JSON.
func (l *logFlags) logger(w io.Writer, terminal, underBar bool) (log zerolog.Logger, json bool, err error) {
	format, level := strings.ToLower(l.format), strings.ToLower(l.level)
	if format == "" {
		format = "json"
		if terminal {
			format = "console"
		}
	}
	if level == "" {
		level = "info"
		if underBar {
			level = "warn"
		}
	}
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		return zerolog.Nop(), false, usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", l.level)}
	}
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	default:
		return zerolog.Nop(), false, usageError{fmt.Errorf("--log-format %q: want json or console", l.format)}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), format == "json", nil
}

// stderrLogger is the logger of a command without a progress display.
func (l *logFlags) stderrLogger() (zerolog.Logger, error) {
	log, _, err := l.logger(os.Stderr, stderrIsTerminal(), false)
	return log, err
}

// The help of the flags that say how to read the input.
const (
	encodingHelp = "input encoding, e.g. windows-1252, windows-1255, iso-8859-8, or auto (default: UTF-8, UTF-16 by BOM, else the code page detected)"
	sheetHelp    = "XLSX sheet name, hidden sheets included (default: the sheet Excel opens on: the active one, else the first visible)"
)

// sourceFlags say how to read an input file, shared by every command that
// reads one, so that `mapping` reads what `import` reads.
type sourceFlags struct {
	encoding, delimiter, sheet string
}

func (f *sourceFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.encoding, "encoding", "", encodingHelp)
	fs.StringVar(&f.delimiter, "delimiter", "", `cell delimiter: "," ";" "tab" "|" (default: detected from the header)`)
	fs.StringVar(&f.sheet, "sheet", "", sheetHelp)
}

func (f *sourceFlags) options() (source.Options, error) {
	d, err := source.ParseDelimiter(f.delimiter)
	if err != nil {
		return source.Options{}, usageError{fmt.Errorf("--delimiter %w", err)}
	}
	return source.Options{Encoding: f.encoding, Delimiter: d, Sheet: f.sheet}, nil
}

// outputFlags name the files a run writes beside its ledger.
type outputFlags struct {
	reportPath, errorsPath string
	summaryPath, htmlPath  string
}

func (o *outputFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&o.reportPath, "report", "", "report CSV, one line per input row (default: <input>.report.csv)")
	fs.StringVar(&o.errorsPath, "errors", "", "errors file: the rows to fix, in their original columns; a workbook when it ends in .xlsx; none is left when no row needs fixing (default: <input name>.errors.csv beside the report, .errors.xlsx for a workbook input)")
	fs.StringVar(&o.summaryPath, "summary", "", "write the run's summary as JSON to this file (the fields are listed in docs/reports.md)")
	fs.StringVar(&o.htmlPath, "html", "", "write a self-contained HTML page (counts, top problems, the rows that need work) to this file")
}

// registerLedger registers --ledger for a command that works on an existing
// ledger (history, report, verify, forget).
func registerLedger(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "ledger", importer.DefaultLedgerName, "ledger database (import keeps it beside the report)")
}

// completeWith offers values as the shell completion of a flag.
func completeWith(cmd *cobra.Command, flag string, values ...string) {
	// The flag is registered just before: an error here is a typo in code.
	if err := cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)); err != nil {
		panic(err)
	}
}
