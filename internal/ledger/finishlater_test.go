package ledger

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// TestFinishLaterFlushedOnClose: answers queued without waiting are all on
// disk once Close returns, each entry as Finish would have left it, with
// what Begin recorded of the row kept.
func TestFinishLaterFlushedOnClose(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	const n = 3 * maxGroup // more than the writer's queue holds
	in := fullEntry()
	for i := range n {
		e := in
		e.Key = key(i)
		if err := l.Begin(ctx, e); err != nil {
			t.Fatalf("Begin %d: %v", i, err)
		}
		if err := l.FinishLater(e); err != nil {
			t.Fatalf("FinishLater %d: %v", i, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	for i := range n {
		got := mustGet(t, ro, key(i))
		want := in
		want.Key, want.State, want.TotalAttempts, want.Runs = key(i), StateDone, in.Attempts, 1
		want.FirstSeen, want.UpdatedAt = got.FirstSeen, got.UpdatedAt
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("entry %d after Close:\n got %+v\nwant %+v", i, got, want)
		}
		if !got.UpdatedAt.After(got.FirstSeen) {
			t.Errorf("entry %d: updated_at %v not after first_seen %v: the answer's time was not recorded", i, got.UpdatedAt, got.FirstSeen)
		}
	}
}

// TestFinishLaterFailureSurfaces: an answer that SQLite refuses to record
// is not lost in silence: the next writes and Close fail with ErrWrite and
// name the entry.
func TestFinishLaterFailureSurfaces(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	if _, err := l.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE UPDATE ON entries
		WHEN NEW.outcome = 'refused' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatalf("create trigger: %v", err)
	}
	bad := Entry{Key: key(1), Outcome: "refused"}
	if err := l.Begin(ctx, bad); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := l.FinishLater(bad); err != nil {
		t.Fatalf("FinishLater: got %v, want nil (the failure comes later)", err)
	}
	// The writer commits in order: this Begin is committed with or after
	// the refused answer, so the next write sees the failure.
	_ = l.Begin(ctx, Entry{Key: key(2)})
	for name, write := range map[string]func() error{
		"Begin":       func() error { return l.Begin(ctx, Entry{Key: key(3)}) },
		"Finish":      func() error { return l.Finish(ctx, Entry{Key: key(4), Outcome: "created"}) },
		"FinishLater": func() error { return l.FinishLater(Entry{Key: key(5), Outcome: "created"}) },
	} {
		err := write()
		if !errors.Is(err, ErrWrite) || !strings.Contains(err.Error(), "P0001") || !strings.Contains(err.Error(), "refused by the test") {
			t.Errorf("%s after a failed FinishLater: got %v, want ErrWrite naming P0001", name, err)
		}
	}
	err := l.Close()
	if !errors.Is(err, ErrWrite) || !strings.Contains(err.Error(), "P0001") {
		t.Errorf("Close: got %v, want ErrWrite naming P0001", err)
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	if got := mustGet(t, ro, key(1)); got.State != StatePending {
		t.Errorf("the refused answer's entry: got state %q, want pending", got.State)
	}
	if _, ok, err := ro.Get(ctx, key(3)); ok || err != nil {
		t.Errorf("a Begin after the failure: got recorded %v (err %v), want not recorded", ok, err)
	}
}

// TestFinishLaterRejectsBadInput mirrors Finish's checks.
func TestFinishLaterRejectsBadInput(t *testing.T) {
	l, path := openTemp(t)
	if err := l.FinishLater(Entry{Key: comeet.Key{PositionUID: "11.11"}}); err == nil || !strings.Contains(err.Error(), "incomplete key") {
		t.Errorf("FinishLater with an incomplete key: got %v", err)
	}
	l.Close()
	ro, err := OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	if err := ro.FinishLater(Entry{Key: key(1)}); !errors.Is(err, errReadOnly) {
		t.Errorf("FinishLater on a read-only ledger: got %v, want %v", err, errReadOnly)
	}
}
