package importer

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/mapping"
	"github.com/comeet-import/comeet-import/report"
	"github.com/comeet-import/comeet-import/source"
)

// run holds what one Run opened, and the little state its producer keeps.
type run struct {
	cfg        Config
	log        zerolog.Logger
	src        *source.Reader
	sourceName string
	binder     *mapping.Binder
	attach     *attacher
	ledger     *ledger.Ledger   // nil without a ledger
	client     *comeet.Client   // nil on a dry run
	rate       *stopWaiter      // nil when unpaced
	adaptive   *adaptiveLimiter // nil when unpaced
	out        *report.Writer
	closers    []func() error

	seed    maphash.Seed
	seen    *keySet // duplicate keys inside the file
	cleared int     // rows cleared for sending, for --limit
	stats   stats

	progress progressFeed
}

// Run imports cfg.Input into Comeet, or with cfg.DryRun checks it, and
// writes the report. The summary is valid whatever the error.
//
// Errors: a *ConfigError when nothing could start; ErrAuth when Comeet
// refused the credentials; ErrInterrupted when ctx was cancelled; any other
// error is a broken source or an unwritable report. Rows that fail are not
// errors: they are counted in the summary.
func Run(ctx context.Context, cfg Config) (report.Summary, error) {
	start := time.Now()
	cfg = cfg.WithDefaults()
	r, err := open(ctx, cfg)
	if err != nil {
		return report.Summary{DryRun: cfg.DryRun, Counts: report.Counts{}}, err
	}
	r.openProgress(start)
	runErr := r.pipeline(ctx)
	closeErr := r.close()
	sum := report.Summary{
		Counts:     r.out.Counts(),
		Elapsed:    time.Since(start),
		DryRun:     cfg.DryRun,
		Sent:       r.stats.requests,
		Throttled:  r.stats.throttled,
		BudgetUsed: r.stats.budgetUsed(cfg.Rate),
	}
	sum.Slowdowns, sum.LowestPerMinute = r.adaptive.slowed()
	if runErr == nil {
		runErr = closeErr
	}
	return sum, runErr
}

// open opens every resource of the run in stage order; any failure is a
// configuration error and closes what was already open.
func open(ctx context.Context, cfg Config) (_ *run, err error) {
	r := &run{cfg: cfg, log: cfg.Logger, seed: maphash.MakeSeed(), seen: &keySet{}}
	defer func() {
		if err != nil {
			r.close()
			err = asConfigError(err)
		}
	}()
	if err := checkOutputs(cfg); err != nil {
		return nil, err
	}
	if err := r.openSource(ctx); err != nil {
		return nil, err
	}
	if err := r.bindMapping(); err != nil {
		return nil, err
	}
	if err := r.openFiles(); err != nil {
		return nil, err
	}
	if err := r.openLedger(ctx); err != nil {
		return nil, err
	}
	if err := r.openClient(); err != nil {
		return nil, err
	}
	out, err := report.Create(cfg.ReportPath, cfg.ErrorsPath, r.src.Header())
	if err != nil {
		return nil, err
	}
	r.out = out
	return r, nil
}

func (r *run) openSource(ctx context.Context) error {
	var err error
	if r.cfg.Input == Stdin {
		r.sourceName = "stdin"
		r.src, err = source.NewReader(r.cfg.Stdin, r.cfg.Source)
	} else {
		r.sourceName = filepath.Base(r.cfg.Input)
		r.src, err = source.OpenContext(ctx, r.cfg.Input, r.cfg.Source)
	}
	if err != nil {
		return fmt.Errorf("input %s: %w", r.sourceName, err)
	}
	r.closers = append(r.closers, r.src.Close)
	return nil
}

func (r *run) bindMapping() error {
	m := mapping.FromHeader(r.src.Header())
	if r.cfg.MappingFile != "" {
		var err error
		if m, err = mapping.LoadFile(r.cfg.MappingFile); err != nil {
			return fmt.Errorf("mapping %s: %w", r.cfg.MappingFile, err)
		}
	}
	if err := requireMapped(m); err != nil {
		return err
	}
	b, err := m.Bind(r.src.Header())
	if err != nil {
		return fmt.Errorf("mapping: %w", err)
	}
	r.binder = b
	return nil
}

