package importer

import (
	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/report"
	"github.com/comeet-import/comeet-import/source"
)

// row is one input record on its way through the stages. The producer
// fills in what can be known without the network; a worker completes the
// rows that are sent and closes done.
type row struct {
	rec  source.Record
	cand *comeet.Candidate
	res  report.Result
	hash string // the ledger's fingerprint of what would be sent
	// known is what the ledger holds for the row's key, looked up with its
	// batch (recall); knownErr is why it could not be.
	known    ledger.Known
	knownErr error
	// keyHash is the hash of the candidate's key, for the duplicate check.
	keyHash uint64
	// problems are what check found, for admit to report.
	problems []comeet.Problem
	// done is nil for a row finished by the producer, and is closed by the
	// worker that sends it otherwise.
	done chan struct{}
}

// init makes rw the fresh row of rec.
func (rw *row) init(rec source.Record) {
	*rw = row{rec: rec, res: report.Result{Row: rec.Row, Line: rec.Line}}
}

// finish sets the row's outcome; message explains it to a person.
func (rw *row) finish(o report.Outcome, code, message string) {
	rw.res.Outcome, rw.res.ErrorCode, rw.res.Message = o, code, message
}

// describe copies the identifying fields of the candidate into the result.
func (rw *row) describe() {
	c := rw.cand
	rw.res.PartnerCandidateID = c.PartnerCandidateID
	rw.res.PositionUID = c.PositionUID
	rw.res.FirstName = c.FirstName
	rw.res.LastName = c.LastName
	rw.res.Email = c.Email
}
