package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/source"
)

// runFlags are the flags of import and validate, before they become an
// importer.Config: the groups every command shares, and the run's own.
type runFlags struct {
	cfg importer.Config
	accountFlags
	pacingFlags
	logFlags
	sourceFlags
	outputFlags
	jsonLogs     bool // the logs are JSON lines: the summary is one too
	failOn       string
	maxInvalid   int
	progress     string
	display      progressDisplay // nil for --progress none
	resumeTypes  string
	customFields []string
	maxFileSize  int64
	maxStringLen int
	sync         syncFlags
}

func (f *runFlags) register(cmd *cobra.Command, dryRun bool) {
	fs := cmd.Flags()
	c := &f.cfg
	fs.StringVar(&c.MappingFile, "mapping", "", "mapping CSV (field,column,default); without it, headers named like API fields map themselves")
	fs.StringVar(&c.FilesDir, "files-dir", "", "folder or .zip that resume, picture and files names are resolved in (default: the input's folder; give it, so nothing else of that folder can be attached)")
	fs.BoolVar(&c.AllowHidden, "allow-hidden", false, `attach files and folders whose names start with "." (refused by default)`)
	fs.BoolVar(&c.AllowHardlinks, "allow-hardlinks", false, "attach files with more than one hard link (refused by default: one may be a file outside the files folder)")
	fs.StringVar(&c.LedgerPath, "ledger", "", "ledger database of what was sent (default: "+importer.DefaultLedgerName+" beside the report)")
	fs.BoolVar(&c.NoLedger, "no-ledger", false, "do not keep a ledger (re-runs may then create duplicates)")
	limitHelp := "send only the first N rows that pass the checks (0: all)"
	if dryRun {
		limitHelp = "report only the first N rows that pass the checks as valid, as import --limit would send them; the others are reported skipped (0: all)"
	}
	fs.IntVar(&c.Limit, "limit", 0, limitHelp)
	fs.StringVar(&c.Source.DateFormat, "date-format", "", `format of dates written as text, e.g. MM/DD/YYYY, DD.MM.YY or a Go layout; such cells are sent as ISO 8601 (2025-03-21)`)
	fs.StringVar(&f.resumeTypes, "resume-types", "", `resume extensions allowed: "strict" (.pdf .doc .docx) or a list like ".pdf,.docx" (default: the API's whole list)`)
	fs.StringSliceVar(&f.customFields, "custom-fields", nil, "the account's custom field names; others are refused before sending")
	fs.Int64Var(&f.maxFileSize, "max-file-size", comeet.DefaultMaxFileSize, "largest attachment in bytes")
	fs.IntVar(&f.maxStringLen, "max-string-length", 0, fmt.Sprintf("longest short text value in characters (default %d; Comeet does not publish its limits; the note and custom field values allow 10,000)", comeet.DefaultMaxStringLength))
	fs.StringVar(&f.failOn, "fail-on", failOnAny, "which invalid rows make the exit code 1: any, or new (only those whose problem the ledger does not know from the last run); failed rows always do")
	completeWith(cmd, "fail-on", failOnAny, failOnNew)
	fs.IntVar(&f.maxInvalid, "max-invalid", 0, "exit 0 while at most N invalid rows (new ones with --fail-on new) remain; failed rows still exit 1")
	fs.StringVar(&f.progress, "progress", progressAuto, "progress display: bar, log (a line every "+progressInterval.String()+"), none; auto is a bar on a terminal, log otherwise")
	completeWith(cmd, "progress", progressAuto, progressBar, progressLog, progressNone)
	f.sourceFlags.register(cmd)
	f.outputFlags.register(cmd)
	f.accountFlags.register(cmd)
	// validate's requests (--check-positions) are paced as import's; it
	// has no workers.
	f.pacingFlags.register(cmd, !dryRun)
	f.logFlags.register(cmd)
	f.sync.register(cmd, c, dryRun)
	c.DryRun = dryRun
}

// config turns the flags into an importer.Config, reporting the flag at
// fault on any error.
func (f *runFlags) config(input string) (importer.Config, error) {
	c := f.cfg
	c.Input = input
	c.ReportPath, c.ErrorsPath = f.reportPath, f.errorsPath
	var err error
	if err := f.pacingFlags.fill(&c.Account); err != nil {
		return c, err
	}
	c.Concurrency = f.concurrency
	if f.failOn = strings.ToLower(strings.TrimSpace(f.failOn)); f.failOn != failOnAny && f.failOn != failOnNew {
		return c, usageError{fmt.Errorf("--fail-on %q: want any or new", f.failOn)}
	}
	if f.failOn == failOnNew && c.NoLedger {
		return c, usageError{errors.New("--fail-on new needs the ledger, which remembers the last run's problems: drop --no-ledger")}
	}
	if f.maxInvalid < 0 {
		return c, usageError{fmt.Errorf("--max-invalid %d: want 0 or more", f.maxInvalid)}
	}
	dateFormat := c.Source.DateFormat
	if c.Source, err = f.sourceFlags.options(); err != nil {
		return c, err
	}
	c.Source.DateFormat = dateFormat
	if dateFormat != "" {
		if _, err := source.ParseDateLayout(dateFormat); err != nil {
			return c, usageError{fmt.Errorf("--date-format: %w", err)}
		}
	}
	if c.Limit < 0 {
		return c, usageError{fmt.Errorf("--limit %d: want 0 (all) or more", c.Limit)}
	}
	if c.Rules, err = f.rules(); err != nil {
		return c, usageError{err}
	}
	if err := f.setProgress(&c); err != nil {
		return c, err
	}
	if err := f.sync.apply(&c); err != nil {
		return c, err
	}
	if !c.DryRun || c.CheckPositions {
		return c, f.accountFlags.fill(&c.Account, c.Logger)
	}
	// validate uses the credentials when it has them, as import does, to
	// resolve a position named by its name (and find it in the ledger).
	c.BaseURL = f.baseURL
	return c, f.credentials(&c.Account, c.Logger)
}

