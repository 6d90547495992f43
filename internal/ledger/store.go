package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// eachPageSize is how many entries Each reads per query. Each releases the
// connection between pages, so fn may call back into the Ledger.
const eachPageSize = 256

// entryColumns are every column of an entry, for Get and Each.
const entryColumns = `e.id, e.position_uid, e.partner_candidate_id, e.state, e.outcome,
	e.candidate_uid, e.fingerprint, e.updated_at, e.files, e.http_status,
	e.error_code, e.message, e.attempts, e.total_attempts, e.runs, e.first_seen,
	e.input_row, e.input_line, coalesce(s.name, ''), e.fields, e.response,
	e.doubt_fields, e.doubt_files`

const (
	fromEntries = ` FROM entries e LEFT JOIN sources s ON s.id = e.source_id `

	getSQL = `SELECT ` + entryColumns + fromEntries +
		`WHERE e.position_uid = ? AND e.partner_candidate_id = ?`

	pageSQL = `SELECT ` + entryColumns + fromEntries +
		`WHERE (e.first_seen, e.id) > (?, ?) ORDER BY e.first_seen, e.id LIMIT ?`

	// knownColumns are what a re-run's decision reads (Lookup).
	knownColumns = `e.state, e.outcome, e.candidate_uid, e.fingerprint,
		e.updated_at, e.files, e.doubt_fields IS NOT NULL`

	// beginSQL starts a new send: the previous answer is cleared, since
	// from now on the state of the candidate in Comeet is unknown.
	beginSQL = `INSERT INTO entries (position_uid, partner_candidate_id, state,
		fingerprint, files, fields, input_row, input_line, runs, first_seen, updated_at, source_id, id)
	VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10)
	ON CONFLICT (position_uid, partner_candidate_id) DO UPDATE SET
		state = 0, outcome = '', candidate_uid = '', http_status = 0,
		error_code = '', message = '', attempts = 0, response = NULL,
		doubt_fields = NULL, doubt_files = NULL, fingerprint = excluded.fingerprint, files = excluded.files,
		fields = excluded.fields, input_row = excluded.input_row,
		input_line = excluded.input_line, source_id = excluded.source_id,
		runs = runs + 1, updated_at = excluded.updated_at`

	// finishSQL records the answer. What Begin recorded about the row is
	// kept unless the entry brings new values; the doubt is replaced.
	finishSQL = `INSERT INTO entries (position_uid, partner_candidate_id, state,
		outcome, candidate_uid, http_status, error_code, attempts,
		total_attempts, fingerprint, files, fields, response, input_row,
		input_line, first_seen, updated_at, doubt_fields, doubt_files, source_id, id)
	VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, ?17, ?18)
	ON CONFLICT (position_uid, partner_candidate_id) DO UPDATE SET
		state = 1, outcome = excluded.outcome,
		candidate_uid = excluded.candidate_uid, http_status = excluded.http_status,
		error_code = excluded.error_code, message = '',
		attempts = excluded.attempts,
		total_attempts = total_attempts + excluded.attempts,
		response = excluded.response,
		fingerprint = coalesce(excluded.fingerprint, fingerprint),
		files = iif(excluded.fields IS NOT NULL OR excluded.files IS NOT NULL, excluded.files, files),
		fields = iif(excluded.fields IS NOT NULL OR excluded.files IS NOT NULL, excluded.fields, fields),
		input_row = iif(excluded.input_row > 0, excluded.input_row, input_row),
		input_line = iif(excluded.input_line > 0, excluded.input_line, input_line),
		source_id = iif(excluded.source_id > 0, excluded.source_id, source_id),
		doubt_fields = excluded.doubt_fields, doubt_files = excluded.doubt_files,
		updated_at = excluded.updated_at`

	// stepSQL records a step of an update under way (Step).
	stepSQL = `UPDATE entries SET fields = coalesce(?3, fields), files = ?4,
		doubt_fields = ?5, doubt_files = ?6, updated_at = ?7
	WHERE position_uid = ?1 AND partner_candidate_id = ?2`
)

// Get returns the entry for key; ok is false when the ledger has none.
func (l *Ledger) Get(ctx context.Context, key comeet.Key) (e Entry, ok bool, err error) {
	e, err = scanEntry(l.rdb.QueryRowContext(ctx, getSQL, key.PositionUID, key.PartnerCandidateID), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("ledger get %s/%s: %w", key.PositionUID, key.PartnerCandidateID, err)
	}
	return e, true, nil
}

