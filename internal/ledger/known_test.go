package ledger

import (
	"context"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// The known problems are the last run's: a complete run replaces them, an
// unfinished one adds to them; a read-only ledger reads them, and one
// without the table knows none.
func TestKnownProblems(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	k, err := l.KnownProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := KnownProblem{Fingerprint: "f1", ErrorCode: "invalid_email", Key: comeet.Key{PositionUID: "P", PartnerCandidateID: "1"}}
	b := KnownProblem{Fingerprint: "f2", ErrorCode: "required_field"}
	has := func(k *KnownProblems, p KnownProblem) bool {
		t.Helper()
		ok, err := k.Has(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if has(k, a) {
		t.Fatal("a fresh ledger knows a problem")
	}
	if err := k.Remember(ctx, []KnownProblem{a}, true); err != nil {
		t.Fatal(err)
	}
	if err := k.Remember(ctx, []KnownProblem{b}, false); err != nil {
		t.Fatal(err)
	}
	if !has(k, a) || !has(k, b) {
		t.Fatal("an unfinished run forgot a problem")
	}
	if has(k, KnownProblem{Fingerprint: "f1", ErrorCode: "invalid_url"}) {
		t.Error("the same row with another error code is known")
	}
	if err := k.Remember(ctx, []KnownProblem{b}, true); err != nil {
		t.Fatal(err)
	}
	if has(k, a) || !has(k, b) {
		t.Error("a complete run did not replace the last run's problems")
	}
	k.Close()
	l.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rk, err := ro.KnownProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rk.Close()
	if !has(rk, b) {
		t.Error("a read-only ledger does not read the known problems")
	}
	if err := rk.Remember(ctx, nil, true); err == nil {
		t.Error("a read-only ledger remembered problems")
	}
}

func TestKnownProblemsWithoutTheTable(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	l.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	k, err := ro.KnownProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := k.Has(ctx, KnownProblem{Fingerprint: "f", ErrorCode: "c"}); ok || err != nil {
		t.Errorf("got %v, %v; want unknown and no error", ok, err)
	}
}
