package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// checkBatchSize is how many records a checker takes at a time: enough
// that handing them over costs little beside the checks, few enough that
// the rows waiting in memory stay a few hundred.
const checkBatchSize = 128

// pool drives the stages: a reader and one checker goroutine per CPU, the
// producer that admits rows in input order, the workers that send them and
// the writer that reports them in input order. It is the only owner of the
// run's contexts and goroutines; the stages it drives take the one context
// they need as a parameter.
type pool struct {
	src      *source.Reader
	name     string // the input's name, for messages
	stdin    bool   // the input is standard input
	checker  *checker
	recaller *recaller
	admitter *admitter
	sender   *sender // nil on a dry run
	out      *report.Writer
	progress *progressFeed
	onRow    func(*report.Result, []string) // Config.OnRow
	log      zerolog.Logger
	// invalidAtInfo logs invalid rows at info (Config.InvalidRowsAtInfo).
	invalidAtInfo bool
	workers       int
	grace         time.Duration
	rate          *stopWaiter // nil when unpaced
	// stop is closed when the run stops: the workers waiting for the
	// limiter or to retry let go at once.
	stop chan struct{}
	// hurry cuts the grace period short (Config.Hurry).
	hurry  <-chan struct{}
	reach  reachability
	memory *problemMemory
	halt   halt
}

// halt is the run's stop signal: an interruption or refused credentials.
// Rows admitted after it are reported "not sent", and the workers finish
// the rows queued to them without sending. It is the stop side of a
// context the pool makes, for the stages that must notice the stop without
// their own context being cancelled.
type halt struct {
	done  <-chan struct{}
	cause func() error
	stop  context.CancelCauseFunc
}

// newHalt returns the halt of a run under ctx: it is set when ctx ends or
// set is called, and then runs onSet once.
func newHalt(ctx context.Context, onSet func()) (h halt, release func()) {
	runCtx, stop := context.WithCancelCause(ctx)
	h = halt{done: runCtx.Done(), cause: func() error { return context.Cause(runCtx) }, stop: stop}
	unregister := context.AfterFunc(runCtx, onSet)
	return h, func() { unregister(); stop(nil) }
}

// set stops the run for cause, unless it is stopped already.
func (h *halt) set(cause error) { h.stop(cause) }

// err is the cause the run was stopped for, or nil.
func (h *halt) err() error {
	select {
	case <-h.done:
		return h.cause()
	default:
		return nil
	}
}

// batch is a run of consecutive records on their way through the checkers.
type batch struct {
	rows []*row
	// err is the read error that ended the input after these rows.
	err error
	// checked is closed once every row has been checked.
	checked chan struct{}
}

// queueBatches bounds how far the reader runs ahead of the slowest row
// still in flight, in batches of checkBatchSize rows: enough to keep every
// worker fed, small enough that memory does not grow with the file.
func queueBatches(workers int) int { return 2 + (4*workers)/checkBatchSize }

// run runs the stages until the input ends, ctx is cancelled, the
// credentials are refused, or something breaks. An interruption stops new
// sends at once but lets a request already on the wire finish, up to the
// grace period; every row read so far still gets its line.
func (p *pool) run(ctx context.Context) error {
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	var release func()
	p.halt, release = newHalt(ctx, func() {
		close(p.stop)
		if ctx.Err() != nil {
			p.log.Warn().Dur("grace", p.grace).
				Msg("interrupted: sending nothing more; requests already on the wire may finish within the grace period")
		}
		time.AfterFunc(p.grace, cancelSend)
	})
	defer release()
	go func() {
		select {
		case <-p.hurry:
			cancelSend()
		case <-sendCtx.Done():
		}
	}()

	queue := make(chan *batch, queueBatches(p.workers))
	jobs := make(chan *row, p.workers)
	// The group's context ends only when a goroutine fails (the writer, a
	// broken source): an interruption must not stop the report.
	g, gctx := errgroup.WithContext(context.WithoutCancel(ctx))
	g.Go(func() error {
		defer close(queue)
		defer close(jobs)
		return p.produce(gctx, queue, jobs)
	})
	for range p.workers {
		g.Go(func() error {
			p.work(sendCtx, jobs)
			return nil
		})
	}
	g.Go(func() error { return p.write(queue) })
	err := g.Wait()
	switch {
	case err != nil:
		return err
	case ctx.Err() != nil:
		return ErrInterrupted
	case errors.Is(p.halt.err(), ErrAuth), errors.Is(p.halt.err(), ErrLedger), errors.Is(p.halt.err(), ErrUnreachable):
		return p.halt.err() // with the clock or the ledger's error named
	}
	return nil
}

