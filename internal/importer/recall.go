package importer

import (
	"context"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
)

// recaller looks up a checked batch in the ledger, so that the admitter
// decides from memory: one query per ledger.LookupBatch keys, reading only
// what the decision needs, on the checkers' goroutines (several batches
// are looked up at once). It then completes the rows' file digests, reusing
// the ledger's when a file's size and modification time did not change,
// and their fingerprints. Without a ledger it does nothing.
//
// A row of the same key sent meanwhile by this run's workers is a duplicate
// inside the file, refused anyway, so looking up ahead of the sends is safe.
type recaller struct {
	ledger  *ledger.Ledger // nil without a ledger
	files   *attach.Files
	checker *checker // locates a file's problem in its input column
}

func (k *recaller) recall(b *batch) {
	if k == nil || k.ledger == nil {
		return
	}
	rows := make([]*row, 0, len(b.rows))
	keys := make([]comeet.Key, 0, len(b.rows))
	for _, rw := range b.rows {
		if rw.cand != nil && !rw.finished() && len(rw.problems) == 0 {
			rows = append(rows, rw)
			keys = append(keys, rw.cand.Key())
		}
	}
	if len(rows) == 0 {
		return
	}
	// The ledger is a local file: an interruption does not cut its reading
	// short, so a row already in Comeet is still reported skipped.
	known, err := k.ledger.Lookup(context.Background(), keys)
	for i, rw := range rows {
		if err != nil {
			rw.knownErr = err
			continue
		}
		rw.known = known[i]
		recorded := func(f *comeet.File) (string, bool) { return recordedDigest(k.ledger, f, known[i].Files) }
		rw.problems = append(rw.problems, k.checker.located(rw.rec.Fields, k.files.Digest(rw.cand, recorded))...)
		rw.hash = k.ledger.Fingerprint(rw.cand)
	}
}

// recordedDigest returns the digest the ledger holds for f when f's path,
// size and modification time are the ones recorded with it.
func recordedDigest(l *ledger.Ledger, f *comeet.File, known []ledger.SentFile) (string, bool) {
	if f.ModTime.IsZero() || len(known) == 0 {
		return "", false
	}
	path := l.FileOf("", f).Path
	for _, k := range known {
		if k.Path == path && k.Size == f.Size && k.ModTime == f.ModTime.UnixNano() && k.SHA256 != "" {
			return k.SHA256, true
		}
	}
	return "", false
}
