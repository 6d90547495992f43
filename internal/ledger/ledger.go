package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultBusyTimeout is how long a statement waits for SQLite's own file
// lock before failing. The run lock keeps other writers out, so this only
// covers a checkpoint or a reader holding the file briefly.
const DefaultBusyTimeout = 5 * time.Second

// errReadOnly is returned by Begin and Finish on a ledger from OpenReadOnly.
var errReadOnly = errors.New("ledger is open read-only")

// ErrWrite wraps every failure to record an entry (a full disk, an I/O
// error): the entry is not on disk. A run must stop sending at the first
// one, since a row whose answer is not recorded would be sent again by the
// next run. Test for it with errors.Is.
var ErrWrite = errors.New("the ledger could not record")

// ErrEmpty is returned by Open and OpenReadOnly for an existing file of 0
// bytes, as a truncation leaves it: taking it for a new ledger would send
// every row again. A new ledger is made only where no file exists.
var ErrEmpty = errors.New("the ledger file is empty (0 bytes); if it really is new, remove it and run again")

// Ledger is an open ledger file. Its methods are safe for concurrent use.
// Writes take turns on one connection, each its own transaction; reads use
// a pool of read connections.
type Ledger struct {
	db   *sql.DB // the write connection (read-only: every connection)
	rdb  *sql.DB // read connections (db on a read-only ledger)
	lock *runLock
	path string
	now  func() time.Time
	// pageSize is how many entries Each reads per query.
	pageSize int
	readOnly bool

	// d makes the digests of values (digest.go), with the meta table's key.
	d digester

	// wmu makes writes take turns; it guards sources and lastID.
	wmu     sync.Mutex
	sources sourceIDs
	// lastID is the id of the latest entry made; a new entry gets the next.
	// An update leaves the id it was given unused: ids only order entries.
	lastID int64

	// lookupFull is Lookup's prepared query for a full batch.
	lookupOnce sync.Once
	lookupFull *sql.Stmt
	lookupErr  error

	closeOnce sync.Once
	closeErr  error
}

// Open opens the ledger at path for a run, creating it (mode 0600) when no
// file exists and bringing its schema up to date. It holds the run lock,
// an exclusive flock on the file itself, until Close: a second Open of the
// same ledger, by this name or another (a symbolic or hard link), from this
// process or another, fails with ErrLocked, and so does an Open while a
// history export reads it. An existing file that is empty (ErrEmpty) or
// not a ledger is refused.
func Open(ctx context.Context, path string) (*Ledger, error) {
	l, err := open(ctx, path, false)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	return l, nil
}

// OpenReadOnly opens an existing ledger for reading, for history and
// validate. It takes the run lock shared: several readers may read
// together, but not while a run holds the ledger (ErrLocked), and a run
// cannot start while a reader holds it. It writes nothing beside the
// ledger, so it works on a read-only disk or folder. Begin and Finish fail
// on a read-only ledger.
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
	if !readOnly {
		if err := createIfMissing(ctx, abs); err != nil {
			return nil, err
		}
	}
	if err := checkFile(abs); err != nil {
		return nil, err
	}
	rl, err := lock(abs, !readOnly)
	if err != nil {
		return nil, err
	}
	l := &Ledger{lock: rl, path: abs, now: time.Now, pageSize: eachPageSize, readOnly: readOnly, sources: sourceIDs{}}
	if err := l.setUp(ctx); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// checkFile refuses what cannot be a ledger before SQLite sees it.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: not a regular file", errNotLedger)
	case fi.Size() == 0:
		return ErrEmpty
	}
	return checkSize(path, fi.Size())
}

// createIfMissing makes a new ledger when no file exists at path. It is
// built under a temporary name and linked into place, which fails if a
// file appeared meanwhile: a killed run never leaves a half-made ledger
// under the real name, and an existing file is never replaced.
func createIfMissing(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // exists (or cannot be looked at: checkFile says why)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new-"+hex.EncodeToString(rnd[:]))
	defer os.Remove(tmp)
	if err := createPrivate(tmp); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dsn(tmp, false))
	if err != nil {
		return err
	}
	err = migrate(ctx, db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create: %w", err)
	}
	return nil
}

