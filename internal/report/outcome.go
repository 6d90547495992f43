package report

// Outcome is what became of one input row.
type Outcome string

// The outcomes of a row. Their spelling is part of the report's contract.
const (
	// Created: Comeet created the candidate; CandidateUID is its uid.
	Created Outcome = "created"
	// Conflict: the candidate already exists in this position (Comeet's 409);
	// CandidateUID is the existing one.
	Conflict Outcome = "conflict"
	// Updated: the candidate was already in Comeet and its changed fields or
	// files were sent to it (import --update); CandidateUID is its uid.
	Updated Outcome = "updated"
	// Skipped: not sent, because the ledger shows it is already in Comeet, or
	// because --limit was reached.
	Skipped Outcome = "skipped"
	// Invalid: our checks or Comeet (a 4xx) said the data is wrong.
	Invalid Outcome = "invalid"
	// Failed: could not be completed (retries exhausted, authentication,
	// interruption); sending it again may succeed.
	Failed Outcome = "failed"
	// Valid: dry run only; the row passed every check and would be sent.
	Valid Outcome = "valid"
	// NotSent: the run stopped (interrupted, credentials refused, an output
	// that could not be written) before the row was sent, or before it was
	// even checked. Nothing is wrong with the row: a re-run sends it.
	NotSent Outcome = "not_sent"
)

// Outcomes lists every outcome in the order the summary prints them.
var Outcomes = []Outcome{Created, Conflict, Updated, Skipped, Valid, Invalid, Failed, NotSent}

// NeedsAttention reports whether a row with this outcome belongs in the
// errors file: it is neither in Comeet nor cleared to be sent.
func (o Outcome) NeedsAttention() bool {
	return o == Invalid || o == Failed
}
