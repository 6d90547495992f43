package importer

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// checkBatchSize is how many records a checker takes at a time: enough
// that handing them over costs little beside the checks, few enough that
// the rows waiting in memory stay a few hundred.
const checkBatchSize = 128

// batch is a run of consecutive records on their way through the checkers.
type batch struct {
	rows []*row
	// err is the read error that ended the input after these rows.
	err error
	// checked is closed once every row has been checked.
	checked chan struct{}
}

// readAhead reads the input in batches and has them checked by one
// goroutine per CPU, while the batches come out in input order: the checks
// (mapping, rules, file look-ups) are most of a dry run's work, and each
// needs nothing but its row. The goroutines end when the input does or
// gctx is done; wait waits for them, so that the source and the files
// directory are no longer in use.
func (r *run) readAhead(runCtx, gctx context.Context) (_ <-chan *batch, wait func()) {
	checkers := runtime.GOMAXPROCS(0)
	ordered := make(chan *batch, 2*checkers)
	work := make(chan *batch, checkers)
	var wg sync.WaitGroup
	for range checkers {
		wg.Go(func() {
			for b := range work {
				for _, rw := range b.rows {
					r.check(rw)
				}
				r.recall(b)
				close(b.checked)
			}
		})
	}
	wg.Go(func() {
		defer close(ordered)
		defer close(work)
		for more := true; more; {
			var b *batch
			b, more = r.readBatch(runCtx)
			// A batch goes to the checkers before it is queued in order, so
			// every batch produce waits for is already being checked.
			select {
			case work <- b:
			case <-gctx.Done():
				return
			}
			select {
			case ordered <- b:
			case <-gctx.Done():
				return
			}
		}
	})
	return ordered, wg.Wait
}

// readBatch reads up to checkBatchSize records; more is false once the
// input has ended or failed (b.err).
func (r *run) readBatch(runCtx context.Context) (b *batch, more bool) {
	b = &batch{rows: make([]*row, 0, checkBatchSize), checked: make(chan struct{})}
	// The batch's rows live and die together, so they share one allocation.
	slab := make([]row, checkBatchSize)
	for len(b.rows) < checkBatchSize {
		if runCtx.Err() != nil && r.cfg.Input == Stdin {
			return b, false // nothing more to report without blocking on a terminal
		}
		rec, err := r.src.Next()
		if err == io.EOF {
			return b, false
		}
		if err != nil {
			b.err = fmt.Errorf("read %s: %w", r.sourceName, err)
			return b, false
		}
		rw := &slab[len(b.rows)]
		rw.init(rec)
		b.rows = append(b.rows, rw)
	}
	return b, true
}
