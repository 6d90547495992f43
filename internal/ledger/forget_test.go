package ledger

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// TestForget erases one candidate in each way, or the entries before a
// date, says what it erased, and leaves no byte of the erased keys and
// uids in the file or its WAL; the rest stays.
func TestForget(t *testing.T) {
	ctx := context.Background()
	k := func(pos, id string) comeet.Key { return comeet.Key{PositionUID: pos, PartnerCandidateID: id} }
	tests := []struct {
		name  string
		who   Who
		gone  []comeet.Key
		bytes []string // what must be gone from the file
	}{
		{"by partner id", Who{PartnerCandidateID: "PARTNER-ALICE"},
			[]comeet.Key{k("11.11", "PARTNER-ALICE"), k("22.22", "PARTNER-ALICE")}, []string{"PARTNER-ALICE", "UID-ALICE-1", "UID-ALICE-2"}},
		{"by position and id", Who{PositionUID: "22.22", PartnerCandidateID: "PARTNER-ALICE"},
			[]comeet.Key{k("22.22", "PARTNER-ALICE")}, []string{"UID-ALICE-2"}},
		{"by candidate uid", Who{CandidateUID: "UID-BOB"}, []comeet.Key{k("11.11", "PARTNER-BOB")}, []string{"PARTNER-BOB", "UID-BOB"}},
		{"before a date", Who{Before: t0.Add(90 * time.Second)},
			[]comeet.Key{k("11.11", "PARTNER-ALICE"), k("22.22", "PARTNER-ALICE")}, []string{"UID-ALICE-1", "UID-ALICE-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, path := openTemp(t)
			l.now = stepClock(t0, time.Minute)
			for _, e := range []Entry{
				{Key: k("11.11", "PARTNER-ALICE"), Outcome: "created", CandidateUID: "UID-ALICE-1"},
				{Key: k("22.22", "PARTNER-ALICE"), Outcome: "created", CandidateUID: "UID-ALICE-2"},
				{Key: k("11.11", "PARTNER-BOB"), Outcome: "created", CandidateUID: "UID-BOB"},
				{Key: k("11.11", "PARTNER-CAROL"), Outcome: "created", CandidateUID: "UID-CAROL"},
			} {
				if err := l.Finish(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			kp, err := l.KnownProblems(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer kp.Close()
			if err := kp.Remember(ctx, []KnownProblem{{Fingerprint: "f", ErrorCode: "c", Key: k("11.11", "PARTNER-BOB")}}, true); err != nil {
				t.Fatal(err)
			}
			for _, v := range tt.bytes {
				if !inFile(t, path, v) {
					t.Fatalf("%q is not in the ledger before Forget: the test would prove nothing", v)
				}
			}
			gone, err := l.Forget(ctx, tt.who)
			if err != nil {
				t.Fatalf("Forget: %v", err)
			}
			var got []comeet.Key
			for _, g := range gone {
				got = append(got, g.Key)
			}
			if !sameKeys(got, tt.gone) {
				t.Errorf("erased %v, want %v", got, tt.gone)
			}
			for _, want := range tt.gone {
				if _, ok, _ := l.Get(ctx, want); ok {
					t.Errorf("%v is still in the ledger", want)
				}
			}
			if _, ok, _ := l.Get(ctx, k("11.11", "PARTNER-CAROL")); !ok {
				t.Error("an entry not named was erased")
			}
			noValues(t, path, tt.bytes)
			if ok, _ := kp.Has(ctx, KnownProblem{Fingerprint: "f", ErrorCode: "c"}); ok == (tt.who.CandidateUID == "UID-BOB") {
				t.Errorf("known problem of PARTNER-BOB kept: %v", ok)
			}
		})
	}
}

func sameKeys(a, b []comeet.Key) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[comeet.Key]bool{}
	for _, k := range a {
		seen[k] = true
	}
	for _, k := range b {
		if !seen[k] {
			return false
		}
	}
	return true
}

func TestForgetNeedsOneWay(t *testing.T) {
	l, _ := openTemp(t)
	for _, who := range []Who{{}, {PositionUID: "11.11"}, {PartnerCandidateID: "A", CandidateUID: "U"}, {CandidateUID: "U", Before: t0}} {
		if _, err := l.Forget(context.Background(), who); err == nil || !strings.Contains(err.Error(), "name one candidate") {
			t.Errorf("%+v: got %v, want a refusal", who, err)
		}
	}
}
