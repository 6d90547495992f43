package ledger

import (
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// State says whether the answer to a row's POST is known.
type State string

const (
	// StatePending means a POST may be in flight or may have happened: Begin
	// was recorded and Finish was not. A re-run cannot tell whether Comeet
	// created the candidate, so the answer is ambiguous.
	StatePending State = "pending"
	// StateDone means the answer (or the final failure) was recorded.
	StateDone State = "done"
)

// Entry is what the ledger knows about one key: the last row sent for it,
// what was sent and what Comeet answered.
type Entry struct {
	// Key is (position_uid, partner_candidate_id), the unique key of an entry.
	Key comeet.Key
	// State is set by the ledger: Begin writes StatePending, Finish
	// StateDone. It is ignored on input.
	State State
	// Outcome is the importer's verdict ("created", "conflict", "invalid",
	// "failed"); the ledger stores it as given.
	Outcome string
	// CandidateUID is the uid Comeet gave the candidate (from a 2xx, or from
	// a 409 that names the existing one).
	CandidateUID string
	// HTTPStatus is the status of the last answer; 0 when none came.
	HTTPStatus int
	// ErrorCode and Message describe a failure (Comeet's error code or one
	// of the comeet.Code* constants, and its text). The ledger keeps the
	// code, not the message, which may quote a value: Message reads back
	// empty.
	ErrorCode string
	Message   string
	// Attempts is the number of HTTP attempts of the latest send, as given
	// to Finish (retries included).
	Attempts int
	// TotalAttempts is set by the ledger: the sum of Attempts over every
	// Finish for this key, across runs. It is ignored on input.
	TotalAttempts int
	// Runs is set by the ledger: how many times Begin was recorded for this
	// key, that is how many runs sent (or were about to send) the row. It is
	// ignored on input.
	Runs int
	// RowHash is the fingerprint of the row's content (Ledger.Fingerprint), so a
	// re-run can tell that a row changed after it was sent. The ledger
	// keeps it as opaque bytes; FingerprintCurrent tells whether it was
	// made the way Fingerprint makes it today.
	RowHash string
	// Sent is what was sent, as digests (Ledger.SentOf).
	Sent Sent
	// Response is Comeet's answer to a successful POST; nil when there was
	// none. Its source contact is not kept.
	Response *comeet.Created
	// Doubt is what an update of the candidate may have changed in Comeet
	// without an answer to say so; empty when nothing is in doubt.
	Doubt Doubt
	// FirstSeen and UpdatedAt are set by the ledger's clock (UTC): the first
	// write for the key and the latest one. They are ignored on input.
	FirstSeen time.Time
	UpdatedAt time.Time
	// Row and Line locate the row in the input file where it was last seen
	// (1-based data record and physical line), and Source names that file.
	Row    int
	Line   int
	Source string
}

// Doubt is what may have changed in Comeet without the ledger knowing: a
// request that left and whose answer was lost (a timeout, a reset, a 5xx,
// a 2xx that is not Comeet's answer). It stays recorded until a read-back
// of the candidate settles it, so a re-run neither adds a file twice nor
// trusts the recorded values of fields an update may have changed.
type Doubt struct {
	// Fields are the digests of the values of a PATCH whose answer was
	// lost, by dotted name as in Sent.Fields (Ledger.SentOf).
	Fields map[string]string
	// Files are the files POSTed to the candidate whose answers were lost.
	Files []SentFile
}

// Empty reports whether nothing is in doubt.
func (d Doubt) Empty() bool { return len(d.Fields) == 0 && len(d.Files) == 0 }
