package comeet_test

import (
	"context"
	"errors"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

func TestBeforeSendRunsOnceAfterTheLimiter(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError}) // one retry
	type seen struct{ waits, requests int64 }
	var calls []seen
	hook := comeet.BeforeSend(func(ctx context.Context) error {
		calls = append(calls, seen{h.waiter.n.Load(), int64(len(h.srv.Requests()))})
		return nil
	})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t), hook)
	if err != nil {
		t.Fatalf("CreateCandidate: %v", err)
	}
	if reply.Attempts != 2 {
		t.Errorf("attempts: got %d, want 2", reply.Attempts)
	}
	if want := []seen{{waits: 1, requests: 0}}; len(calls) != 1 || calls[0] != want[0] {
		t.Errorf("hook calls (limiter waits, requests so far): got %v, want %v", calls, want)
	}
}

func TestBeforeSendFailureSendsNothing(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	full := errors.New("disk full")
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t),
		comeet.BeforeSend(func(context.Context) error { return full }))
	if !errors.Is(err, full) {
		t.Errorf("got %v, want an error wrapping the hook's", err)
	}
	if reply.Attempts != 0 || len(h.srv.Requests()) != 0 {
		t.Errorf("got %d attempts, %d requests; want none", reply.Attempts, len(h.srv.Requests()))
	}
}

// BeforeRetry runs before a resend that follows an attempt that may have
// arrived (a 5xx), not one that was surely refused (a 429); its error ends
// the retries and is returned.
func TestBeforeRetry(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultThrottle}, comeettest.Fault{Kind: comeettest.FaultServerError})
	calls := 0
	found := errors.New("found")
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t),
		comeet.BeforeRetry(func(context.Context) error { calls++; return found }))
	if !errors.Is(err, found) {
		t.Errorf("got %v, want an error wrapping the hook's", err)
	}
	if calls != 1 || reply.Attempts != 2 || len(h.srv.Requests()) != 2 {
		t.Errorf("got %d calls, %d attempts, %d requests; want 1 call after the 503, and no third attempt", calls, reply.Attempts, len(h.srv.Requests()))
	}
}
