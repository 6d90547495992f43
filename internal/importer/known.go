package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// problemMemory tells the invalid rows whose problem is new since the last
// run from those the ledger remembers (ledger.KnownProblems), and collects this
// run's for the ledger to remember. A row's problem is the fingerprint of
// its cells as read and its error code: the same row, unchanged, failing
// the same way. Failed rows (the network, Comeet's errors, refused
// credentials) are never known: each run's failures are new. It is used by
// the pool's writer only.
type problemMemory struct {
	known *ledger.KnownProblems // nil without a ledger: every problem is new
	// collect is set when the run is to remember its problems (not on a
	// dry run, whose ledger is read-only).
	collect bool
	seen    []ledger.KnownProblem
	// newInvalid counts the invalid rows whose problem is new.
	newInvalid int
	err        error // the first error reading the ledger
}

// maxRemembered bounds the problems one run remembers (some 100 bytes
// each): past it, a file of mostly invalid rows is not worth remembering,
// and the rows left out count as new on the next run, which is the safe
// side.
const maxRemembered = 100_000

// note counts rw's problem and reports whether the last run knew it.
func (m *problemMemory) note(rw *row) (known bool) {
	if rw.outcome() != report.Invalid {
		return false
	}
	p := ledger.KnownProblem{Fingerprint: cellsPrint(rw), ErrorCode: rw.res.ErrorCode}
	if rw.cand != nil {
		p.Key = comeet.Key{PositionUID: rw.cand.PositionUID, PartnerCandidateID: rw.cand.PartnerCandidateID}
	}
	if m.collect && len(m.seen) < maxRemembered {
		m.seen = append(m.seen, p)
	}
	if m.known != nil && m.err == nil {
		// A local file: an interruption does not cut its reading short.
		known, m.err = m.known.Has(context.Background(), p)
	}
	if !known {
		m.newInvalid++
	}
	return known
}

// remember has the ledger keep this run's problems: in place of the last
// run's when the whole input was read, added to them otherwise.
func (m *problemMemory) remember(ctx context.Context, complete bool) error {
	if m.known == nil || !m.collect {
		return nil
	}
	return m.known.Remember(context.WithoutCancel(ctx), m.seen, complete)
}

// cellsPrint is the fingerprint of the row's cells as read (the row number
// for a record that could not be read into cells).
func cellsPrint(rw *row) string {
	h := sha256.New()
	if rw.rec.Fields == nil {
		h.Write([]byte("row " + strconv.Itoa(rw.rec.Row)))
	}
	for _, f := range rw.rec.Fields {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