func (r *run) openFiles() error {
	root, err := os.OpenRoot(r.cfg.FilesDir)
	if err != nil {
		return fmt.Errorf("--files-dir: %w", err)
	}
	r.closers = append(r.closers, root.Close)
	r.attach = &attacher{root: root, hash: !r.cfg.NoLedger}
	return nil
}

// openLedger opens the ledger for writing, or on a dry run only reads an
// existing one, so validate can tell which rows a real run would skip.
func (r *run) openLedger(ctx context.Context) error {
	if r.cfg.NoLedger {
		return nil
	}
	var err error
	if r.cfg.DryRun {
		if _, statErr := os.Stat(r.cfg.LedgerPath); statErr != nil {
			r.attach.hash = false
			return nil
		}
		r.ledger, err = ledger.OpenReadOnly(ctx, r.cfg.LedgerPath)
	} else {
		r.ledger, err = ledger.Open(ctx, r.cfg.LedgerPath)
	}
	if err != nil {
		return fmt.Errorf("--ledger %s: %w", r.cfg.LedgerPath, err)
	}
	r.closers = append(r.closers, r.ledger.Close)
	if r.cfg.DryRun && r.cfg.APIKey == "" {
		return nil // without an api key a dry run cannot name the account
	}
	if err := r.ledger.BindAccount(ctx, ledger.AccountOf(r.cfg.BaseURL, r.cfg.APIKey)); err != nil {
		return fmt.Errorf("--ledger %s: %w", r.cfg.LedgerPath, err)
	}
	return nil
}

func (r *run) openClient() error {
	if r.cfg.DryRun {
		return nil
	}
	cc := comeet.Config{
		BaseURL:     r.cfg.BaseURL,
		APIKey:      r.cfg.APIKey,
		Secret:      r.cfg.Secret,
		MaxAttempts: r.cfg.MaxAttempts,
		Timeout:     r.cfg.Timeout,
		Backoff:     r.cfg.Backoff,
		Logger:      r.log,
	}
	if lim := r.cfg.Rate.Limiter(r.cfg.SafetyMargin); lim != nil {
		r.adaptive = newAdaptiveLimiter(lim, r.cfg.Concurrency, r.log)
		r.rate = &stopWaiter{lim: r.adaptive, stop: make(chan struct{})}
		cc.Limiter = r.rate
		cc.Observe = r.adaptive.observe
	}
	c, err := comeet.NewClient(cc)
	if err != nil {
		return err
	}
	r.client = c
	return nil
}

func (r *run) close() error {
	var errs []error
	if r.out != nil {
		errs = append(errs, r.out.Close())
	}
	for i := len(r.closers) - 1; i >= 0; i-- {
		errs = append(errs, r.closers[i]())
	}
	r.closers = nil
	return errors.Join(errs...)
}

// queueBatches bounds how far the reader runs ahead of the slowest row
// still in flight, in batches of checkBatchSize rows: enough to keep every
// worker fed, small enough that memory does not grow with the file.
func queueBatches(workers int) int { return 2 + (4*workers)/checkBatchSize }

// pipeline runs the producer, the workers and the report writer until the
// input ends, the run is interrupted, or something breaks.
func (r *run) pipeline(ctx context.Context) error {
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	// An interruption stops new sends at once but lets a request already on
	// the wire finish, up to the grace period.
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	defer context.AfterFunc(runCtx, func() {
		r.rate.halt()
		time.AfterFunc(r.cfg.Grace, cancelSend)
	})()

	queue := make(chan *batch, queueBatches(r.cfg.Concurrency))
	jobs := make(chan *row, r.cfg.Concurrency)
	g, gctx := errgroup.WithContext(context.Background())
	g.Go(func() error {
		defer close(queue)
		defer close(jobs)
		return r.produce(runCtx, gctx, queue, jobs)
	})
	for range r.cfg.Concurrency {
		g.Go(func() error {
			r.work(runCtx, sendCtx, stop, jobs)
			return nil
		})
	}
	g.Go(func() error { return r.write(queue) })
	err := g.Wait()
	switch {
	case err != nil:
		return err
	case ctx.Err() != nil:
		return ErrInterrupted
	case errors.Is(context.Cause(runCtx), ErrAuth):
		return ErrAuth
	}
	return nil
}

