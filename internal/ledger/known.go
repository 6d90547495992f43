package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// The known problems are the invalid rows of the last run, so that a
// nightly job can tell a problem it has already reported from a new one
// (comeet-import --fail-on new). They live in a side table of their own,
// outside the entries (which are rows sent to Comeet) and outside the
// versioned migrations: the table is created with CREATE TABLE IF NOT
// EXISTS the first time a writable ledger is asked for it, so a ledger
// without it is still of SchemaVersion and an older program that opens the
// file ignores it. A later migration may adopt it as it is.
const knownSchema = `CREATE TABLE IF NOT EXISTS known_problems (
	fingerprint          TEXT NOT NULL,
	error_code           TEXT NOT NULL,
	position_uid         TEXT NOT NULL DEFAULT '',
	partner_candidate_id TEXT NOT NULL DEFAULT '',
	seen_at              INTEGER NOT NULL, -- Unix nanoseconds, as the entries' times
	PRIMARY KEY (fingerprint, error_code)
) STRICT`

// problemName is the name a known problem's fingerprint is digested under.
const problemName = "problem"

// KnownProblem is an invalid row as the ledger remembers it: the
// fingerprint of its cells (kept as a keyed digest of the one given), its
// error code and, when it has one, its key.
type KnownProblem struct {
	Fingerprint string
	ErrorCode   string
	// Key is the row's candidate key, empty parts when it had none.
	Key comeet.Key
}

// KnownProblems is the ledger's memory of the last run's invalid rows. Its methods
// are safe for concurrent use.
type KnownProblems struct {
	l   *Ledger
	has *sql.Stmt // nil when the ledger has no such table (read-only)
}

// KnownProblems returns the ledger's known problems, creating their table in a
// writable ledger. A read-only ledger without the table knows none.
func (l *Ledger) KnownProblems(ctx context.Context) (*KnownProblems, error) {
	if !l.readOnly {
		if _, err := l.db.ExecContext(ctx, knownSchema); err != nil {
			return nil, fmt.Errorf("ledger: create known_problems: %w", err)
		}
	}
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'known_problems'`).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("ledger: known problems: %w", err)
	}
	k := &KnownProblems{l: l}
	if n == 0 {
		return k, nil
	}
	k.has, err = l.db.PrepareContext(ctx, `SELECT 1 FROM known_problems WHERE fingerprint = ? AND error_code = ?`)
	if err != nil {
		return nil, fmt.Errorf("ledger: known problems: %w", err)
	}
	return k, nil
}

// Has reports whether the last run remembered p (its fingerprint and error
// code).
func (k *KnownProblems) Has(ctx context.Context, p KnownProblem) (bool, error) {
	if k.has == nil {
		return false, nil
	}
	var one int
	err := k.has.QueryRowContext(ctx, k.l.Digest(problemName, p.Fingerprint), p.ErrorCode).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ledger: known problem: %w", err)
	}
	return true, nil
}

// Remember records this run's problems in one transaction. With replace
// (a run that read its whole input) they replace the last run's, so a row
// fixed since is forgotten; without it (an interrupted run) they are added
// and nothing is forgotten.
func (k *KnownProblems) Remember(ctx context.Context, ps []KnownProblem, replace bool) error {
	if k.l.readOnly {
		return errReadOnly
	}
	tx, err := k.l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: remember problems: %w", err)
	}
	defer tx.Rollback()
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM known_problems`); err != nil {
			return fmt.Errorf("ledger: remember problems: %w", err)
		}
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO known_problems
		(fingerprint, error_code, position_uid, partner_candidate_id, seen_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET seen_at = excluded.seen_at`)
	if err != nil {
		return fmt.Errorf("ledger: remember problems: %w", err)
	}
	defer ins.Close()
	now := k.l.now().UnixNano()
	for _, p := range ps {
		if _, err := ins.ExecContext(ctx, k.l.Digest(problemName, p.Fingerprint), p.ErrorCode, p.Key.PositionUID, p.Key.PartnerCandidateID, now); err != nil {
			return fmt.Errorf("ledger: remember problems: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: remember problems: %w", err)
	}
	return nil
}

// Close releases the prepared statement.
func (k *KnownProblems) Close() error {
	if k.has == nil {
		return nil
	}
	return k.has.Close()
}