// Known is what a re-run needs of an entry to decide about a row: whether
// Comeet has the candidate, whether the row changed since, and the files
// as they were hashed (so that a file with the same size and modification
// time need not be read again).
type Known struct {
	// Found is false when the ledger has no entry for the key; the other
	// fields are then zero.
	Found        bool
	State        State
	Outcome      string
	CandidateUID string
	UpdatedAt    time.Time
	// RowHash is the fingerprint recorded; compare it with a new one only
	// when FingerprintCurrent(RowHash).
	RowHash string
	Files   []SentFile
	// InDoubt: an update's answer was lost (Entry.Doubt has fields), so
	// Comeet may hold values the ledger does not, whatever the fingerprint.
	InDoubt bool
}

// LookupBatch is the most keys Lookup asks SQLite for in one query.
const LookupBatch = 128

// Lookup returns what the ledger knows of each key: known[i] is about
// keys[i]. It reads only the columns of Known, LookupBatch keys per query,
// on a pool of read connections, so that several checkers can look up at
// once while a run writes. Keys that repeat or are incomplete are fine.
func (l *Ledger) Lookup(ctx context.Context, keys []comeet.Key) ([]Known, error) {
	known := make([]Known, len(keys))
	for start := 0; start < len(keys); start += LookupBatch {
		part := keys[start:min(start+LookupBatch, len(keys))]
		if err := l.lookup(ctx, part, start, known); err != nil {
			return nil, fmt.Errorf("ledger lookup: %w", err)
		}
	}
	return known, nil
}

func (l *Ledger) lookup(ctx context.Context, keys []comeet.Key, start int, known []Known) error {
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k.PositionUID, k.PartnerCandidateID)
	}
	stmt, kept, err := l.lookupStmt(ctx, len(keys))
	if err != nil {
		return err
	}
	if !kept {
		defer stmt.Close()
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			i, state, updated int64
			kn                Known
			fp, files         []byte
		)
		if err := rows.Scan(&i, &state, &kn.Outcome, &kn.CandidateUID, &fp, &updated, &files, &kn.InDoubt); err != nil {
			return err
		}
		if i < 0 || int(i) >= len(keys) {
			return fmt.Errorf("look-up answered for key %d of %d", i, len(keys))
		}
		k := keys[i]
		kn.Found, kn.State, kn.RowHash = true, stateOf(int(state)), string(fp)
		kn.UpdatedAt = time.Unix(0, updated).UTC()
		if kn.Files, err = decodeFiles(files); err != nil {
			return fmt.Errorf("entry %s/%s: %w", k.PositionUID, k.PartnerCandidateID, err)
		}
		known[start+int(i)] = kn
	}
	return rows.Err()
}

// lookupStmt returns the prepared query for n keys: a full batch's is kept
// for the ledger's life, the shorter last batch's is prepared each time.
func (l *Ledger) lookupStmt(ctx context.Context, n int) (stmt *sql.Stmt, kept bool, err error) {
	if n != LookupBatch {
		stmt, err = l.rdb.PrepareContext(ctx, lookupSQL(n))
		return stmt, false, err
	}
	l.lookupOnce.Do(func() {
		l.lookupFull, l.lookupErr = l.rdb.PrepareContext(ctx, lookupSQL(LookupBatch))
	})
	return l.lookupFull, true, l.lookupErr
}

var lookupQueries sync.Map // int -> string

