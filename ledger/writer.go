package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxGroup bounds how many writes one transaction commits.
const maxGroup = 256

const (
	opBegin = iota
	opFinish
)

// op is one Begin or Finish waiting for its commit.
type op struct {
	stmt   int
	args   []any // the statement's arguments but the source id
	source string
	done   chan error
}

// writer commits the writes of every caller through one connection. It
// takes what is waiting when it is free and commits it in one transaction
// (group commit): with synchronous=FULL every commit costs a sync of the
// disk, which is then shared by every worker whose write was in the group.
// Each caller waits until its own write is on disk.
type writer struct {
	db            *sql.DB
	begin, finish *sql.Stmt
	sources       sourceIDs // the writer goroutine's own
	// lastID is the id of the latest entry made; a new entry gets the next.
	// An update leaves the id it was given unused: ids only order entries.
	lastID int64
	ops    chan *op

	mu     sync.RWMutex // held shared while sending to ops; close takes it
	closed bool
	done   chan struct{}
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
	o.done = make(chan error, 1)
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
	return <-o.done
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
			o.done <- nil
		}
		return
	}
	if len(group) == 1 {
		group[0].done <- fmt.Errorf("%w: %w", ErrWrite, err)
		return
	}
	for _, o := range group {
		w.commit([]*op{o})
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

// close lets the writes already queued finish, then stops the writer.
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
	return errors.Join(w.begin.Close(), w.finish.Close())
}
