package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SchemaVersion is the schema this package writes, stored in the file's
// PRAGMA user_version.
const SchemaVersion = 2

// applicationID marks the file as a comeet-import ledger (PRAGMA
// application_id; the bytes spell "CILG").
const applicationID = 0x43494C47

// migrations[i] brings a file from user_version i to i+1. Append only:
// a step that has shipped is never edited.
var migrations = []string{
	`CREATE TABLE entries (
		id                   INTEGER PRIMARY KEY,
		position_uid         TEXT    NOT NULL,
		partner_candidate_id TEXT    NOT NULL,
		state                TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
		outcome              TEXT    NOT NULL DEFAULT '',
		candidate_uid        TEXT    NOT NULL DEFAULT '',
		http_status          INTEGER NOT NULL DEFAULT 0,
		error_code           TEXT    NOT NULL DEFAULT '',
		message              TEXT    NOT NULL DEFAULT '',
		attempts             INTEGER NOT NULL DEFAULT 0,
		total_attempts       INTEGER NOT NULL DEFAULT 0,
		runs                 INTEGER NOT NULL DEFAULT 0,
		row_hash             TEXT    NOT NULL DEFAULT '',
		sent                 TEXT    NOT NULL DEFAULT '{}',
		response             TEXT,
		first_seen           TEXT    NOT NULL,
		updated_at           TEXT    NOT NULL,
		input_row            INTEGER NOT NULL DEFAULT 0,
		input_line           INTEGER NOT NULL DEFAULT 0,
		source_file          TEXT    NOT NULL DEFAULT '',
		UNIQUE (position_uid, partner_candidate_id)
	) STRICT;
	CREATE INDEX entries_first_seen ON entries (first_seen, id);`,
	// Version 2: facts about the ledger itself, such as the account its
	// entries belong to.
	`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) STRICT;`,
}

// errNotLedger is returned for a SQLite file that some other program wrote.
var errNotLedger = errors.New("not a comeet-import ledger")

// migrate brings the schema up to SchemaVersion in one transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	version, err := checkVersion(ctx, db)
	if err != nil || version == SchemaVersion {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	defer tx.Rollback()
	for v := version; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	// PRAGMA takes no parameters; both values are constants.
	setIDs := fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, SchemaVersion)
	if _, err := tx.ExecContext(ctx, setIDs); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// checkVersion returns the file's schema version, refusing a file that is
// not a ledger or that a newer version of this program wrote.
func checkVersion(ctx context.Context, db *sql.DB) (int, error) {
	var version, appID, tables int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, fmt.Errorf("read application id: %w", err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return 0, fmt.Errorf("read schema: %w", err)
	}
	switch {
	case appID != applicationID && (appID != 0 || tables > 0):
		return 0, errNotLedger
	case version > SchemaVersion:
		return 0, fmt.Errorf("schema version %d is newer than this program's %d: use a newer comeet-import", version, SchemaVersion)
	}
	return version, nil
}