// lookupSQL is the query for n keys: one search of the table's key per
// key, each answer tagged with the key's place in the batch.
func lookupSQL(n int) string {
	if q, ok := lookupQueries.Load(n); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(`WITH k (i, p, c) AS (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, ?, ?)", i)
	}
	b.WriteString(`) SELECT k.i, ` + knownColumns + ` FROM k JOIN entries e
		ON e.position_uid = k.p AND e.partner_candidate_id = k.c`)
	q, _ := lookupQueries.LoadOrStore(n, b.String())
	return q.(string)
}

func stateOf(n int) State {
	if n == stateDone {
		return StateDone
	}
	return StatePending
}

// Begin records, before the POST, that the row is about to be sent: the
// entry becomes pending with e's RowHash, Sent, Row, Line and Source, and
// its previous answer is cleared. The record is on disk when Begin returns.
// A failure to record wraps ErrWrite.
func (l *Ledger) Begin(ctx context.Context, e Entry) error {
	if err := l.beginErr(ctx, e); err != nil {
		return fmt.Errorf("ledger begin %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return nil
}

func (l *Ledger) beginErr(ctx context.Context, e Entry) error {
	if err := l.writable(e.Key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.write(beginSQL, e.Source, e.Key.PositionUID, e.Key.PartnerCandidateID, nullBytes(e.RowHash),
		encodeFiles(e.Sent.Files), encodeFields(e.Sent.Fields), e.Row, e.Line, l.now().UnixNano())
}

// Finish records, after the answer, how the send ended: the entry becomes
// done with e's Outcome, CandidateUID, HTTPStatus, ErrorCode, Attempts and
// Response. RowHash, Sent, Row, Line and Source replace what Begin
// recorded only when they are set. Finish also works without a Begin (a
// row refused before sending). The record is on disk when Finish returns.
// A failure to record wraps ErrWrite. e.Message is not kept: a message may
// quote the row's values (see Entry.Message).
//
// Finish ignores the cancellation of ctx: it records something that has
// already happened in Comeet, and losing it would make the row ambiguous.
func (l *Ledger) Finish(_ context.Context, e Entry) error {
	if err := l.finishErr(e); err != nil {
		return fmt.Errorf("ledger finish %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return nil
}

func (l *Ledger) finishErr(e Entry) error {
	if err := l.writable(e.Key); err != nil {
		return err
	}
	doubtFields, doubtFiles := encodeDoubt(e.Doubt)
	return l.write(finishSQL, e.Source, e.Key.PositionUID, e.Key.PartnerCandidateID, e.Outcome,
		e.CandidateUID, e.HTTPStatus, e.ErrorCode, e.Attempts, nullBytes(e.RowHash),
		encodeFiles(e.Sent.Files), encodeFields(e.Sent.Fields), encodeResponse(e.Response, e.CandidateUID, e.Key),
		e.Row, e.Line, l.now().UnixNano(), doubtFields, doubtFiles)
}

func (l *Ledger) writable(k comeet.Key) error {
	if l.readOnly {
		return errReadOnly
	}
	return checkKey(k)
}

// write runs query with args, then the source's id and the next entry id,
// in a transaction of its own, committed (on disk) when it returns.
func (l *Ledger) write(query, source string, args ...any) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	ctx := context.Background()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	defer tx.Rollback()
	sid, err := l.sources.id(ctx, tx, source)
	if err == nil {
		_, err = tx.ExecContext(ctx, query, append(args, sid, l.lastID+1)...)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		clear(l.sources) // ids added by a rolled-back transaction are gone
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	l.lastID++
	return nil
}

// Step records a step of an update under way on the candidate of e.Key,
// before a request leaves or after its answer: e.Sent is what Comeet holds
// as far as the ledger knows (its fields are kept when nil), and e.Doubt
// what a request in flight or without an answer may have changed. The
// rest of the entry (outcome, fingerprint) is left to Finish. The record
// is on disk when Step returns; a failure to record wraps ErrWrite.
func (l *Ledger) Step(_ context.Context, e Entry) error {
	if err := l.stepErr(e); err != nil {
		return fmt.Errorf("ledger step %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return nil
}

func (l *Ledger) stepErr(e Entry) error {
	if err := l.writable(e.Key); err != nil {
		return err
	}
	doubtFields, doubtFiles := encodeDoubt(e.Doubt)
	l.wmu.Lock()
	defer l.wmu.Unlock()
	res, err := l.db.ExecContext(context.Background(), stepSQL, e.Key.PositionUID, e.Key.PartnerCandidateID,
		encodeFields(e.Sent.Fields), encodeFiles(e.Sent.Files), doubtFields, doubtFiles, l.now().UnixNano())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%w: no entry to record an update's step in", ErrWrite)
	}
	return nil
}

// nullBytes stores an empty string as NULL.
func nullBytes(s string) any {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// Each calls fn for every entry, oldest first (by FirstSeen). It stops at
// the first error fn returns and returns it. fn may use the Ledger.
func (l *Ledger) Each(ctx context.Context, fn func(Entry) error) error {
	after, afterID := int64(-1<<63), int64(0)
	for {
		entries, lastSeen, lastID, err := l.readPage(ctx, after, afterID)
		if err != nil {
			return fmt.Errorf("ledger each: %w", err)
		}
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(entries) < l.pageSize {
			return nil
		}
		after, afterID = lastSeen, lastID
	}
}

// readPage reads the page after (firstSeen, id) and returns it with the
// position of its last entry.
func (l *Ledger) readPage(ctx context.Context, after, afterID int64) ([]Entry, int64, int64, error) {
	rows, err := l.rdb.QueryContext(ctx, pageSQL, after, afterID, l.pageSize)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	var (
		entries []Entry
		id      int64
	)
	for rows.Next() {
		e, err := scanEntry(rows, &id)
		if err != nil {
			return nil, 0, 0, err
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil || len(entries) == 0 {
		return entries, 0, 0, err
	}
	return entries, entries[len(entries)-1].FirstSeen.UnixNano(), id, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanEntry reads the columns of entryColumns; id receives the row id.
func scanEntry(s scanner, id *int64) (Entry, error) {
	var (
		e                         Entry
		rowID, updated, firstSeen int64
		state                     int
		fp, files, fields, resp   []byte
		doubtFields, doubtFiles   []byte
	)
	if id == nil {
		id = &rowID
	}
	if err := s.Scan(id, &e.Key.PositionUID, &e.Key.PartnerCandidateID, &state, &e.Outcome,
		&e.CandidateUID, &fp, &updated, &files, &e.HTTPStatus, &e.ErrorCode, &e.Message,
		&e.Attempts, &e.TotalAttempts, &e.Runs, &firstSeen, &e.Row, &e.Line, &e.Source,
		&fields, &resp, &doubtFields, &doubtFiles); err != nil {
		return Entry{}, err
	}
	e.State, e.RowHash = stateOf(state), string(fp)
	e.FirstSeen, e.UpdatedAt = time.Unix(0, firstSeen).UTC(), time.Unix(0, updated).UTC()
	var err error
	if e.Sent.Files, err = decodeFiles(files); err == nil {
		if e.Sent.Fields, err = decodeFields(fields, e.Key); err == nil {
			e.Response, err = decodeResponse(resp, e.CandidateUID, e.Key, e.Sent.Fields)
		}
	}
	if err == nil {
		e.Doubt, err = decodeDoubt(doubtFields, doubtFiles)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entry %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return e, nil
}

// The version-2 layout, read once by the migration to version 3.
const (
	columnsV2 = `position_uid, partner_candidate_id, state, outcome, candidate_uid,
	http_status, error_code, message, attempts, total_attempts, runs, row_hash,
	sent, response, first_seen, updated_at, input_row, input_line, source_file`

	// timeLayoutV2 has a fixed width, so the text sorts in time order.
	timeLayoutV2 = "2006-01-02T15:04:05.000000000Z"

	insertV3SQL = `INSERT INTO entries3 (position_uid, partner_candidate_id, state,
		outcome, candidate_uid, fingerprint, updated_at, files, http_status,
		error_code, message, attempts, total_attempts, runs, first_seen,
		input_row, input_line, fields, response, source_id, id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func scanEntryV2(s scanner) (Entry, error) {
	var (
		e                    Entry
		state                string
		sent, firstSeen, upd string
		resp                 sql.NullString
	)
	if err := s.Scan(&e.Key.PositionUID, &e.Key.PartnerCandidateID, &state,
		&e.Outcome, &e.CandidateUID, &e.HTTPStatus, &e.ErrorCode, &e.Message,
		&e.Attempts, &e.TotalAttempts, &e.Runs, &e.RowHash, &sent, &resp,
		&firstSeen, &upd, &e.Row, &e.Line, &e.Source); err != nil {
		return Entry{}, err
	}
	e.State = State(state)
	var err error
	if err = json.Unmarshal([]byte(sent), &e.Sent); err != nil {
		return Entry{}, fmt.Errorf("entry %s/%s: decode sent: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	if resp.Valid {
		e.Response = new(comeet.Created)
		if err = json.Unmarshal([]byte(resp.String), e.Response); err != nil {
			return Entry{}, fmt.Errorf("entry %s/%s: decode response: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
		}
	}
	if e.FirstSeen, err = time.Parse(timeLayoutV2, firstSeen); err == nil {
		e.UpdatedAt, err = time.Parse(timeLayoutV2, upd)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entry %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return e, nil
}

// argsV3 is an entry as the columns of insertV3SQL, without source_id.
func argsV3(e Entry, fp []byte) ([]any, error) {
	state := statePending
	if e.State == StateDone {
		state = stateDone
	}
	resp := encodeResponse(e.Response, e.CandidateUID, e.Key)
	return []any{e.Key.PositionUID, e.Key.PartnerCandidateID, state, e.Outcome,
		e.CandidateUID, fp, e.UpdatedAt.UnixNano(), encodeFiles(e.Sent.Files),
		e.HTTPStatus, e.ErrorCode, e.Message, e.Attempts, e.TotalAttempts, e.Runs,
		e.FirstSeen.UnixNano(), e.Row, e.Line, encodeFields(e.Sent.Fields), resp}, nil
}
