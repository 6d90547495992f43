package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// sameStop is how soon after the first signal another one is taken as part
// of the same stop: GNU timeout signals the process and then its group a
// few milliseconds apart, a supervisor may repeat its TERM; a person who
// presses Ctrl-C again after the stop was told comes later.
const sameStop = time.Second

// catchStop turns SIGINT and SIGTERM into the run's stop, for good: the
// process never dies of them, so the report and the ledger are always
// closed. The first signal cancels the run (stop); signals within sameStop
// of it are the same stop; the next one after that is a person insisting:
// it closes hurry, which abandons the requests still on the wire. Later
// ones change nothing. release stops catching.
func catchStop(stop context.CancelFunc, hurry chan<- struct{}, w io.Writer) (release func()) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		first := time.Now()
		stop()
		for {
			select {
			case <-sigs:
				if time.Since(first) < sameStop {
					continue
				}
				fmt.Fprintln(w, "comeet-import: interrupted again: abandoning the requests still on the wire (a re-run finds out whether they arrived); the report and the ledger are still written")
				close(hurry)
				for {
					select {
					case <-sigs:
					case <-done:
						return
					}
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// hurryKey is the context key of the channel catchStop closes.
type hurryKey struct{}

// withHurry gives the commands the channel a second interrupt closes.
func withHurry(ctx context.Context, hurry <-chan struct{}) context.Context {
	return context.WithValue(ctx, hurryKey{}, hurry)
}

// hurryOf is the channel of withHurry; nil (never closed) without one.
func hurryOf(ctx context.Context) <-chan struct{} {
	h, _ := ctx.Value(hurryKey{}).(<-chan struct{})
	return h
}
