package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// migratePage is how many entries the migration to version 5 rewrites per
// query, so that its memory does not grow with the ledger.
const migratePage = 512

// migrateV5 draws the digest key and replaces every value the ledger holds
// by its digest, page by page in key order.
func migrateV5(ctx context.Context, tx *sql.Tx) error {
	d, err := newDigestKey(ctx, tx)
	if err != nil {
		return err
	}
	upd, err := tx.PrepareContext(ctx, `UPDATE entries SET fingerprint = ?, files = ?,
		fields = ?, response = ?, doubt_fields = ?, doubt_files = ?, message = ''
		WHERE position_uid = ? AND partner_candidate_id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	var after comeet.Key
	for {
		page, err := readV3Page(ctx, tx, after)
		if err != nil {
			return err
		}
		for _, e := range page {
			if _, err := upd.ExecContext(ctx, argsV5(d, e)...); err != nil {
				return err
			}
		}
		if len(page) < migratePage {
			break
		}
		after = page[len(page)-1].Key
	}
	if err := digestProblems(ctx, tx, d); err != nil {
		return err
	}
	return scrubAccountURL(ctx, tx)
}

// readV3Page reads the entries after key, with the records of schema 3.
func readV3Page(ctx context.Context, tx *sql.Tx, after comeet.Key) ([]Entry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT position_uid, partner_candidate_id,
		candidate_uid, fingerprint, files, fields, response, doubt_fields, doubt_files FROM entries
		WHERE (position_uid, partner_candidate_id) > (?, ?)
		ORDER BY position_uid, partner_candidate_id LIMIT ?`, after.PositionUID, after.PartnerCandidateID, migratePage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []Entry
	for rows.Next() {
		var (
			e                       Entry
			fp, files, fields, resp []byte
			doubtFields, doubtFiles []byte
		)
		if err := rows.Scan(&e.Key.PositionUID, &e.Key.PartnerCandidateID, &e.CandidateUID, &fp, &files, &fields, &resp, &doubtFields, &doubtFiles); err != nil {
			return nil, err
		}
		e.RowHash = string(fp)
		if e.Sent.Files, err = decodeFiles(files); err == nil {
			if e.Sent.Fields, err = decodeFields(fields, e.Key); err == nil {
				e.Response, err = decodeResponse(resp, e.CandidateUID, e.Key, e.Sent.Fields)
			}
		}
		if err == nil {
			e.Doubt, err = decodeDoubt(doubtFields, doubtFiles)
		}
		if err != nil {
			return nil, fmt.Errorf("entry %s/%s: %w", e.Key.PositionUID, e.Key.PartnerCandidateID, err)
		}
		page = append(page, e)
	}
	return page, rows.Err()
}

// argsV5 is a schema-3 entry as the arguments of migrateV5's update.
func argsV5(d digester, e Entry) []any {
	var fp any
	if len(e.RowHash) == 1+digestSize && e.RowHash[0] == 2 {
		fp = []byte(d.keyFP([]byte(e.RowHash[1:])))
	}
	doubtFields, doubtFiles := encodeDoubt(Doubt{Fields: d.fields(e.Doubt.Fields), Files: d.files(e.Doubt.Files)})
	return []any{fp, encodeFiles(d.files(e.Sent.Files)), encodeFields(d.fields(e.Sent.Fields)),
		encodeResponse(e.Response, e.CandidateUID, e.Key), doubtFields, doubtFiles,
		e.Key.PositionUID, e.Key.PartnerCandidateID}
}

// fields digests values as Ledger.SentOf does.
func (d digester) fields(values map[string]string) map[string]string {
	if values == nil {
		return nil
	}
	out := make(map[string]string, len(values))
	for k, v := range values {
		if k != "position_uid" && k != "partner_candidate_id" {
			out[k] = d.value(k, v)
		}
	}
	return out
}

// files digests names and paths as Ledger.FileOf does.
func (d digester) files(files []SentFile) []SentFile {
	for i, f := range files {
		files[i].Name = d.value("file.name", f.Name)
		if f.Path != "" {
			files[i].Path = d.value("file.path", f.Path)
		}
	}
	return files
}

// digestProblems keys the fingerprints of the known problems, when the
// ledger has their table.
func digestProblems(ctx context.Context, tx *sql.Tx, d digester) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'known_problems'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT fingerprint, error_code FROM known_problems`)
	if err != nil {
		return err
	}
	var old [][2]string
	for rows.Next() {
		var fp, code string
		if err := rows.Scan(&fp, &code); err != nil {
			rows.Close()
			return err
		}
		old = append(old, [2]string{fp, code})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range old {
		if _, err := tx.ExecContext(ctx, `UPDATE known_problems SET fingerprint = ? WHERE fingerprint = ? AND error_code = ?`,
			d.value(problemName, p[0]), p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// scrubAccountURL removes user information (a password) from the stored
// base URL.
func scrubAccountURL(ctx context.Context, tx *sql.Tx) error {
	var raw string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaAccountURL).Scan(&raw)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE meta SET value = ? WHERE key = ?`, redactURL(raw), metaAccountURL)
	return err
}