func (f *runFlags) rules() (*comeet.Rules, error) {
	r := comeet.DefaultRules()
	if f.maxFileSize <= 0 {
		return nil, fmt.Errorf("--max-file-size %d: want a positive number of bytes", f.maxFileSize)
	}
	r.MaxFileSize = f.maxFileSize
	if f.maxStringLen < 0 {
		return nil, fmt.Errorf("--max-string-length %d: want 0 (default) or more", f.maxStringLen)
	}
	if f.maxStringLen > 0 {
		r.MaxStringLength = f.maxStringLen
	}
	r.CustomFields = f.customFields
	types, err := comeet.ParseResumeTypes(f.resumeTypes)
	if err != nil {
		return nil, fmt.Errorf("--resume-types %w", err)
	}
	if types != nil {
		r.ResumeTypes = types
	}
	return r, nil
}

func secretFrom(file, env, flag string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv(env)), nil
	}
	b, err := readSmallFile(file, maxSecretFileBytes)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s %s: the file is empty", flag, file)
	}
	return s, nil
}

// setProgress chooses the progress display and builds the logger. Under a
// bar, log lines are written through it, and the rows' info lines, and the
// invalid rows' lines, give way to the bar unless --log-level asks for them.
func (f *runFlags) setProgress(c *importer.Config) error {
	terminal := stderrIsTerminal()
	mode, err := resolveProgress(f.progress, terminal)
	if err != nil {
		return usageError{err}
	}
	var out io.Writer = os.Stderr
	var bar *barProgress
	if mode == progressBar {
		bar = newBarProgress(os.Stderr, c.DryRun)
		out = bar
		// The bar shows warnings; an invalid row is in the report and the
		// errors file, and a warning per row would bury the bar.
		c.InvalidRowsAtInfo = f.level == ""
	}
	if c.Logger, f.jsonLogs, err = f.logger(out, terminal, bar != nil); err != nil {
		return err
	}
	switch mode {
	case progressBar:
		f.display = bar
	case progressLog:
		f.display = newLogProgress(c.Logger)
	}
	if f.display != nil {
		c.Progress = f.display.update
	}
	return nil
}

// stderrIsTerminal reports whether a person watches standard error.
func stderrIsTerminal() bool { return isatty.IsTerminal(os.Stderr.Fd()) }

// maxSecretFileBytes bounds a key or secret file: a key is a line, and a
// path such as /dev/zero would otherwise be read for ever.
const maxSecretFileBytes = 64 << 10

// secretPipeWait bounds how long a key or secret given as a pipe may take
// to arrive (a password manager behind <(...)).
const secretPipeWait = 10 * time.Second

// readSmallFile reads a key or secret file that must hold at most limit
// bytes: a regular file, or a pipe (a FIFO, or a process substitution such as
// --api-key-file <(pass show comeet/key)): read within secretPipeWait, and a
// FIFO no one writes to reads as empty at once. Anything else (a device, a
// socket, a directory) is refused before a byte is read: open(2) is
// non-blocking, so nothing can hang the run.
func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case info.Mode().IsRegular():
	case info.Mode()&os.ModeNamedPipe != 0:
		return readPipe(f, path, limit)
	default:
		return nil, fmt.Errorf("%s is not a regular file (%s): give the path of a file", path, mapping.FileKind(info.Mode()))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes (%d KiB): is it the right file?", path, limit, limit>>10)
	}
	return b, nil
}

// readPipe reads a pipe opened without blocking, within secretPipeWait. A
// read before any writer has opened the pipe ends at once with nothing, so
// it is tried again every pipePoll until something came: the writer of a
// FIFO may open it after the reader. Once bytes came, the end of the input
// is the writer's close.
func readPipe(f *os.File, path string, limit int64) ([]byte, error) {
	deadline := time.Now().Add(secretPipeWait)
	if err := f.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var b []byte
	chunk := make([]byte, 4096)
	for {
		n, err := f.Read(chunk)
		b = append(b, chunk[:n]...)
		switch {
		case int64(len(b)) > limit:
			return nil, fmt.Errorf("%s is larger than %d bytes (%d KiB): is it the right file?", path, limit, limit>>10)
		case errors.Is(err, io.EOF) && len(b) > 0:
			return b, nil
		case errors.Is(err, io.EOF) && time.Now().Before(deadline):
			time.Sleep(pipePoll) // no writer yet
		case errors.Is(err, io.EOF), errors.Is(err, os.ErrDeadlineExceeded):
			return nil, fmt.Errorf("%s: nothing came through the pipe within %s", path, secretPipeWait)
		case err != nil:
			return nil, err
		}
	}
}

// pipePoll is how often readPipe looks again for a pipe's writer.
const pipePoll = 20 * time.Millisecond
