package importer

import "context"

// stopWaiter is the shared rate limiter, made to let go of every waiting
// worker at once when the run stops, while requests already sent go on.
type stopWaiter struct {
	lim  interface{ Wait(context.Context) error }
	stop chan struct{}
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

func (w *stopWaiter) halt() {
	if w != nil {
		close(w.stop)
	}
}
