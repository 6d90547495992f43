package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SchemaVersion is the schema this package writes, stored in the file's
// PRAGMA user_version.
const SchemaVersion = 5

// applicationID marks the file as a comeet-import ledger (PRAGMA
// application_id; the bytes spell "CILG").
const applicationID = 0x43494C47

// migrations[i] brings a file from user_version i to i+1, inside the
// migration's transaction. Append only: a step that has shipped is never
// edited.
var migrations = []func(ctx context.Context, tx *sql.Tx) error{
	execStep(schemaV1),
	// Version 2: facts about the ledger itself, such as the account its
	// entries belong to.
	execStep(`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) STRICT;`),
	// Version 3: the compact layout (binary records, integer times, a
	// dictionary of source names), rows copied over.
	migrateV3,
	// Version 4: what an update may have changed without an answer
	// (Entry.Doubt): the fields of a PATCH and the files whose answers
	// were lost; NULL when nothing is in doubt.
	execStep(`ALTER TABLE entries ADD COLUMN doubt_fields BLOB;
		ALTER TABLE entries ADD COLUMN doubt_files BLOB;`),
	// Version 5: no value in clear (digest.go): values, file names and
	// paths become keyed digests, fingerprints are keyed, messages and the
	// answer's source contact go, and so does a password in the base URL.
	migrateV5,
}

const schemaV1 = `CREATE TABLE entries (
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
	CREATE INDEX entries_first_seen ON entries (first_seen, id);`

// schemaV3 is the layout of version 3. The table is keyed by the key
// itself (WITHOUT ROWID), so a look-up is one B-tree search; id keeps the
// order of first writes for history. The columns a re-run's look-up reads
// come first, the large records last, so a look-up decodes a short prefix
// of each row.
const schemaV3 = `CREATE TABLE sources (
		id   INTEGER PRIMARY KEY,
		name TEXT NOT NULL UNIQUE
	) STRICT;
	CREATE TABLE entries3 (
		position_uid         TEXT    NOT NULL,
		partner_candidate_id TEXT    NOT NULL,
		state                INTEGER NOT NULL,
		outcome              TEXT    NOT NULL DEFAULT '',
		candidate_uid        TEXT    NOT NULL DEFAULT '',
		fingerprint          BLOB,
		updated_at           INTEGER NOT NULL,
		files                BLOB,
		id                   INTEGER NOT NULL,
		http_status          INTEGER NOT NULL DEFAULT 0,
		error_code           TEXT    NOT NULL DEFAULT '',
		message              TEXT    NOT NULL DEFAULT '',
		attempts             INTEGER NOT NULL DEFAULT 0,
		total_attempts       INTEGER NOT NULL DEFAULT 0,
		runs                 INTEGER NOT NULL DEFAULT 0,
		first_seen           INTEGER NOT NULL,
		input_row            INTEGER NOT NULL DEFAULT 0,
		input_line           INTEGER NOT NULL DEFAULT 0,
		source_id            INTEGER NOT NULL DEFAULT 0,
		fields               BLOB,
		response             BLOB,
		PRIMARY KEY (position_uid, partner_candidate_id)
	) STRICT, WITHOUT ROWID;`

// State values of schema 3's integer state column.
const (
	statePending = 0
	stateDone    = 1
)

func execStep(query string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query)
		return err
	}
}

// migrateV3 copies every entry of the version-2 table into the version-3
// layout, in (first_seen, id) order so that ids keep the order history
// shows, and swaps the tables.
func migrateV3(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, schemaV3); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+columnsV2+` FROM entries ORDER BY first_seen, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	ins, err := tx.PrepareContext(ctx, insertV3SQL)
	if err != nil {
		return err
	}
	defer ins.Close()
	src := sourceIDs{}
	var id int64
	for rows.Next() {
		id++
		e, err := scanEntryV2(rows)
		if err != nil {
			return err
		}
		if FingerprintCurrent(e.RowHash) {
			e.RowHash = "" // cannot be: a version-2 file holds hex text
		}
		args, err := argsV3(e, fingerprintV1(e.RowHash))
		if err != nil {
			return err
		}
		sid, err := src.id(ctx, tx, e.Source)
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, append(args, sid, id)...); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE entries;
		ALTER TABLE entries3 RENAME TO entries;
		CREATE INDEX entries_first_seen ON entries (first_seen, id);`)
	return err
}

// fingerprintV1 keeps a version-1 fingerprint (hex SHA-256 text) as the
// version byte 1 and its text: never equal to a current one.
func fingerprintV1(h string) []byte {
	if h == "" {
		return nil
	}
	return append([]byte{1}, h...)
}

// sourceIDs resolves source names to their row in sources, adding new ones.
type sourceIDs map[string]int64

func (s sourceIDs) id(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	if id, ok := s[name]; ok {
		return id, nil
	}
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO sources (name) VALUES (?)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record source name: %w", err)
	}
	s[name] = id
	return id, nil
}

// errNotLedger is returned for a file that some other program wrote.
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
		if err := migrations[v](ctx, tx); err != nil {
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
	if version > 0 && version < 5 {
		return scrub(ctx, db)
	}
	return nil
}

// scrub rewrites the file without the space that held what a migration or
// forget removed, and empties the WAL, so that those bytes are gone.
func scrub(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// checkVersion returns the file's schema version, refusing a file that is
// not a ledger or that a newer version of this program wrote.
func checkVersion(ctx context.Context, db *sql.DB) (int, error) {
	var version, appID, tables int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, notDatabase(fmt.Errorf("read schema version: %w", err))
	}
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, notDatabase(fmt.Errorf("read application id: %w", err))
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return 0, notDatabase(fmt.Errorf("read schema: %w", err))
	}
	switch {
	case appID != applicationID && (appID != 0 || tables > 0):
		return 0, errNotLedger
	case version > SchemaVersion:
		return 0, fmt.Errorf("schema version %d is newer than this program's %d: use a newer comeet-import", version, SchemaVersion)
	}
	return version, nil
}

// sqliteNotADB is SQLite's result code for a file that is not a database.
const sqliteNotADB = 26

// notDatabase names a file SQLite cannot read as a database.
func notDatabase(err error) error {
	var se interface{ Code() int }
	if errors.As(err, &se) && se.Code()&0xff == sqliteNotADB {
		return fmt.Errorf("%w (%v)", errNotLedger, err)
	}
	return err
}
