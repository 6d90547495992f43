package importer

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/report"
	"github.com/comeet-import/comeet-import/source"
)

// check takes a row through mapping, attach and the field rules: the
// work that needs nothing but the row, so that rows are checked several at
// a time. What it finds waits in rw.problems for admit; a row that cannot
// be mapped at all is finished at once.
func (r *run) check(rw *row) {
	rec := rw.rec
	if rec.Err != nil {
		rw.finish(report.Invalid, recordCode(rec.Err), rec.Err.Error())
		return
	}
	plainCells(rec.Fields)
	cand, problems := r.binder.Candidate(rec.Fields)
	if cand == nil {
		rw.finish(report.Invalid, firstCode(problems), joinProblems(problems))
		return
	}
	rw.cand = cand
	r.cfg.Rules.Normalize(cand)
	rw.describe()
	problems = append(problems, r.attach.attach(cand)...)
	rw.problems = append(problems, r.cfg.Rules.Check(cand)...)
	rw.keyHash = keyHash(r.seed, cand)
}

// keyHash is the 64-bit hash of the candidate's (position_uid,
// partner_candidate_id), computed with the checks, on every CPU, so that
// the duplicate check in input order only has to look it up.
func keyHash(seed maphash.Seed, c *comeet.Candidate) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(c.PositionUID)
	h.WriteByte(0)
	h.WriteString(c.PartnerCandidateID)
	return h.Sum64()
}

// admit decides, in input order, what becomes of a checked row: duplicates
// inside the file, the ledger and --limit. It leaves the row finished
// (invalid, skipped, valid) or cleared for sending (outcome still empty).
func (r *run) admit(ctx context.Context, rw *row) {
	if rw.res.Outcome != "" {
		return
	}
	problems := rw.problems
	if p, dup := r.duplicate(rw); dup {
		problems = append(problems, p)
	}
	rw.problems = nil
	if len(problems) > 0 {
		rw.finish(report.Invalid, firstCode(problems), joinProblems(problems))
		return
	}
	if r.ledger != nil && r.skipKnown(rw) {
		return
	}
	// validate applies --limit too, so that its report says row for row
	// what import would do.
	switch {
	case r.cfg.Limit > 0 && r.cleared >= r.cfg.Limit:
		rw.finish(report.Skipped, "", fmt.Sprintf("not sent: --limit %d reached", r.cfg.Limit))
	case r.cfg.DryRun:
		r.cleared++
		rw.finish(report.Valid, "", "")
	default:
		r.cleared++
	}
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
	if first, ok := r.seen.add(rw.keyHash, int32(rw.rec.Row)); ok {
		return comeet.Problem{
			Field: "partner_candidate_id",
			Code:  comeet.CodeDuplicateRow,
			Message: fmt.Sprintf("row %d has the same position_uid %q and partner_candidate_id %q",
				first, c.PositionUID, c.PartnerCandidateID),
		}, true
	}
	return comeet.Problem{}, false
}

// recall looks up the batch's checked rows in the ledger, in one query
// per ledger.LookupBatch keys, on the checker's goroutine: several batches
// are looked up at once. It then completes the rows' file digests (reusing
// the ledger's when a file's size and modification time did not change)
// and their fingerprints. A row of the same key written meanwhile by this
// run's workers is a duplicate in the file, refused anyway, so looking up
// ahead of the sends is safe.
func (r *run) recall(b *batch) {
	if r.ledger == nil {
		return
	}
	rows := make([]*row, 0, len(b.rows))
	keys := make([]comeet.Key, 0, len(b.rows))
	for _, rw := range b.rows {
		if rw.cand != nil && rw.res.Outcome == "" && len(rw.problems) == 0 {
			rows = append(rows, rw)
			keys = append(keys, rw.cand.Key())
		}
	}
	// The ledger is a local file: an interruption does not cut its reading
	// short, so a row already in Comeet is still reported skipped.
	known, err := r.ledger.Lookup(context.Background(), keys)
	for i, rw := range rows {
		if err != nil {
			rw.knownErr = err
			continue
		}
		rw.known = known[i]
		rw.problems = append(rw.problems, r.attach.digest(rw.cand, known[i].Files)...)
		rw.hash = fingerprint(rw.cand)
	}
}

// skipKnown finishes the row as skipped when the ledger shows the candidate
// is already in Comeet. A pending entry (a POST that may or may not have
// reached Comeet) and earlier failures are sent again: a 409 then tells
// that the first one had arrived.
func (r *run) skipKnown(rw *row) bool {
	if rw.knownErr != nil {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: reading the ledger: %v", rw.knownErr))
		return true
	}
	e := rw.known
	if !e.Found || e.State != ledger.StateDone || (e.Outcome != string(report.Created) && e.Outcome != string(report.Conflict)) {
		return false
	}
	rw.res.CandidateUID = e.CandidateUID
	msg := fmt.Sprintf("already in Comeet as %s (%s on %s)", e.CandidateUID, e.Outcome, e.UpdatedAt.UTC().Format("2006-01-02"))
	// A fingerprint made the way older versions made it cannot be compared:
	// such a row counts as unchanged rather than wrongly as changed.
	if ledger.FingerprintCurrent(e.RowHash) && e.RowHash != rw.hash {
		msg += "; the row changed since it was sent, and Comeet's create call cannot update it: change it in Comeet"
	}
	rw.finish(report.Skipped, "", msg)
	return true
}

// fingerprint is the ledger's digest of what would be sent, files counted
// by their digests, so a re-run can tell a changed row from the one it
// sent (ledger.Fingerprint: no JSON, computed on the checkers).
func fingerprint(c *comeet.Candidate) string { return ledger.Fingerprint(c) }

// recordCode is the error code of a record the source could not read into
// cells: bytes that are not text, or a ragged row or broken quote.
func recordCode(err error) string {
	if errors.Is(err, source.ErrEncoding) {
		return comeet.CodeInvalidEncoding
	}
	return comeet.CodeMalformedRow
}

// plainCells removes the apostrophe that report.Neutralize puts before a
// cell starting like a formula (= + - @), so that a row of an errors file,
// fixed and fed back, is sent as it was first read: "'+34 612 345 678"
// goes out as "+34 612 345 678". The report writes the cells neutralized
// again, so the errors file of the next run reads the same.
func plainCells(fields []string) {
	for i, f := range fields {
		fields[i] = report.Deneutralize(f)
	}
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
