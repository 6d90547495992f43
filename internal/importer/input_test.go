package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// Issue 9: with a FIFO as input, the progress count opened it a second
// time and ate rows (5,000 written, 1,434 reported), or, once the writer
// was done, waited in open(2) for ever. The input is read once.
func TestImportReadsAFIFOOnce(t *testing.T) {
	const rows = 500
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	body := testHeader + "\n" + strings.Join(testRows(rows), "\n") + "\n"
	wrote := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			wrote <- err
			return
		}
		_, err = w.WriteString(body)
		w.Close()
		wrote <- err
	}()
	cfg := testConfig(path, srv)
	dir := t.TempDir()
	cfg.ReportPath, cfg.ErrorsPath = filepath.Join(dir, "report.csv"), filepath.Join(dir, "errors.csv")
	var last Progress
	cfg.Progress = func(p Progress) { last = p }

	type result struct {
		sum report.Summary
		err error
	}
	done := make(chan result, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		sum, err := Run(ctx, cfg)
		done <- result{sum.Summary, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		cancel()
		t.Fatal("the run did not end: the FIFO was opened a second time")
	}
	if res.err != nil {
		t.Fatalf("Run: %v", res.err)
	}
	if err := <-wrote; err != nil {
		t.Fatalf("write the FIFO: %v", err)
	}
	if got := res.sum.Counts[report.Created]; got != rows {
		t.Errorf("got %d created, want %d: rows were read by someone else", got, rows)
	}
	if last.Done != rows || last.Total != 0 {
		t.Errorf("last progress: Done %d, Total %d; want %d, 0 (a FIFO is not counted)", last.Done, last.Total, rows)
	}
}

// Issue 9: an import from standard input whose writer stays idle waited
// in read(2) for ever, deaf to SIGTERM; the interruption now ends it.
func TestImportFromAnIdleStdinEndsOnInterruption(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	// The header and two rows, then nothing: the writer stays open.
	if _, err := pw.WriteString(testHeader + "\n" + strings.Join(testRows(2), "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := testConfig(Stdin, srv)
	cfg.Stdin = pr
	cfg.ReportPath, cfg.ErrorsPath = filepath.Join(dir, "report.csv"), filepath.Join(dir, "errors.csv")
	cfg.FilesDir = dir
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) && !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want an interruption", err)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		t.Fatal("the run did not end: the read of standard input ignored the interruption")
	}
}
