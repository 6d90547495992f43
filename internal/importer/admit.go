package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// decision is what the admitter makes of a checked row.
type decision int

const (
	// decideSend: the row goes to a worker to be sent.
	decideSend decision = iota
	// decideValid: a dry run's row that would be sent.
	decideValid
	// decideSkip: not sent: the ledger shows it is in Comeet, or --limit.
	decideSkip
	// decideInvalid: the checks or a duplicate found it wrong.
	decideInvalid
	// decideFail: it could not be decided (the ledger could not be read).
	decideFail
	// decideUpdate: a changed row already in Comeet goes to a worker to be
	// updated (import --update, update.go).
	decideUpdate
)

// admitter decides, in input order, what becomes of each checked row:
// duplicates inside the file, the ledger and the limit. It is used by one
// goroutine only (the pool's producer).
type admitter struct {
	ledger *ledger.Ledger // nil without a ledger
	dryRun bool
	limit  int // rows to clear at most; 0 is no limit
	seen   *keySet
	words  wording
	// idColumn is the input column of partner_candidate_id, -1 when none
	// feeds it, for a duplicate's message.
	idColumn int
	// positions checks each row's position_uid in Comeet; nil unless
	// Config.CheckPositions.
	positions *positions
	// update: a changed row already in Comeet is decided decideUpdate
	// (Config.Update); updater plans it on a dry run.
	update  bool
	updater *updater
	// keyColumns finds the cells that feed the row's key and email, which
	// a footer leaves blank (footer); nil takes no row for a footer.
	keyColumns *mapping.Binder
	// cleared counts the rows cleared for sending, for the limit.
	cleared int
	// planned counts the requests a dry run's valid rows would send.
	planned report.Requests
	// positionsUnchecked counts a dry run's valid rows that name their
	// position by name, which only the account can check.
	positionsUnchecked int
	// changedNotSent counts the rows skipped although they changed since
	// they were sent (no --update).
	changedNotSent int
}

// admit decides rw's fate and finishes every row it does not clear for
// sending: invalid, skipped, valid, or failed when the ledger cannot be
// read. ctx bounds the ledger's reading.
func (a *admitter) admit(ctx context.Context, rw *row) decision {
	if label, ok := a.footer(rw.rec); ok {
		rw.res = report.Result{Row: rw.rec.Row, Line: rw.rec.Line}
		rw.finish(report.Skipped, "", fmt.Sprintf("a footer (%q), not a candidate: not sent", label))
		return decideSkip
	}
	if rw.finished() {
		return decideInvalid // the checker could not map it
	}
	problems := rw.problems
	if p, dup := a.duplicate(rw); dup {
		problems = append(problems, problem{Problem: p, Column: a.idColumn})
	}
	if len(problems) > 0 {
		a.words.invalid(rw, problems) // the duplicate's too, for the log's columns
		return decideInvalid
	}
	if a.ledger != nil {
		if d, known := a.skipKnown(ctx, rw); known {
			return d
		}
	}
	if a.positions != nil {
		if d, bad := a.checkPosition(ctx, rw); bad {
			return d
		}
	}
	// validate applies the limit too (the report's words name the
	// command line's flag, as the README does), so that its report says row for row
	// what import would do.
	switch {
	case a.limit > 0 && a.cleared >= a.limit:
		rw.finish(report.Skipped, "", fmt.Sprintf("not sent: --limit %d reached", a.limit))
		return decideSkip
	case a.dryRun:
		a.cleared++
		// A row naming its position, unresolved without the credentials,
		// may be one the ledger knows by its uid: not a create to promise.
		if rw.positionUnchecked {
			a.positionsUnchecked++
		} else {
			a.planned.Create++
		}
		rw.finish(report.Valid, "", "")
		return decideValid
	}
	a.cleared++
	return decideSend
}

// footerLabels are the words a sheet's closing total row starts with,
// lower-cased, without a colon.
var footerLabels = []string{"grand total", "totals", "total", "sum", "count", "סה\"כ", "סה״כ", "סך הכל"}

// footer reports whether rec is a sheet's closing "Total:" row, which is
// not a candidate: the input's last record, whose filled cells are one
// label ("Total:", "Sum", "סה\"כ", perhaps with its number) and numbers,
// none of them in a column that feeds position_uid, partner_candidate_id
// or email. A row of anything more is reported as what it is. label is
// the row's filled cells as typed, for the message.
func (a *admitter) footer(rec source.Record) (label string, ok bool) {
	if !rec.Last || a.keyColumns == nil || (rec.Err != nil && !errors.Is(rec.Err, source.ErrWidth)) {
		return "", false
	}
	keys := map[int]bool{}
	for _, f := range []string{comeet.FieldPositionUID, comeet.FieldPartnerCandidateID, comeet.FieldEmail} {
		keys[a.keyColumns.ColumnOf(rec.Fields, f)] = true
	}
	var cells []string
	labels := 0
	for i, f := range rec.Fields {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
			continue
		case footerLabel(f):
			labels++
		case keys[i] || !isNumber(f):
			return "", false
		}
		cells = append(cells, f)
	}
	return strings.Join(cells, " "), labels == 1
}

