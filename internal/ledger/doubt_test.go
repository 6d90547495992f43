package ledger

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// TestStepRecordsDoubtUntilSettled: a Step before an update's requests
// puts its doubt on disk, where Get and Lookup see it; a Step after an answer records the file in the entry and
// takes it out of the doubt; Finish with an empty doubt settles it, and a
// Begin (a create sent again) clears it.
func TestStepRecordsDoubtUntilSettled(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	e := fullEntry()
	e.Key = key(1)
	if err := l.Begin(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, e); err != nil {
		t.Fatal(err)
	}
	added := SentFile{Slot: "files[1]", Name: "b.pdf", Size: 7, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	doubt := Doubt{Fields: map[string]string{"phone": "+1 555 0199", "custom_fields.level": "senior"}, Files: []SentFile{added}}
	step := Entry{Key: e.Key, Sent: e.Sent, Doubt: doubt}
	if err := l.Step(ctx, step); err != nil {
		t.Fatalf("Step: %v", err)
	}
	got := mustGet(t, l, e.Key)
	if !reflect.DeepEqual(got.Doubt, doubt) {
		t.Fatalf("doubt after Step: got %+v, want %+v", got.Doubt, doubt)
	}
	if got.Outcome != e.Outcome || got.RowHash != e.RowHash || got.CandidateUID != e.CandidateUID {
		t.Errorf("Step changed the answer: got %q %q %q", got.Outcome, got.RowHash, got.CandidateUID)
	}
	wantInDoubt(t, l, e.Key, true)

	// The file's answer came: recorded in the entry, out of the doubt.
	step.Sent.Files = append(step.Sent.Files, added)
	step.Doubt.Files = nil
	if err := l.Step(ctx, step); err != nil {
		t.Fatalf("Step after the answer: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got = mustGet(t, l, e.Key)
	if !reflect.DeepEqual(got.Sent.Files, step.Sent.Files) || got.Doubt.Files != nil || len(got.Doubt.Fields) != 2 {
		t.Fatalf("after the second Step and Close: files %+v, doubt %+v; want the file recorded and only the fields in doubt", got.Sent.Files, got.Doubt)
	}
	wantInDoubt(t, l, e.Key, true)

	got.Doubt = Doubt{}
	if err := l.Finish(ctx, got); err != nil {
		t.Fatal(err)
	}
	if d := mustGet(t, l, e.Key).Doubt; !d.Empty() {
		t.Errorf("doubt after Finish with none: %+v", d)
	}
	wantInDoubt(t, l, e.Key, false)

	if err := l.Step(ctx, Entry{Key: e.Key, Sent: e.Sent, Doubt: doubt}); err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, e); err != nil {
		t.Fatal(err)
	}
	if d := mustGet(t, l, e.Key).Doubt; !d.Empty() {
		t.Errorf("doubt after Begin: %+v, want none", d)
	}
}

// TestStepNeedsAnEntry: a step of an update names a candidate the ledger
// holds; one for an unknown key is refused, not recorded as a new entry.
func TestStepNeedsAnEntry(t *testing.T) {
	l, _ := openTemp(t)
	err := l.Step(context.Background(), Entry{Key: key(9), Doubt: Doubt{Fields: map[string]string{"phone": "1"}}})
	if !errors.Is(err, ErrWrite) {
		t.Fatalf("Step of an unknown key: %v, want ErrWrite", err)
	}
}

func wantInDoubt(t *testing.T, l *Ledger, k comeet.Key, want bool) {
	t.Helper()
	kn, err := l.Lookup(context.Background(), []comeet.Key{k})
	if err != nil {
		t.Fatal(err)
	}
	if !kn[0].Found || kn[0].InDoubt != want {
		t.Errorf("Lookup: found %v, in doubt %v; want in doubt %v", kn[0].Found, kn[0].InDoubt, want)
	}
}
