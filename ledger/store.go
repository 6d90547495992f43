package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/comeet-import/comeet-import/comeet"
)

// eachPageSize is how many entries Each reads per query. Each releases the
// connection between pages, so fn may call back into the Ledger.
const eachPageSize = 256

// timeLayout has a fixed width, so the text sorts in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

const columns = `position_uid, partner_candidate_id, state, outcome, candidate_uid,
	http_status, error_code, message, attempts, total_attempts, runs, row_hash,
	sent, response, first_seen, updated_at, input_row, input_line, source_file`

const (
	getSQL = `SELECT ` + columns + ` FROM entries
		WHERE position_uid = ? AND partner_candidate_id = ?`

	pageSQL = `SELECT id, ` + columns + ` FROM entries
		WHERE (first_seen, id) > (?, ?) ORDER BY first_seen, id LIMIT ?`

	// beginSQL starts a new send: the previous answer is cleared, since
	// from now on the state of the candidate in Comeet is unknown.
	beginSQL = `INSERT INTO entries (position_uid, partner_candidate_id, state,
		row_hash, sent, input_row, input_line, source_file, runs, first_seen, updated_at)
	VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)
	ON CONFLICT (position_uid, partner_candidate_id) DO UPDATE SET
		state = 'pending', outcome = '', candidate_uid = '', http_status = 0,
		error_code = '', message = '', attempts = 0, response = NULL,
		row_hash = excluded.row_hash, sent = excluded.sent,
		input_row = excluded.input_row, input_line = excluded.input_line,
		source_file = excluded.source_file,
		runs = runs + 1, updated_at = excluded.updated_at`

	// finishSQL records the answer. What Begin recorded about the row is
	// kept unless the entry brings new values.
	finishSQL = `INSERT INTO entries (position_uid, partner_candidate_id, state,
		outcome, candidate_uid, http_status, error_code, message, attempts,
		total_attempts, row_hash, sent, response, input_row, input_line,
		source_file, first_seen, updated_at)
	VALUES (?1, ?2, 'done', ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)
	ON CONFLICT (position_uid, partner_candidate_id) DO UPDATE SET
		state = 'done', outcome = excluded.outcome,
		candidate_uid = excluded.candidate_uid, http_status = excluded.http_status,
		error_code = excluded.error_code, message = excluded.message,
		attempts = excluded.attempts,
		total_attempts = total_attempts + excluded.attempts,
		response = excluded.response,
		row_hash = iif(excluded.row_hash <> '', excluded.row_hash, row_hash),
		sent = iif(excluded.sent <> '{}', excluded.sent, sent),
		input_row = iif(excluded.input_row > 0, excluded.input_row, input_row),
		input_line = iif(excluded.input_line > 0, excluded.input_line, input_line),
		source_file = iif(excluded.source_file <> '', excluded.source_file, source_file),
		updated_at = excluded.updated_at`
)

func (l *Ledger) prepare(ctx context.Context, readOnly bool) error {
	stmts := []struct {
		dst   **sql.Stmt
		query string
	}{{&l.get, getSQL}, {&l.page, pageSQL}, {&l.begin, beginSQL}, {&l.finish, finishSQL}}
	if readOnly {
		stmts = stmts[:2]
	}
	for _, s := range stmts {
		stmt, err := l.db.PrepareContext(ctx, s.query)
		if err != nil {
			return fmt.Errorf("prepare statement: %w", err)
		}
		*s.dst = stmt
	}
	return nil
}

// Get returns the entry for key; ok is false when the ledger has none.
func (l *Ledger) Get(ctx context.Context, key comeet.Key) (e Entry, ok bool, err error) {
	e, err = scanEntry(l.get.QueryRowContext(ctx, key.PositionUID, key.PartnerCandidateID))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("ledger get %s/%s: %w", key.PositionUID, key.PartnerCandidateID, err)
	}
	return e, true, nil
}

