package ledger

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// TestRecallAnswersAsSQLite: after Recall, Lookup gives for every kind of
// entry the answer SQLite gives: missing, pending, done, with files (read
// from SQLite), with texts too long for the index, repeated and incomplete
// keys, outcomes of every kind, old fingerprints.
func TestRecallAnswersAsSQLite(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	const n = 300
	var keys []comeet.Key
	outcomes := []string{"created", "conflict", "invalid", "failed", "updated", ""}
	for i := range n {
		keys = append(keys, key(i))
		if i%5 == 0 {
			continue // not in the ledger
		}
		e := Entry{Key: key(i), RowHash: Fingerprint(&comeet.Candidate{FirstName: strconv.Itoa(i)}), Row: i, Line: i + 1, Source: "a.csv"}
		switch {
		case i%7 == 0:
			e.Sent.Files = []SentFile{{Slot: "resume", Name: "cv.pdf", Path: "cv.pdf", Size: int64(i), ModTime: 7, SHA256: sha(i)}}
		case i%11 == 0:
			e.RowHash = "old-style " + strings.Repeat("x", 300) // too long for the index
		}
		if err := l.Begin(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i%5 == 1 {
			continue // pending
		}
		e.Outcome, e.CandidateUID = outcomes[i%len(outcomes)], "00."+strconv.Itoa(i)
		if i%13 == 0 {
			e.CandidateUID = strings.Repeat("u", 256)
		}
		if err := l.FinishLater(e); err != nil {
			t.Fatal(err)
		}
	}
	keys = append(keys, key(2), key(7), comeet.Key{}, comeet.Key{PositionUID: "11.11"})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	plain, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	recall, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer recall.Close()
	recall.Recall(ctx)
	<-recall.mem.Load().ready // until then, SQLite answers
	want, err := plain.Lookup(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	got, err := recall.Lookup(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	m := recall.mem.Load()
	if m == nil || m.tooLarge || len(m.recs) != n-n/5 {
		t.Fatalf("the index holds %d entries, want %d", len(m.recs), n-n/5)
	}
	found := 0
	for i := range keys {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("key %v: after Recall got %+v, SQLite says %+v", keys[i], got[i], want[i])
		}
		if got[i].Found {
			found++
		}
	}
	if found != n-n/5+2 {
		t.Errorf("found %d keys, want %d", found, n-n/5+2)
	}
}

// TestRecallSnapshotAndClose: the index is the ledger as Recall found it,
// and a Close right after Recall neither hangs nor fails. A Lookup while
// the index is still being read is answered by SQLite.
func TestRecallSnapshotAndClose(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	if err := l.Finish(ctx, Entry{Key: key(1), Outcome: "created", CandidateUID: "00.1"}); err != nil {
		t.Fatal(err)
	}
	l.Recall(ctx)
	l.Recall(ctx) // again: nothing
	<-l.mem.Load().ready
	if err := l.Finish(ctx, Entry{Key: key(2), Outcome: "created", CandidateUID: "00.2"}); err != nil {
		t.Fatal(err)
	}
	known, err := l.Lookup(ctx, []comeet.Key{key(1), key(2)})
	if err != nil {
		t.Fatal(err)
	}
	if !known[0].Found || known[0].CandidateUID != "00.1" || known[1].Found {
		t.Errorf("got %+v, want key 1 found and key 2 (written after Recall) not", known)
	}

	l2, _ := openTemp(t)
	if err := l2.Finish(ctx, Entry{Key: key(1), Outcome: "created", CandidateUID: "00.1"}); err != nil {
		t.Fatal(err)
	}
	l2.Recall(ctx)
	known, err = l2.Lookup(ctx, []comeet.Key{key(1)}) // from SQLite or the index
	if err != nil || !known[0].Found || known[0].CandidateUID != "00.1" {
		t.Errorf("Lookup right after Recall: got %+v, %v", known, err)
	}
	if err := l2.Close(); err != nil {
		t.Errorf("Close right after Recall: %v", err)
	}
}

// TestRecallTooLarge: a ledger over the limit is not held in memory, and
// Lookup asks SQLite, with the same answers.
func TestRecallTooLarge(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	for i := range 3 {
		if err := l.Finish(ctx, Entry{Key: key(i), Outcome: "created", CandidateUID: "00." + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	l.recallMax = 2
	l.Recall(ctx)
	<-l.mem.Load().ready
	known, err := l.Lookup(ctx, []comeet.Key{key(0), key(2), key(3)})
	if err != nil {
		t.Fatal(err)
	}
	if m := l.mem.Load(); !m.tooLarge || m.recs != nil {
		t.Errorf("a ledger over the limit was held in memory (%d entries)", len(m.recs))
	}
	if !known[0].Found || known[1].CandidateUID != "00.2" || known[2].Found {
		t.Errorf("got %+v, want keys 0 and 2 found, 3 not", known)
	}
}
