package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/report"
	"github.com/comeet-import/comeet-import/source"
)

// prepare takes a record through mapping, checks, attach and the ledger.
// It returns a row that is either finished (invalid, skipped, valid) or
// cleared for sending (outcome still empty).
func (r *run) prepare(ctx context.Context, rec source.Record) *row {
	rw := newRow(rec)
	if rec.Err != nil {
		rw.finish(report.Invalid, comeet.CodeMalformedRow, rec.Err.Error())
		return rw
	}
	cand, problems := r.binder.Candidate(rec.Fields)
	if cand == nil {
		rw.finish(report.Invalid, firstCode(problems), joinProblems(problems))
		return rw
	}
	rw.cand = cand
	r.cfg.Rules.Normalize(cand)
	rw.describe()
	problems = append(problems, r.attach.attach(cand)...)
	problems = append(problems, r.cfg.Rules.Check(cand)...)
	if p, dup := r.duplicate(rw); dup {
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		rw.finish(report.Invalid, firstCode(problems), joinProblems(problems))
		return rw
	}
	if r.ledger != nil && r.skipKnown(ctx, rw) {
		return rw
	}
	switch {
	case r.cfg.DryRun:
		rw.finish(report.Valid, "", "")
	case r.cfg.Limit > 0 && r.cleared >= r.cfg.Limit:
		rw.finish(report.Skipped, "", fmt.Sprintf("not sent: --limit %d reached", r.cfg.Limit))
	default:
		r.cleared++
	}
	return rw
}

// duplicate reports a row whose (position_uid, partner_candidate_id) an
// earlier row of the same file already has: Comeet would answer the second
// with a 409, or, if the first was rejected in between, create a duplicate.
// Keys are remembered as 64-bit hashes in a keySet, so a million-row file
// costs some 18 MB; a false match needs a hash collision (about one in
// 10^7 for a million rows).
func (r *run) duplicate(rw *row) (comeet.Problem, bool) {
	c := rw.cand
	if c.PositionUID == "" || c.PartnerCandidateID == "" {
		return comeet.Problem{}, false
	}
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteString(c.PositionUID)
	h.WriteByte(0)
	h.WriteString(c.PartnerCandidateID)
	sum := h.Sum64()
	if first, ok := r.seen.add(sum, int32(rw.rec.Row)); ok {
		return comeet.Problem{
			Field: "partner_candidate_id",
			Code:  comeet.CodeDuplicateRow,
			Message: fmt.Sprintf("row %d has the same position_uid %q and partner_candidate_id %q",
				first, c.PositionUID, c.PartnerCandidateID),
		}, true
	}
	return comeet.Problem{}, false
}

// skipKnown finishes the row as skipped when the ledger shows the candidate
// is already in Comeet. A pending entry (a POST that may or may not have
// reached Comeet) and earlier failures are sent again: a 409 then tells
// that the first one had arrived.
func (r *run) skipKnown(ctx context.Context, rw *row) bool {
	rw.hash = fingerprint(rw.cand)
	e, ok, err := r.ledger.Get(ctx, rw.cand.Key())
	if err != nil {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: reading the ledger: %v", err))
		return true
	}
	if !ok || e.State != ledger.StateDone || (e.Outcome != string(report.Created) && e.Outcome != string(report.Conflict)) {
		return false
	}
	rw.res.CandidateUID = e.CandidateUID
	msg := fmt.Sprintf("already in Comeet as %s (%s on %s)", e.CandidateUID, e.Outcome, e.UpdatedAt.UTC().Format("2006-01-02"))
	if e.RowHash != "" && e.RowHash != rw.hash {
		msg += "; the row changed since it was sent, and Comeet's create call cannot update it: change it in Comeet"
	}
	rw.finish(report.Skipped, "", msg)
	return true
}

// fingerprint is the SHA-256 of what would be sent, files counted by their
// digests, so a re-run can tell a changed row from the one it sent.
func fingerprint(c *comeet.Candidate) string {
	b, _ := json.Marshal(ledger.SentOf(c)) // a struct of strings and numbers always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func firstCode(problems []comeet.Problem) string {
	if len(problems) == 0 {
		return comeet.CodeMalformedRow
	}
	return problems[0].Code
}

func joinProblems(problems []comeet.Problem) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}
