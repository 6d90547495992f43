package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// input is an opened input file that an interruption can close: a read
// blocked on a pipe, a FIFO or a device, or one that never ends (such as
// /dev/zero), then returns at once.
type input struct {
	f       *os.File
	regular bool
	stop    func() bool // stops the interruption watch

	mu    sync.Mutex
	cause error // why the input was closed under the reader, if it was
}

// openInput opens the file at path for reading. A FIFO is opened without
// blocking the caller past ctx: open(2) of a FIFO waits for a writer.
// Once ctx is done, an input that is not a regular file is closed, so that
// reading it ends; a regular file is finite and is left to be read to its
// end, so that every record can still be accounted for.
func openInput(ctx context.Context, path string) (*input, error) {
	if info, err := os.Stat(path); err == nil && info.Mode()&os.ModeNamedPipe != 0 {
		// Not O_NONBLOCK: a FIFO opened so reads as empty until a writer
		// comes, and a writer that came while it was open would find no
		// reader once it is closed again.
		f, err := openFIFO(ctx, path)
		if err != nil {
			return nil, err
		}
		return watch(ctx, f, false), nil
	}
	// O_NONBLOCK keeps open(2) from waiting, should the file have become a
	// FIFO since.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open input: %w", err)
	}
	if info.Mode()&os.ModeNamedPipe != 0 {
		f.Close()
		return nil, errors.New("open input: the file was replaced by a FIFO while being opened")
	}
	return watch(ctx, f, info.Mode().IsRegular()), nil
}

// watch closes f once ctx is done, unless it is a regular file.
func watch(ctx context.Context, f *os.File, regular bool) *input {
	in := &input{f: f, regular: regular}
	in.stop = func() bool { return false }
	if !regular {
		in.stop = context.AfterFunc(ctx, func() { in.interrupt(interruption(ctx)) })
	}
	return in
}

// openFIFO opens a FIFO for reading, which waits for a writer. When ctx
// is done first, it opens the FIFO for writing itself, which lets the
// waiting open return, and gives up.
func openFIFO(ctx context.Context, path string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return nil, fmt.Errorf("open input: %w", o.err)
		}
		return o.f, nil
	case <-ctx.Done():
	}
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
	// The waiting open closes what it gets, whenever it returns.
	go func() {
		if o := <-done; o.f != nil {
			o.f.Close()
		}
	}()
	return nil, fmt.Errorf("open input: waiting for a writer to the FIFO: %w", interruption(ctx))
}

// interruption is the error of a read that ctx ended: it wraps ctx.Err()
// (context.Canceled) and says the cause, such as the signal received.
func interruption(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		return fmt.Errorf("interrupted (%v): %w", cause, ctx.Err())
	}
	return fmt.Errorf("interrupted: %w", ctx.Err())
}

// interrupt closes the file under a reader that may be blocked in Read.
func (in *input) interrupt(cause error) {
	in.mu.Lock()
	in.cause = cause
	in.mu.Unlock()
	in.f.Close()
}

// Read reads from the file; after an interruption it fails with an error
// that wraps the interruption's cause.
func (in *input) Read(p []byte) (int, error) {
	n, err := in.f.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		if cause := in.interrupted(); cause != nil {
			return n, fmt.Errorf("input closed: %w", cause)
		}
	}
	return n, err
}

func (in *input) interrupted() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cause
}

// Close stops watching for an interruption and closes the file.
func (in *input) Close() error {
	in.stop()
	err := in.f.Close()
	if errors.Is(err, os.ErrClosed) && in.interrupted() != nil {
		return nil
	}
	return err
}
