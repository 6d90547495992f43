package source

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestStdinReaderPassesEverything: without an interruption, every byte
// comes through, in order, and then io.EOF.
func TestStdinReaderPassesEverything(t *testing.T) {
	want := strings.Repeat("a,b,c\n", 100_000)
	r := NewStdinReader(context.Background(), strings.NewReader(want))
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != want {
		t.Fatalf("got %d bytes, %v; want %d bytes", len(got), err, len(want))
	}
}

// Issue 9: a read of standard input blocked on an idle pipe (or a
// terminal) ignored SIGTERM; it now ends with the interruption.
func TestStdinReaderEndsABlockedRead(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	r := NewStdinReader(ctx, pr)
	defer r.Close()
	if _, err := pw.WriteString("header\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "header\n" {
		t.Fatalf("first read: %q, %v", buf[:n], err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(buf) // blocks: the writer is idle
		done <- err
	}()
	cancel(errors.New("SIGTERM"))
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "SIGTERM") {
			t.Errorf("got %v, want an interruption naming its cause", err)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		t.Fatal("the read did not end on interruption")
	}
}

// A regular file as standard input is read directly (it cannot block).
func TestStdinReaderReadsARegularFileDirectly(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "in")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := NewStdinReader(context.Background(), f).(*StdinReader); ok {
		t.Error("a regular file went through a goroutine")
	}
}