// footerLabel reports whether cell is a footer's label, its number perhaps
// in the same cell ("Total: 647").
func footerLabel(cell string) bool {
	lower := strings.ToLower(cell)
	for _, l := range footerLabels {
		if rest, ok := strings.CutPrefix(lower, l); ok {
			rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
			return rest == "" || isNumber(rest)
		}
	}
	return false
}

// isNumber reports whether s is a number as a sheet shows one, with
// thousands separators.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return err == nil
}

// duplicate reports a row whose (position_uid, partner_candidate_id) an
// earlier row of the same file already has: Comeet would answer the second
// with a 409, or, if the first was rejected in between, create a duplicate.
// Keys are remembered as 64-bit hashes in a keySet, so a million-row file
// costs some 18 MB; a false match needs a hash collision (about one in
// 10^7 for a million rows).
func (a *admitter) duplicate(rw *row) (comeet.Problem, bool) {
	c := rw.cand
	if c.PositionUID == "" || c.PartnerCandidateID == "" {
		return comeet.Problem{}, false
	}
	// The first row is named by its line, the row a person sees in Excel
	// (the header counted), as the report's line column does.
	if first, ok := a.seen.add(rw.keyHash, int32(rw.rec.Line)); ok {
		return comeet.Problem{
			Field: "partner_candidate_id",
			Code:  comeet.CodeDuplicateRow,
			Message: fmt.Sprintf("row %d has the same position_uid %q and partner_candidate_id %q",
				first, c.PositionUID, c.PartnerCandidateID),
			Reason: fmt.Sprintf("row %d has the same id for the same position: remove one of the two rows, or give each its own id", first),
		}, true
	}
	return comeet.Problem{}, false
}

// skipKnown finishes the row as skipped when the ledger shows the candidate
// is already in Comeet, from what the recaller looked up with the row's
// batch. A pending entry (a POST that may or may not have reached Comeet)
// and earlier failures are sent again: a 409 then tells that the first one
// had arrived. known is false for a row to send.
func (a *admitter) skipKnown(ctx context.Context, rw *row) (_ decision, known bool) {
	if rw.knownErr != nil {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: reading the ledger: %v", rw.knownErr))
		return decideFail, true
	}
	e := rw.known
	if !e.Found || e.State != ledger.StateDone {
		return decideSend, false
	}
	switch report.Outcome(e.Outcome) {
	case report.Created, report.Conflict, report.Updated:
	default:
		return decideSend, false
	}
	rw.res.CandidateUID = e.CandidateUID
	msg := fmt.Sprintf("already in Comeet as %s (%s on %s)", e.CandidateUID, e.Outcome, e.UpdatedAt.UTC().Format("2006-01-02"))
	// A fingerprint made the way older versions made it cannot be compared:
	// such a row counts as unchanged rather than wrongly as changed.
	// An update in doubt (its answer was lost) may have left Comeet
	// holding values the row no longer has, whatever the fingerprint.
	changed := ledger.FingerprintCurrent(e.RowHash) && e.RowHash != rw.hash
	if changed || e.InDoubt {
		if a.update && e.CandidateUID != "" {
			return a.admitUpdate(ctx, rw)
		}
		if e.InDoubt {
			msg += "; the answer to an update was lost, so Comeet may hold other values than the row: run import with --update to read the candidate back and send what differs"
		} else {
			msg += "; the row changed since it was sent, and Comeet's create call cannot update it: run import with --update to send the change, or change it in Comeet"
		}
		a.changedNotSent++
	}
	rw.finish(report.Skipped, "", msg)
	return decideSkip, true
}

// invalid finishes rw as invalid for its problems: the row's message and
// its cells at fault, in the sheet's words. The admitter and RowChecker
// share it, so the page says what the report says.
func (w wording) invalid(rw *row, problems []problem) {
	rw.problems = problems
	rw.finish(report.Invalid, problems[0].Code, w.message(rw.rec.Fields, problems))
	rw.res.Cells = w.cells(rw.rec.Fields, problems)
}

// cells is the input cells at fault, for an errors workbook, the page and
// the top problems to show: every problem that came from a cell, each with
// its own message in the same words as the row's (the sheet's column, the
// value as typed).
func (w wording) cells(fields []string, problems []problem) []report.CellProblem {
	var cells []report.CellProblem
	for _, p := range problems {
		if p.Column >= 0 {
			cells = append(cells, report.CellProblem{Column: p.Column, Code: p.Code, Message: w.problem(fields, p)})
		}
	}
	return cells
}
