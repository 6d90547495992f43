package source

import (
	"context"
	"io"
	"os"
)

// StdinReader is standard input (or any stream) read so that an
// interruption ends a read that is blocked: on a terminal where no one
// types, or on a pipe whose writer is idle.
//
// Standard input cannot be made non-blocking safely: the flag belongs to
// the open file description, which the shell and the other processes of
// the pipeline share, and a terminal left non-blocking breaks the shell.
// So the stream is read by a goroutine of its own through an io.Pipe, at
// most one buffer ahead of the consumer; once ctx is done, the consumer's
// Read fails at once with the interruption and the goroutine is abandoned:
// it ends at the stream's next byte or end, when its write into the closed
// pipe fails. Nothing read is lost before the interruption; what the
// goroutine reads after it is dropped, as the run stops reading anyway.
type StdinReader struct {
	pr   *io.PipeReader
	stop func() bool
}

// NewStdinReader reads r as StdinReader says. A regular file (standard
// input redirected from a file) cannot block and is finite, so it is read
// directly, to its end, as OpenContext reads one.
func NewStdinReader(ctx context.Context, r io.Reader) io.ReadCloser {
	if f, ok := r.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			return io.NopCloser(f)
		}
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err) // nil: the consumer sees io.EOF
	}()
	s := &StdinReader{pr: pr}
	// Closing the writing end makes the consumer's reads fail with the
	// interruption; the copier's later close of it changes nothing.
	s.stop = context.AfterFunc(ctx, func() { pw.CloseWithError(interruption(ctx)) })
	return s
}

// Read reads what the goroutine read; after an interruption it fails with
// an error that wraps ctx.Err().
func (s *StdinReader) Read(p []byte) (int, error) { return s.pr.Read(p) }

// Close stops reading: the goroutine ends at its next write. It does not
// close the stream beneath.
func (s *StdinReader) Close() error {
	s.stop()
	return s.pr.Close()
}
