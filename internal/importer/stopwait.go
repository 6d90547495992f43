package importer

import (
	"context"
	"time"
)

// stopWaiter is the shared rate limiter, made to let go of every waiting
// worker at once when the run stops, while requests already sent go on.
type stopWaiter struct {
	lim  interface{ Wait(context.Context) error }
	stop <-chan struct{}
}

// Wait waits for the limiter, or until ctx ends or the run stops.
func (w *stopWaiter) Wait(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	select {
	case <-w.stop:
		return context.Canceled
	default:
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-w.stop:
			cancel(context.Canceled)
		case <-done:
		}
	}()
	return w.lim.Wait(ctx)
}

// stopSleep is the client's wait between attempts (a backoff, a
// Retry-After of minutes): it ends at once when the run stops, since a
// request not yet sent again is not one the grace period is for.
func stopSleep(stop <-chan struct{}) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			return context.Canceled
		case <-t.C:
			return nil
		}
	}
}
