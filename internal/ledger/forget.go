package ledger

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Who names what Forget erases: one candidate, by partner id (in every
// position), by position and partner id, or by Comeet uid; or every entry
// last written before a time. Exactly one way is given.
type Who struct {
	PartnerCandidateID string
	// PositionUID narrows PartnerCandidateID to one position.
	PositionUID  string
	CandidateUID string
	Before       time.Time
}

// Forgotten is an entry Forget erased.
type Forgotten struct {
	Key          comeet.Key
	CandidateUID string
	UpdatedAt    time.Time
}

// Check says why w names no one way; nil when it names one.
func (w Who) Check() error {
	ways := 0
	for _, set := range []bool{w.PartnerCandidateID != "", w.CandidateUID != "", !w.Before.IsZero()} {
		if set {
			ways++
		}
	}
	if ways != 1 || (w.PositionUID != "" && w.PartnerCandidateID == "") {
		return errors.New("name one candidate (by partner id, by position and partner id, or by candidate uid) or a date")
	}
	return nil
}

// where is each way's condition on entries and on known_problems
// (which hold a key but no candidate uid), and its arguments.
func (w Who) where() (entries, problems string, args []any, err error) {
	if err := w.Check(); err != nil {
		return "", "", nil, err
	}
	switch {
	case w.PositionUID != "":
		c := `position_uid = ? AND partner_candidate_id = ?`
		return c, c, []any{w.PositionUID, w.PartnerCandidateID}, nil
	case w.PartnerCandidateID != "":
		c := `partner_candidate_id = ?`
		return c, c, []any{w.PartnerCandidateID}, nil
	case w.CandidateUID != "":
		return `candidate_uid = ?`, `(position_uid, partner_candidate_id) IN
			(SELECT position_uid, partner_candidate_id FROM entries WHERE candidate_uid = ?)`, []any{w.CandidateUID}, nil
	}
	before := int64(math.MaxInt64) // UnixNano ends in 2262
	if w.Before.Before(time.Unix(0, before)) {
		before = w.Before.UnixNano()
	}
	return `updated_at < ?`, `seen_at < ?`, []any{before}, nil
}

// Forget erases the entries who names, and the known problems of the same
// keys (or seen before the date), then rewrites the file (VACUUM) and
// empties its WAL, so that the erased bytes are gone from the disk's copy
// of the ledger. It returns what it erased, oldest first.
func (l *Ledger) Forget(ctx context.Context, who Who) ([]Forgotten, error) {
	if l.readOnly {
		return nil, errReadOnly
	}
	cond, probCond, args, err := who.where()
	if err != nil {
		return nil, err
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	gone, err := l.forget(ctx, cond, probCond, args)
	if err != nil {
		return nil, fmt.Errorf("ledger forget: %w", err)
	}
	if err := scrub(ctx, l.db); err != nil {
		return gone, fmt.Errorf("ledger forget: %w", err)
	}
	return gone, nil
}

func (l *Ledger) forget(ctx context.Context, cond, probCond string, args []any) ([]Forgotten, error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var probs int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'known_problems'`).Scan(&probs); err != nil {
		return nil, err
	}
	if probs > 0 { // before the entries: a uid names its keys through them
		if _, err := tx.ExecContext(ctx, `DELETE FROM known_problems WHERE `+probCond, args...); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, `DELETE FROM entries WHERE `+cond+`
		RETURNING position_uid, partner_candidate_id, candidate_uid, updated_at`, args...)
	if err != nil {
		return nil, err
	}
	var gone []Forgotten
	for rows.Next() {
		var f Forgotten
		var at int64
		if err := rows.Scan(&f.Key.PositionUID, &f.Key.PartnerCandidateID, &f.CandidateUID, &at); err != nil {
			rows.Close()
			return nil, err
		}
		f.UpdatedAt = time.Unix(0, at).UTC()
		gone = append(gone, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	slices.SortFunc(gone, func(a, b Forgotten) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return gone, nil
}