// produce takes the checked batches in input order, admits their rows,
// queues each batch for the writer and hands its rows to send to the
// workers. The batch is queued before its rows go to the workers, so the
// writer reports each row as soon as it is answered.
func (p *pool) produce(ctx context.Context, queue chan<- *batch, jobs chan<- *row) error {
	readCtx, stopReading := context.WithCancel(ctx)
	batches, wait := p.readAhead(readCtx)
	defer wait()
	defer stopReading() // first: the reader may wait to hand a batch on
	for b := range batches {
		<-b.checked
		for _, rw := range b.rows {
			p.admit(ctx, rw)
		}
		select {
		case queue <- b:
		case <-ctx.Done():
			return nil
		}
		if !p.dispatch(ctx, b, jobs) {
			return nil
		}
		if b.err != nil {
			return b.err
		}
		if errors.Is(p.halt.err(), ErrReport) {
			return nil // nothing more can be reported
		}
	}
	return nil
}

// admit has the admitter decide a checked row's fate; a row to send gets
// its done channel, which the worker that sends it closes.
func (p *pool) admit(ctx context.Context, rw *row) {
	if d := p.admitter.admit(ctx, rw); d != decideSend && d != decideUpdate {
		return
	}
	if cause := p.halt.err(); cause != nil {
		stopped(rw, cause)
		return
	}
	rw.done = make(chan struct{})
}

