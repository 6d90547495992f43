package importer

import (
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// row is one input record on its way through the stages, and all they learn
// about it: the checker fills in the candidate and its problems, the
// admitter what would be sent and its decision, the sender Comeet's answer.
// The outcome, once set, is final.
type row struct {
	rec  source.Record
	cand *comeet.Candidate
	res  report.Result
	// problems are what the checker found, each with its input column, for
	// the admitter to report (and an errors workbook to highlight).
	problems []problem
	// sent is what goes on the wire as the ledger records it, computed once
	// by the sender when there is a ledger.
	sent ledger.Sent
	// known is what the ledger holds for the row's key, looked up with its
	// batch (recaller); knownErr is why it could not be; hash is the
	// fingerprint of what would be sent (ledger.Fingerprint).
	known    ledger.Known
	knownErr error
	hash     string
	// plan is set by the admitter for a changed row already in Comeet that
	// import updates: the worker sends it rather than creating the row.
	plan *updatePlan
	// positionUnchecked is set for a dry run's row that names its position
	// by name without the positions listed: valid only if the account
	// has it.
	positionUnchecked bool
	// keyHash is the hash of the candidate's key, for the duplicate check.
	keyHash uint64
	// warnings are what the row's outcome message says when it has none
	// of its own: a doubt that does not make the row invalid.
	warnings []string
	// done is nil for a row finished by the producer, and is closed by the
	// worker that sends it otherwise.
	done chan struct{}
}

// problem is a comeet.Problem with the input column its field came from:
// Column is the index of the cell in the record, -1 when no cell fed the
// field (a default, or a problem of the whole row).
type problem struct {
	comeet.Problem
	Column int
}

// init makes rw the fresh row of rec.
func (rw *row) init(rec source.Record) {
	*rw = row{rec: rec, res: report.Result{Row: rec.Row, Line: rec.Line}}
}

// finish sets the row's outcome; message explains it to a person.
func (rw *row) finish(o report.Outcome, code, message string) {
	if message == "" && len(rw.warnings) > 0 {
		message = "warning: " + strings.Join(rw.warnings, "; ")
	}
	rw.res.Outcome, rw.res.ErrorCode, rw.res.Message = o, code, message
}

// finished reports whether the row has its outcome.
func (rw *row) finished() bool { return rw.res.Outcome != "" }

// outcome is the row's outcome; empty while it is still on its way.
func (rw *row) outcome() report.Outcome { return rw.res.Outcome }

// describe copies the identifying fields of the candidate into the result.
func (rw *row) describe() {
	c := rw.cand
	rw.res.PartnerCandidateID = c.PartnerCandidateID
	rw.res.PositionUID = c.PositionUID
	rw.res.FirstName = c.FirstName
	rw.res.LastName = c.LastName
	rw.res.Email = c.Email
}