// Begin records, before the POST, that the row is about to be sent: the
// entry becomes pending with e's RowHash, Sent, Row, Line and Source, and
// its previous answer is cleared. The record is on disk when Begin returns.
func (l *Ledger) Begin(ctx context.Context, e Entry) error {
	if err := l.write(ctx, l.begin, e, func(sent string, now string) []any {
		return []any{e.Key.PositionUID, e.Key.PartnerCandidateID, e.RowHash, sent,
			e.Row, e.Line, e.Source, now}
	}); err != nil {
		return fmt.Errorf("ledger begin %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return nil
}

// Finish records, after the answer, how the send ended: the entry becomes
// done with e's Outcome, CandidateUID, HTTPStatus, ErrorCode, Message,
// Attempts and Response. RowHash, Sent, Row, Line and Source replace what
// Begin recorded only when they are set. Finish also works without a
// Begin (a row refused before sending). The record is on disk when Finish
// returns.
//
// Finish ignores the cancellation of ctx: it records something that has
// already happened in Comeet, and losing it would make the row ambiguous.
func (l *Ledger) Finish(ctx context.Context, e Entry) error {
	ctx = context.WithoutCancel(ctx)
	resp, err := encodeResponse(e.Response)
	if err != nil {
		return fmt.Errorf("ledger finish %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	if err := l.write(ctx, l.finish, e, func(sent string, now string) []any {
		return []any{e.Key.PositionUID, e.Key.PartnerCandidateID, e.Outcome, e.CandidateUID,
			e.HTTPStatus, e.ErrorCode, e.Message, e.Attempts, e.RowHash, sent, resp,
			e.Row, e.Line, e.Source, now}
	}); err != nil {
		return fmt.Errorf("ledger finish %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return nil
}

// write runs one upsert. A single statement in autocommit mode is its own
// transaction, so the entry is either wholly written or not at all.
func (l *Ledger) write(ctx context.Context, stmt *sql.Stmt, e Entry, args func(sent, now string) []any) error {
	if stmt == nil {
		return errReadOnly
	}
	if err := checkKey(e.Key); err != nil {
		return err
	}
	sent, err := json.Marshal(e.Sent)
	if err != nil {
		return fmt.Errorf("encode sent: %w", err)
	}
	now := l.now().UTC().Format(timeLayout)
	_, err = stmt.ExecContext(ctx, args(string(sent), now)...)
	return err
}

// Each calls fn for every entry, oldest first (by FirstSeen). It stops at
// the first error fn returns and returns it. fn may use the Ledger.
func (l *Ledger) Each(ctx context.Context, fn func(Entry) error) error {
	after, afterID := "", int64(0)
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
func (l *Ledger) readPage(ctx context.Context, after string, afterID int64) ([]Entry, string, int64, error) {
	rows, err := l.page.QueryContext(ctx, after, afterID, l.pageSize)
	if err != nil {
		return nil, "", 0, err
	}
	defer rows.Close()
	var (
		entries []Entry
		id      int64
	)
	for rows.Next() {
		e, err := scanEntry(rows, &id)
		if err != nil {
			return nil, "", 0, err
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil || len(entries) == 0 {
		return entries, "", 0, err
	}
	return entries, entries[len(entries)-1].FirstSeen.Format(timeLayout), id, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanEntry reads the columns of `columns`, after any leading destinations.
func scanEntry(s scanner, lead ...any) (Entry, error) {
	var (
		e                    Entry
		state                string
		sent, firstSeen, upd string
		resp                 sql.NullString
	)
	dest := append(lead, &e.Key.PositionUID, &e.Key.PartnerCandidateID, &state,
		&e.Outcome, &e.CandidateUID, &e.HTTPStatus, &e.ErrorCode, &e.Message,
		&e.Attempts, &e.TotalAttempts, &e.Runs, &e.RowHash, &sent, &resp,
		&firstSeen, &upd, &e.Row, &e.Line, &e.Source)
	if err := s.Scan(dest...); err != nil {
		return Entry{}, err
	}
	e.State = State(state)
	if err := decodeColumns(&e, sent, resp, firstSeen, upd); err != nil {
		return Entry{}, fmt.Errorf("entry %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
	}
	return e, nil
}

func decodeColumns(e *Entry, sent string, resp sql.NullString, firstSeen, updated string) error {
	var err error
	if err = json.Unmarshal([]byte(sent), &e.Sent); err != nil {
		return fmt.Errorf("decode sent: %w", err)
	}
	if resp.Valid {
		e.Response = new(comeet.Created)
		if err = json.Unmarshal([]byte(resp.String), e.Response); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
	}
	if e.FirstSeen, err = time.Parse(timeLayout, firstSeen); err != nil {
		return fmt.Errorf("decode first_seen: %w", err)
	}
	if e.UpdatedAt, err = time.Parse(timeLayout, updated); err != nil {
		return fmt.Errorf("decode updated_at: %w", err)
	}
	return nil
}

// encodeResponse returns the JSON text of r, or nil (SQL NULL) for no answer.
func encodeResponse(r *comeet.Created) (any, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return string(b), nil
}