// dispatch hands the batch's rows to send to the workers; it reports false
// when the run is ending because the writer failed.
func (p *pool) dispatch(ctx context.Context, b *batch, jobs chan<- *row) bool {
	for i, rw := range b.rows {
		if rw.done == nil {
			continue
		}
		select {
		case jobs <- rw:
		case <-ctx.Done():
			for _, rest := range b.rows[i:] {
				if rest.done != nil {
					stopped(rest, context.Cause(ctx))
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
func (p *pool) work(ctx context.Context, jobs <-chan *row) {
	for rw := range jobs {
		if cause := p.halt.err(); cause != nil {
			stopped(rw, cause)
		} else if fatal := p.sender.sendRow(ctx, rw); fatal != nil {
			p.halt.set(fatal)
		} else if p.reach.unreachable(rw) {
			p.halt.set(fmt.Errorf("%w: the first %d rows sent failed through every retry, and Comeet has not answered once", ErrUnreachable, unreachableRows))
		} else if cause := p.halt.err(); cause != nil && rw.res.ErrorCode == codeInterrupted {
			// Cut short by the stop (waiting for the limiter or a retry):
			// the stop's cause is the reason, not an interruption.
			stoppedInFlight(rw, cause)
		}
		close(rw.done)
	}
}

// stopped finishes a row that was not sent because the run is ending:
// nothing is wrong with it, and a re-run sends it.
func stopped(rw *row, cause error) {
	switch {
	case errors.Is(cause, ErrAuth):
		rw.finish(report.NotSent, codeNotSent, notSentAuth)
	case errors.Is(cause, ErrReport):
		rw.finish(report.NotSent, codeNotSent, "not sent: the report could not be written (is its disk full?)")
	case errors.Is(cause, ErrUnreachable):
		rw.finish(report.NotSent, codeNotSent, "not sent: Comeet could not be reached (the first rows sent failed through every retry)")
	case errors.Is(cause, ErrLedger):
		rw.finish(report.NotSent, codeNotSent, "not sent: the ledger could not record an earlier row (is its disk full?)")
	default:
		rw.finish(report.NotSent, codeInterrupted, "not sent: the run was interrupted")
	}
}

// notSentAuth is the message of the rows a refusal of the credentials left
// unsent.
const notSentAuth = "not sent: Comeet refused the credentials; run `comeet-import check`"

// stoppedInFlight words a row the stop cut short on its way: before its
// first attempt it was not sent; after one, it may have arrived.
func stoppedInFlight(rw *row, cause error) {
	if !errors.Is(cause, ErrAuth) {
		return // an interruption: the row's own words say so
	}
	if rw.res.Attempts == 0 {
		rw.finish(report.NotSent, codeNotSent, notSentAuth)
		return
	}
	rw.finish(report.Failed, codeStopped, fmt.Sprintf(
		"stopped after %d attempts: Comeet refused the credentials; run `comeet-import check`, then re-run (a conflict then means it had arrived)",
		rw.res.Attempts))
}

// write writes the rows in input order, waiting for each one in flight.
// The rows a stop left unsent are logged in one line, not one each.
// When the report cannot be written, the rows waiting for a worker are not
// sent (a row sent now could not be reported) and the reading stops; the
// rows on the wire finish, and the ledger records them and the summary
// counts them.
func (p *pool) write(queue <-chan *batch) error {
	var failed error
	notSent := 0
	defer func() {
		if notSent > 0 {
			p.log.Warn().Int("rows", notSent).Msg("not sent: the run stopped before these rows; a re-run sends them")
		}
	}()
	for b := range queue {
		for _, rw := range b.rows {
			if rw.done != nil {
				<-rw.done
			}
			if rw.outcome() == report.NotSent {
				notSent++
			} else {
				p.logRow(rw, p.memory.note(rw))
			}
			if err := p.out.Write(&rw.res, rw.rec.Fields); err != nil {
				if failed == nil {
					failed = fmt.Errorf("%w: %w", ErrReport, err)
					p.halt.set(failed)
				}
				continue
			}
			if p.onRow != nil {
				p.onRow(&rw.res, rw.rec.Fields)
			}
			p.progress.row(p.out.Counts())
		}
	}
	return failed
}

// logRow logs a row by its numbers and ids only: names, emails and
// national ids stay out of the logs, and so does the message, which quotes
// cells. Every row that needs a person (invalid, failed) is a warning, so
// the default level shows it, with the columns to look at; invalid rows are
// info instead under Config.InvalidRowsAtInfo.
func (p *pool) logRow(rw *row, known bool) {
	var ev *zerolog.Event
	switch rw.outcome() {
	case report.Invalid:
		if p.invalidAtInfo {
			ev = p.log.Info()
		} else {
			ev = p.log.Warn()
		}
	case report.Failed:
		ev = p.log.Warn()
	case report.Created, report.Conflict, report.Updated:
		ev = p.log.Info()
	default:
		ev = p.log.Debug()
	}
	ev.Int("row", rw.res.Row).Int("line", rw.res.Line).
		Str("partner_candidate_id", rw.res.PartnerCandidateID).
		Str("outcome", string(rw.outcome())).
		Str("candidate_uid", rw.res.CandidateUID).
		Str("error_code", rw.res.ErrorCode).
		Int("attempts", rw.res.Attempts)
	if rw.outcome() == report.Invalid {
		if cols := p.columns(rw); len(cols) > 0 {
			ev = ev.Strs("columns", cols)
		}
		ev = ev.Bool("known", known) // the last run had the same problem
	}
	ev.Msg("row")
}

// columns are the names of the input columns the row's problems are in, in
// order, each once.
func (p *pool) columns(rw *row) []string {
	var cols []string
	header := p.src.Header()
	for _, pr := range rw.problems {
		if pr.Column < 0 || pr.Column >= len(header) {
			continue
		}
		if name := header[pr.Column]; !slices.Contains(cols, name) {
			cols = append(cols, name)
		}
	}
	return cols
}

// readAhead reads the input in batches and has them checked by one
// goroutine per CPU, while the batches come out in input order: the checks
// (mapping, rules, file look-ups) are most of a dry run's work, and each
// needs nothing but its row. The goroutines end when the input does or ctx
// is done; wait waits for them, so that the source and the files are no
// longer in use.
func (p *pool) readAhead(ctx context.Context) (_ <-chan *batch, wait func()) {
	checkers := runtime.GOMAXPROCS(0)
	ordered := make(chan *batch, 2*checkers)
	work := make(chan *batch, checkers)
	var wg sync.WaitGroup
	for range checkers {
		wg.Go(func() {
			for b := range work {
				p.check(b)
				close(b.checked)
			}
		})
	}
	wg.Go(func() {
		defer close(ordered)
		defer close(work)
		for more := true; more; {
			var b *batch
			b, more = p.readBatch()
			// A batch goes to the checkers before it is queued in order, so
			// every batch produce waits for is already being checked.
			select {
			case work <- b:
			case <-ctx.Done():
				return
			}
			select {
			case ordered <- b:
			case <-ctx.Done():
				return
			}
		}
	})
	return ordered, wg.Wait
}

// check checks a batch's rows and looks them up in the ledger. Once the run
// is stopped, the rows left are not checked, hashed or looked up: they are
// finished as not sent at once, so that the rest of the input is only read,
// for the report to keep its line per row.
func (p *pool) check(b *batch) {
	for _, rw := range b.rows {
		if cause := p.halt.err(); cause != nil {
			stopped(rw, cause)
			p.nameUnchecked(rw)
			continue
		}
		p.checker.check(rw)
	}
	p.recaller.recall(b)
}

// nameUnchecked gives the report line of a row that was not checked the
// partner_candidate_id of its cell, when one column holds it, so a person
// finds the row by its id as well as by its numbers.
func (p *pool) nameUnchecked(rw *row) {
	if c := p.admitter.idColumn; c >= 0 && c < len(rw.rec.Fields) && rw.rec.Err == nil {
		rw.res.PartnerCandidateID = source.Deneutralize(rw.rec.Fields[c])
	}
}

// readBatch reads up to checkBatchSize records; more is false once the
// input has ended or failed (b.err).
func (p *pool) readBatch() (b *batch, more bool) {
	b = &batch{rows: make([]*row, 0, checkBatchSize), checked: make(chan struct{})}
	// The batch's rows live and die together, so they share one allocation.
	slab := make([]row, checkBatchSize)
	for len(b.rows) < checkBatchSize {
		if p.stdin && p.halt.err() != nil {
			return b, false // nothing more to report without blocking on a terminal
		}
		rec, err := p.src.Next()
		if err == io.EOF {
			return b, false
		}
		if err != nil {
			b.err = fmt.Errorf("read %s: %w", p.name, err)
			return b, false
		}
		rw := &slab[len(b.rows)]
		rw.init(rec)
		b.rows = append(b.rows, rw)
	}
	return b, true
}

// unreachableRows is how many rows sent at the start of a run may fail
// through every retry, without one answer of Comeet's, before the run
// stops: Comeet (or the way to it) is down, and every other row would
// spend its retries the same way.
const unreachableRows = 3

// reachability tells a Comeet that never answered from rows that failed.
// It is safe for concurrent use by the workers.
type reachability struct {
	mu       sync.Mutex
	answered bool // Comeet gave an answer that was not a 5xx or a 429
	failed   int  // rows failed without an answer before the first one
}

// unreachable notes how rw's sending went and reports whether it makes
// the unreachableRows-th row in a row to fail without an answer at the
// start of the run.
func (r *reachability) unreachable(rw *row) bool {
	if rw.res.Attempts == 0 {
		return false // not sent: it tells nothing
	}
	st := rw.res.HTTPStatus
	unanswered := rw.outcome() == report.Failed &&
		(rw.res.ErrorCode == codeNetwork || st >= 500 || st == http.StatusTooManyRequests)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !unanswered {
		r.answered = true
		return false
	}
	if r.answered {
		return false
	}
	r.failed++
	return r.failed == unreachableRows
}
