package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// maxGroup bounds how many writes one transaction commits.
const maxGroup = 256

const (
	opBegin = iota
	opFinish
	opStep
)

// op is one Begin or Finish waiting for its commit.
type op struct {
	stmt   int
	args   []any // the statement's arguments but the source id
	source string
	// done receives the commit's result; nil for an asynchronous write,
	// whose failure is kept in the writer's failed.
	done chan error
	// key names an asynchronous write's entry in its error.
	key comeet.Key
}

// writer commits the writes of every caller through one connection. It
// takes what is waiting when it is free and commits it in one transaction
// (group commit): with synchronous=FULL every commit costs a sync of the
// disk, which is then shared by every worker whose write was in the group.
// Each caller waits until its own write is on disk.
type writer struct {
	db                  *sql.DB
	begin, finish, step *sql.Stmt
	sources             sourceIDs // the writer goroutine's own
	// lastID is the id of the latest entry made; a new entry gets the next.
	// An update leaves the id it was given unused: ids only order entries.
	lastID int64
	ops    chan *op

	mu     sync.RWMutex // held shared while sending to ops; close takes it
	closed bool
	done   chan struct{}

	// failMu guards failed: the first failure of an asynchronous write,
	// returned by every later write and by close.
	failMu sync.Mutex
	failed error
}

func newWriter(ctx context.Context, db *sql.DB) (*writer, error) {
	w := &writer{db: db, sources: sourceIDs{}, ops: make(chan *op, maxGroup), done: make(chan struct{})}
	// The entry first seen last has the largest id, unless the clock went
	// back; a repeated id then only makes two entries tie in history.
	err := db.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM entries
		ORDER BY first_seen DESC, id DESC LIMIT 1), 0)`).Scan(&w.lastID)
	if err != nil {
		return nil, fmt.Errorf("read the last entry: %w", err)
	}
	if w.begin, err = db.PrepareContext(ctx, beginSQL); err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	if w.finish, err = db.PrepareContext(ctx, finishSQL); err != nil {
		w.begin.Close()
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	if w.step, err = db.PrepareContext(ctx, stepSQL); err != nil {
		w.begin.Close()
		w.finish.Close()
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	go w.run()
	return w, nil
}

// write queues o and waits for its commit. ctx can only stop it before o
// is queued: once it is, its commit is awaited, so that the caller never
// believes unrecorded what may be on disk.
func (w *writer) write(ctx context.Context, o *op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.failure(); err != nil {
		return err
	}
	o.done = make(chan error, 1)
	if err := w.queue(ctx, o); err != nil {
		return err
	}
	return <-o.done
}

// writeLater queues o without waiting for its commit, which comes with the
// next group. It waits only while the queue is full. A failure to commit o
// is returned by the next write, writeLater or close.
func (w *writer) writeLater(o *op) error {
	if err := w.failure(); err != nil {
		return err
	}
	o.done = nil
	return w.queue(context.Background(), o)
}

// failure returns the first failure of an asynchronous write, if any.
func (w *writer) failure() error {
	w.failMu.Lock()
	defer w.failMu.Unlock()
	return w.failed
}

// fail keeps err, an asynchronous write's failure, when it is the first.
func (w *writer) fail(err error) {
	w.failMu.Lock()
	defer w.failMu.Unlock()
	if w.failed == nil {
		w.failed = err
	}
}

// queue hands o to the writer goroutine.
func (w *writer) queue(ctx context.Context, o *op) error {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errors.New("ledger is closed")
	}
	select {
	case w.ops <- o:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	return nil
}

func (w *writer) run() {
	defer close(w.done)
	group := make([]*op, 0, maxGroup)
	for o := range w.ops {
		group = append(group[:0], o)
	drain:
		for len(group) < maxGroup {
			select {
			case o, ok := <-w.ops:
				if !ok {
					break drain
				}
				group = append(group, o)
			default:
				break drain
			}
		}
		w.commit(group)
	}
}

// commit writes the group in one transaction. When that fails, each write
// is tried alone, so that one bad write does not fail the others and each
// caller gets its own answer.
func (w *writer) commit(group []*op) {
	err := w.commitTx(group)
	if err == nil {
		for _, o := range group {
			o.answer(nil)
		}
		return
	}
	if len(group) == 1 {
		o := group[0]
		if o.done == nil {
			w.fail(fmt.Errorf("ledger write %s/%s (recorded after the answer): %w: %w",
				o.key.PositionUID, o.key.PartnerCandidateID, ErrWrite, err))
			return
		}
		o.answer(fmt.Errorf("%w: %w", ErrWrite, err))
		return
	}
	for _, o := range group {
		w.commit([]*op{o})
	}
}

// answer tells a waiting caller how its write ended.
func (o *op) answer(err error) {
	if o.done != nil {
		o.done <- err
	}
}

func (w *writer) commitTx(group []*op) error {
	ctx := context.Background()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := w.apply(ctx, tx, group); err != nil {
		tx.Rollback()
		clear(w.sources) // ids added by the rolled-back transaction are gone
		return err
	}
	if err := tx.Commit(); err != nil {
		clear(w.sources)
		return err
	}
	return nil
}

func (w *writer) apply(ctx context.Context, tx *sql.Tx, group []*op) error {
	begin, finish := tx.StmtContext(ctx, w.begin), tx.StmtContext(ctx, w.finish)
	for _, o := range group {
		if o.stmt == opStep {
			if err := w.applyStep(ctx, tx, o); err != nil {
				return err
			}
			continue
		}
		sid, err := w.sources.id(ctx, tx, o.source)
		if err != nil {
			return err
		}
		stmt := begin
		if o.stmt == opFinish {
			stmt = finish
		}
		w.lastID++
		if _, err := stmt.ExecContext(ctx, append(o.args, sid, w.lastID)...); err != nil {
			return err
		}
	}
	return nil
}

// applyStep writes a Step, which changes an entry that must exist.
func (w *writer) applyStep(ctx context.Context, tx *sql.Tx, o *op) error {
	res, err := tx.StmtContext(ctx, w.step).ExecContext(ctx, o.args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("no entry %s/%s to record an update's step in", o.key.PositionUID, o.key.PartnerCandidateID))
	}
	return nil
}

// close lets the writes already queued finish, then stops the writer. It
// returns the failure of an asynchronous write, if one failed.
func (w *writer) close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	close(w.ops)
	w.mu.Unlock()
	<-w.done
	return errors.Join(w.failure(), w.begin.Close(), w.finish.Close(), w.step.Close())
}
