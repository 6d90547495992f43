package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/comeet"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultBusyTimeout is how long a statement waits for SQLite's own file
// lock before failing. The run lock keeps other writers out, so this only
// covers a checkpoint or a reader holding the file briefly.
const DefaultBusyTimeout = 5 * time.Second

// errReadOnly is returned by Begin and Finish on a ledger from OpenReadOnly.
var errReadOnly = errors.New("ledger is open read-only")

// Ledger is an open ledger file. Its methods are safe for concurrent use;
// writes are serialized through one connection.
type Ledger struct {
	db   *sql.DB
	lock *runLock
	path string
	now  func() time.Time
	// pageSize is how many entries Each reads per query.
	pageSize int
	readOnly bool

	get, begin, finish, page *sql.Stmt

	closeOnce sync.Once
	closeErr  error
}

// Open opens the ledger at path for a run, creating it (mode 0600) when it
// does not exist and bringing its schema up to date. It holds the run lock
// until Close: a second Open of the same ledger, from this process or
// another, fails with ErrLocked, and so does an Open while a history export
// reads it.
func Open(ctx context.Context, path string) (*Ledger, error) {
	l, err := open(ctx, path, false)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	return l, nil
}

// OpenReadOnly opens an existing ledger for reading, for history. It takes
// the run lock shared: several readers may read together, but not while a
// run holds the ledger (ErrLocked), and a run cannot start while a reader
// holds it. Begin and Finish fail on a read-only ledger.
func OpenReadOnly(ctx context.Context, path string) (*Ledger, error) {
	l, err := open(ctx, path, true)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s read-only: %w", path, err)
	}
	return l, nil
}

func open(ctx context.Context, path string, readOnly bool) (*Ledger, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if readOnly {
		if _, err := os.Stat(abs); err != nil {
			return nil, err
		}
	}
	rl, err := lock(abs, !readOnly)
	if err != nil {
		return nil, err
	}
	l := &Ledger{lock: rl, path: abs, now: time.Now, pageSize: eachPageSize, readOnly: readOnly}
	if err := l.setUp(ctx, readOnly); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Ledger) setUp(ctx context.Context, readOnly bool) error {
	if err := l.openDB(ctx, readOnly); err != nil {
		return err
	}
	if err := l.prepare(ctx, readOnly); err != nil {
		return err
	}
	return restrictFiles(l.path)
}

func (l *Ledger) openDB(ctx context.Context, readOnly bool) error {
	if !readOnly {
		if err := createPrivate(l.path); err != nil {
			return err
		}
	}
	db, err := sql.Open("sqlite", dsn(l.path, readOnly))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	l.db = db
	if readOnly {
		version, err := checkVersion(ctx, db)
		if err == nil && version != SchemaVersion {
			err = fmt.Errorf("schema version %d, want %d: open it once with import to upgrade", version, SchemaVersion)
		}
		return err
	}
	return migrate(ctx, db)
}

// createPrivate creates the database file with mode 0600 before SQLite
// does, so that the umask plays no part; SQLite gives the -wal and -shm
// files the mode of the database file.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// restrictFiles sets mode 0600 on the -wal and -shm files when they exist,
// in case SQLite created them before the database file had its mode.
func restrictFiles(path string) error {
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// dsn builds a SQLite URI for path. WAL with synchronous=FULL makes every
// commit durable when it returns, so a kill -9 loses nothing recorded.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	if readOnly {
		q.Set("mode", "ro")
		q.Set("_query_only", "1")
	} else {
		q.Set("mode", "rw")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Close releases the statements, the database and then the run lock.
// Calling it again returns the first result.
func (l *Ledger) Close() error {
	l.closeOnce.Do(func() {
		var errs []error
		for _, s := range []*sql.Stmt{l.get, l.begin, l.finish, l.page} {
			if s != nil {
				errs = append(errs, s.Close())
			}
		}
		if l.db != nil {
			errs = append(errs, l.db.Close())
		}
		errs = append(errs, l.lock.release())
		if err := errors.Join(errs...); err != nil {
			l.closeErr = fmt.Errorf("close ledger %s: %w", l.path, err)
		}
	})
	return l.closeErr
}

// Path returns the absolute path of the ledger file.
func (l *Ledger) Path() string { return l.path }

func checkKey(k comeet.Key) error {
	if k.PositionUID == "" || k.PartnerCandidateID == "" {
		return fmt.Errorf("incomplete key (position_uid %q, partner_candidate_id %q)", k.PositionUID, k.PartnerCandidateID)
	}
	return nil
}
