package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// Result is what a run came to: the summary of its rows, and the files it
// resolved from the config's defaults.
type Result struct {
	report.Summary
	Paths Paths
	// Files is the match report in one paragraph (attach.Usage.Summary),
	// empty when the mapping has no file field. It quotes file names, so it
	// is printed, never logged.
	Files string
}

// Run imports cfg.Input into Comeet, or with cfg.DryRun checks it, and
// writes the report. The result is valid whatever the error.
//
// Errors: a *ConfigError when nothing could start; ErrAuth when Comeet
// refused the credentials; ErrInterrupted when ctx was cancelled; any other
// error is a broken source or an unwritable report. Rows that fail are not
// errors: they are counted in the summary.
func Run(ctx context.Context, cfg Config) (Result, error) {
	start := time.Now()
	cfg = cfg.WithDefaults()
	res := Result{Summary: report.Summary{DryRun: cfg.DryRun, Counts: report.Counts{}}, Paths: cfg.paths()}
	r, err := open(ctx, cfg)
	if err != nil {
		res.Paths = Paths{} // nothing was written
		return res, err
	}
	r.pool.progress = newProgressFeed(ctx, cfg, r.src, cfg.Logger, start)
	if !cfg.DryRun {
		r.pool.progress.stats = r.stats
	}
	runErr := r.pool.run(ctx)
	if r.files != nil && r.filesMapped {
		r.usage = r.files.Usage() // before close: listing may walk the folder
	}
	m := r.pool.memory
	if m.err != nil {
		cfg.Logger.Warn().Err(m.err).Msg("ledger: reading the known problems failed; the rest count as new")
	}
	if err := m.remember(ctx, runErr == nil); err != nil {
		cfg.Logger.Warn().Err(err).Msg("ledger: remembering this run's problems failed; the next run counts them as new")
	}
	closeErr := r.close()
	res.Summary = report.Summary{
		Counts:     r.out.Counts(),
		Elapsed:    time.Since(start),
		DryRun:     cfg.DryRun,
		Sent:       r.stats.requests,
		Throttled:  r.stats.throttled,
		ByKind:     r.stats.byKind,
		BudgetUsed: r.stats.budgetUsed(cfg.Rate),
		NewInvalid: m.newInvalid,

		ChangedNotSent:     r.pool.admitter.changedNotSent,
		PositionsUnchecked: r.pool.admitter.positionsUnchecked,
	}
	if cfg.DryRun {
		planned := r.pool.admitter.planned
		// An import checks the positions again, with the same requests.
		planned.Positions = r.stats.byKind.Positions
		if planned.Positions == 0 && r.pool.admitter.positionsUnchecked > 0 {
			planned.Positions = 1 // the list an import reads to find the names
		}
		res.Planned = &planned
	}
	res.Slowdowns, res.LowestPerMinute = r.adaptive.Slowed()
	summarize(&res.Summary, cfg, r.out)
	if r.usage != nil {
		res.Files = r.usage.Summary()
		res.Paths.Files = cfg.filesReportPath()
		if err := writeFilesReport(res.Paths.Files, r.usage, reportDialect(r.src.Dialect())); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	if m.known == nil {
		res.Paths.Ledger = "" // none was kept or read (a dry run without one)
		res.LedgerPath = ""
	}
	if r.out.ErrorRows() == 0 {
		res.Paths.Errors = "" // the report writer left no errors file behind
	}
	if runErr == nil {
		runErr = closeErr
	}
	if errors.Is(runErr, ErrReport) || errors.Is(closeErr, ErrReport) {
		// The files at these paths are the previous run's: none is named.
		res.Paths.Report, res.Paths.Errors, res.ReportPath, res.ErrorsPath = "", "", "", ""
	}
	return res, runErr
}

// run is what one Run opened: the stages, wired into a pool, and what
// must be closed after.
type run struct {
	cfg      Config
	src      *source.Reader
	out      *report.Writer
	pool     *pool
	stats    *stats
	adaptive *pace.Adaptive // nil when unpaced
	closers  []func() error

	files       *attach.Files
	filesMapped bool          // the mapping feeds a file field
	usage       *attach.Usage // the match report, taken at the end
}

// open opens every resource of the run in stage order and builds the
// stages; any failure is a configuration error and closes what was already
// open.
func open(ctx context.Context, cfg Config) (_ *run, err error) {
	r := &run{cfg: cfg, stats: &stats{}}
	defer func() {
		if err != nil {
			r.close()
			err = openError(ctx, err)
		}
	}()
	// Before anything is created: a refused URL must not bind a new ledger.
	if err := comeet.CheckBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	if err := checkOutputs(cfg); err != nil {
		return nil, err
	}
	name, err := r.openSource(ctx)
	if err != nil {
		return nil, err
	}
	binder, err := r.bindMapping()
	if err != nil {
		return nil, err
	}
	files, err := r.openFiles()
	if err != nil {
		return nil, err
	}
	r.filesMapped = mapsFiles(binder)
	lg, err := r.openLedger(ctx)
	if err != nil {
		return nil, err
	}
	files.Digests = lg != nil // the ledger keeps them
	memory := &problemMemory{collect: !cfg.DryRun}
	if lg != nil {
		if memory.known, err = lg.KnownProblems(ctx); err != nil {
			return nil, settingError(SettingLedger, cfg.LedgerPath, err)
		}
		r.closers = append(r.closers, memory.known.Close)
	}
	p := &pool{
		src: r.src, name: name, stdin: cfg.Input == Stdin,
		checker: newChecker(binder, files, cfg.Rules, r.src.Header()),
		admitter: &admitter{
			ledger: lg, dryRun: cfg.DryRun, limit: cfg.Limit, seen: &keySet{},
			words:      wording{header: r.src.Header()},
			idColumn:   binder.ColumnOf(make([]string, len(r.src.Header())), comeet.FieldPartnerCandidateID),
			keyColumns: binder,
		},
		log: cfg.Logger, invalidAtInfo: cfg.InvalidRowsAtInfo, workers: cfg.Concurrency, grace: cfg.Grace,
		memory: memory, onRow: cfg.OnRow, stop: make(chan struct{}), hurry: cfg.Hurry,
	}
	p.recaller = &recaller{ledger: lg, files: files, checker: p.checker}
	if err := cfg.checkSync(); err != nil {
		return nil, err
	}
	r.openUpdater(p.admitter, lg, name)
	if !cfg.DryRun || cfg.CheckPositions || cfg.hasCredentials() {
		client, err := r.openClient(p)
		if err != nil {
			return nil, err
		}
		if err := r.openSync(ctx, p, client); err != nil {
			return nil, err
		}
		if !cfg.DryRun {
			p.sender = &sender{client: client, ledger: lg, stats: r.stats, source: name, log: cfg.Logger, updater: p.admitter.updater}
		}
	}
	if r.out, err = openReport(cfg, r.src); err != nil {
		return nil, err
	}
	p.out = r.out
	r.pool = p
	return r, nil
}

// openSource opens the input and returns the name messages give it; ctx
// ends a read that would block (a FIFO, a device) when the run is interrupted.
func (r *run) openSource(ctx context.Context) (string, error) {
	var err error
	name := "stdin"
	if r.cfg.Input == Stdin {
		// Read so that an interruption ends a read blocked on a terminal
		// or an idle pipe (see source.StdinReader).
		in := source.NewStdinReader(ctx, r.cfg.Stdin)
		r.closers = append(r.closers, in.Close)
		r.src, err = source.NewReader(in, r.cfg.Source)
	} else {
		name = filepath.Base(r.cfg.Input)
		r.src, err = source.OpenContext(ctx, r.cfg.Input, r.cfg.Source)
	}
	if err != nil {
		return "", fmt.Errorf("input %s: %w", name, err)
	}
	r.closers = append(r.closers, r.src.Close)
	logInput(r.cfg.Logger, r.src)
	return name, nil
}

func (r *run) bindMapping() (*mapping.Binder, error) {
	return bindMapping(r.cfg, r.src.Header(), r.src.SheetNote())
}

// bindMapping binds cfg's mapping file, or the header itself, to header;
// sheetNote (which sheet was read) is told when columns are missing.
func bindMapping(cfg Config, header []string, sheetNote string) (*mapping.Binder, error) {
	m := mapping.FromHeader(header)
	if cfg.MappingFile != "" {
		var err error
		if m, err = mapping.LoadFile(cfg.MappingFile); err != nil {
			return nil, fmt.Errorf("--mapping %s: %w", cfg.MappingFile, err)
		}
	}
	if err := requireMapped(m, cfg.MappingFile); err != nil {
		return nil, err
	}
	b, err := m.Bind(header)
	var missing *mapping.MissingColumnsError
	if errors.As(err, &missing) && sheetNote != "" {
		return nil, fmt.Errorf("mapping: %w; %s", err, sheetNote)
	}
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return b, nil
}

// openFiles opens the files folder or .zip. The input's folder, when no
// files folder was given, is only walked if a name is not an exact path,
// and its files are not listed in the match report.
func (r *run) openFiles() (*attach.Files, error) {
	files, err := attach.Open(r.cfg.FilesDir, attach.Options{
		AllowHidden:    r.cfg.AllowHidden,
		AllowHardlinks: r.cfg.AllowHardlinks,
		MaxFileSize:    r.cfg.Rules.MaxFileSize,
		List:           !r.cfg.filesDirDefaulted,
	})
	if err != nil {
		return nil, settingError(SettingFilesDir, "", err)
	}
	r.closers = append(r.closers, files.Close)
	r.files = files
	return files, nil
}

// openLedger opens the ledger for writing, or on a dry run only reads an
// existing one, so validate can tell which rows a real run would skip. It
// returns nil when there is no ledger to keep or read.
func (r *run) openLedger(ctx context.Context) (*ledger.Ledger, error) {
	if r.cfg.NoLedger {
		return nil, nil
	}
	path := r.cfg.LedgerPath
	var l *ledger.Ledger
	var err error
	if r.cfg.DryRun {
		if _, statErr := os.Stat(path); statErr != nil {
			return nil, nil
		}
		l, err = ledger.OpenReadOnly(ctx, path)
	} else {
		l, err = ledger.Open(ctx, path)
	}
	if err != nil {
		return nil, settingError(SettingLedger, path, err)
	}
	r.closers = append(r.closers, l.Close)
	if r.cfg.DryRun && r.cfg.APIKey == "" {
		return l, nil // without an api key a dry run cannot name the account
	}
	if err := l.BindAccount(ctx, ledger.AccountOf(r.cfg.BaseURL, r.cfg.APIKey)); err != nil {
		return nil, settingError(SettingLedger, path, err)
	}
	return l, nil
}

// openClient makes the client, paced by the shared limiter that p can
// halt, and adaptive when the run is paced.
func (r *run) openClient(p *pool) (*comeet.Client, error) {
	cc := r.cfg.ClientConfig(r.cfg.Logger)
	cc.PatchFields = r.cfg.PatchFields
	cc.Sleep = stopSleep(p.stop)
	if lim := r.cfg.Limiter(); lim != nil {
		r.adaptive = pace.NewAdaptive(lim, r.cfg.Concurrency, r.cfg.Logger)
		p.rate = &stopWaiter{lim: r.adaptive, stop: p.stop}
		cc.Limiter = p.rate
		cc.Observe = r.adaptive.Observe
	}
	return comeet.NewClient(cc)
}

func (r *run) close() error {
	var errs []error
	if r.out != nil {
		if err := r.out.Close(); err != nil && !errors.Is(err, ErrReport) {
			errs = append(errs, fmt.Errorf("%w: %w", ErrReport, err))
		}
	}
	for i := len(r.closers) - 1; i >= 0; i-- {
		errs = append(errs, r.closers[i]())
	}
	r.closers = nil
	return errors.Join(errs...)
}
