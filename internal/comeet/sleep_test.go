package comeet

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The real wait between attempts ends as soon as its context does, however
// long it was asked to be: a cancelled context never waits for the timer.
func TestSleepContextEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("got %v for a zero wait, want nil", err)
	}
}

// The real attempt timer fires after its duration, and stop releases it.
func TestRealTimer(t *testing.T) {
	expired, stop := realTimer(time.Nanosecond)
	<-expired // returns: the timer fired
	stop()
	expired, stop = realTimer(time.Hour)
	stop()
	select {
	case <-expired:
		t.Error("a stopped timer fired")
	default:
	}
}