// produce takes the checked batches in input order, admits their rows,
// queues each batch for the writer and hands its rows to send to the
// workers. The batch is queued before its rows go to the workers, so the
// writer reports each row as soon as it is answered.
func (r *run) produce(runCtx, gctx context.Context, queue chan<- *batch, jobs chan<- *row) error {
	batches, wait := r.readAhead(runCtx, gctx)
	defer wait()
	// Admitting reads only the ledger, and must finish even after an
	// interruption, so every row still gets its line.
	admitCtx := context.WithoutCancel(runCtx)
	for b := range batches {
		<-b.checked
		for _, rw := range b.rows {
			r.admitRow(runCtx, admitCtx, rw)
		}
		select {
		case queue <- b:
		case <-gctx.Done():
			return nil
		}
		if !r.dispatch(gctx, b, jobs) {
			return nil
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

// admitRow decides a checked row's fate; a row to send gets its done
// channel, which the worker that sends it closes.
func (r *run) admitRow(runCtx, admitCtx context.Context, rw *row) {
	r.admit(admitCtx, rw)
	switch {
	case rw.res.Outcome != "":
	case runCtx.Err() != nil:
		r.stopped(rw, context.Cause(runCtx))
	default:
		rw.done = make(chan struct{})
	}
}

// dispatch hands the batch's rows to send to the workers; it reports false
// when the run is ending because the writer failed.
func (r *run) dispatch(gctx context.Context, b *batch, jobs chan<- *row) bool {
	for i, rw := range b.rows {
		if rw.done == nil {
			continue
		}
		select {
		case jobs <- rw:
		case <-gctx.Done():
			for _, rest := range b.rows[i:] {
				if rest.done != nil {
					r.stopped(rest, context.Cause(gctx))
					close(rest.done)
				}
			}
			return false
		}
	}
	return true
}

// work sends rows until the jobs channel closes. After an interruption or
// an authentication failure it finishes the queued rows without sending.
func (r *run) work(runCtx, sendCtx context.Context, stop context.CancelCauseFunc, jobs <-chan *row) {
	for rw := range jobs {
		if runCtx.Err() != nil {
			r.stopped(rw, context.Cause(runCtx))
		} else if fatal := r.send(sendCtx, rw); fatal != nil {
			stop(fatal)
		}
		close(rw.done)
	}
}

// stopped finishes a row that was not sent because the run is ending.
func (r *run) stopped(rw *row, cause error) {
	if errors.Is(cause, ErrAuth) {
		rw.finish(report.Failed, "not_sent", "not sent: Comeet refused the credentials on an earlier row")
		return
	}
	rw.finish(report.Failed, codeInterrupted, "not sent: the run was interrupted")
}

// write writes the rows in input order, waiting for each one in flight.
func (r *run) write(queue <-chan *batch) error {
	for b := range queue {
		for _, rw := range b.rows {
			if rw.done != nil {
				<-rw.done
			}
			r.logRow(rw)
			if err := r.out.Write(&rw.res, rw.rec.Fields); err != nil {
				return err
			}
			r.progress.row(r.out.Counts())
		}
	}
	return nil
}

// logRow logs a row by its numbers and ids only: names, emails and
// national ids stay out of the logs.
func (r *run) logRow(rw *row) {
	var ev *zerolog.Event
	switch rw.res.Outcome {
	case report.Failed:
		ev = r.log.Warn()
	case report.Created, report.Conflict:
		ev = r.log.Info()
	default:
		ev = r.log.Debug()
	}
	ev.Int("row", rw.res.Row).Int("line", rw.res.Line).
		Str("partner_candidate_id", rw.res.PartnerCandidateID).
		Str("outcome", string(rw.res.Outcome)).
		Str("candidate_uid", rw.res.CandidateUID).
		Str("error_code", rw.res.ErrorCode).
		Int("attempts", rw.res.Attempts).Msg("row")
}

// stopWaiter is the shared rate limiter, made to let go of every waiting
// worker at once when the run stops, while requests already sent go on.
type stopWaiter struct {
	lim  interface{ Wait(context.Context) error }
	stop chan struct{}
}

// Wait waits for the limiter, or until ctx ends or the run stops.
func (w *stopWaiter) Wait(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	select {
	case <-w.stop:
		return context.Canceled
	default:
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-w.stop:
			cancel(context.Canceled)
		case <-done:
		}
	}()
	return w.lim.Wait(ctx)
}

func (w *stopWaiter) halt() {
	if w != nil {
		close(w.stop)
	}
}