func (l *Ledger) setUp(ctx context.Context) error {
	if err := l.openDB(ctx); err != nil {
		return err
	}
	if err := l.readKey(ctx); err != nil {
		return err
	}
	// The entry first seen last has the largest id, unless the clock went
	// back; a repeated id then only makes two entries tie in history.
	err := l.db.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM entries
		ORDER BY first_seen DESC, id DESC LIMIT 1), 0)`).Scan(&l.lastID)
	if err != nil {
		return fmt.Errorf("read the last entry: %w", err)
	}
	return restrictFiles(l.path)
}

func (l *Ledger) openDB(ctx context.Context) error {
	if l.readOnly {
		db, err := sql.Open("sqlite", dsn(l.path, true))
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(readConns())
		db.SetMaxIdleConns(readConns())
		l.db, l.rdb = db, db
		version, err := checkVersion(ctx, db)
		if err == nil && version != SchemaVersion {
			err = fmt.Errorf("schema version %d, want %d: open it once with import to upgrade", version, SchemaVersion)
		}
		if err != nil {
			return err
		}
		return quickCheck(ctx, db)
	}
	if err := restrictFile(l.path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dsn(l.path, false))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	l.db = db
	if _, err := checkVersion(ctx, db); err != nil {
		return err
	}
	if err := quickCheck(ctx, db); err != nil {
		return err
	}
	if err := migrate(ctx, db); err != nil {
		return err
	}
	rdb, err := sql.Open("sqlite", readerDSN(l.path))
	if err != nil {
		return err
	}
	rdb.SetMaxOpenConns(readConns())
	rdb.SetMaxIdleConns(readConns())
	l.rdb = rdb
	return nil
}

// readConns is how many read connections a ledger keeps: one per checker.
func readConns() int { return max(2, runtime.GOMAXPROCS(0)) }

// createPrivate creates the database file with mode 0600 before SQLite
// does, so that the umask plays no part; SQLite gives the -wal and -shm
// files the mode of the database file.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// restrictFile gives an existing ledger mode 0600: it holds personal data.
func restrictFile(path string) error { return os.Chmod(path, 0o600) }

// restrictFiles sets mode 0600 on the -wal and -shm files when they exist,
// in case SQLite created them before the database file had its mode.
func restrictFiles(path string) error {
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, fs.ErrPermission) && !isReadOnlyFS(err) {
			return err
		}
	}
	return nil
}

// dsn builds a SQLite URI for path. WAL with synchronous=FULL makes every
// commit durable when it returns, so a kill -9 loses nothing recorded.
//
// A read-only ledger whose run ended cleanly has no -wal file: it is then
// opened immutable, which reads the file as it is and creates nothing
// beside it (no -shm), so that history works on a read-only disk. The
// shared run lock keeps every writer out meanwhile, which is what
// immutable asks for.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	if readOnly {
		q.Set("mode", "ro")
		q.Set("_query_only", "1")
		if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
			q.Set("immutable", "1")
		}
	} else {
		q.Set("mode", "rw")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		// Deleted content is overwritten with zeros, so that what forget
		// and the migration to digests remove is gone from the file.
		q.Add("_pragma", "secure_delete(ON)")
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// readerDSN is a read connection beside a run's write connection: WAL lets
// it read while the writer commits.
func readerDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	q.Add("_pragma", "query_only(1)")
	q.Set("mode", "rw")
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Close releases the databases and the run lock. Calling it again returns
// the first result.
func (l *Ledger) Close() error {
	l.closeOnce.Do(func() {
		var errs []error
		if l.lookupFull != nil {
			errs = append(errs, l.lookupFull.Close())
		}
		if l.rdb != nil && l.rdb != l.db {
			errs = append(errs, l.rdb.Close())
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
