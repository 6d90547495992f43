package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the README's first command in-process: the samples go into
// a sandbox, and every row gets the outcome the samples were written for.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runDemo(context.Background(), dir, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if want := "14 rows"; !strings.Contains(out.String(), want) {
		t.Fatalf("got output without %q:\n%s", want, out.String())
	}
	if want := "5 created, 1 conflict, 8 invalid"; !strings.Contains(out.String(), want) {
		t.Fatalf("got output without %q:\n%s", want, out.String())
	}
	if want := "1 updated, 5 skipped, 8 invalid"; !strings.Contains(out.String(), want) {
		t.Fatalf("got output without the update run's %q:\n%s", want, out.String())
	}
	if want := "updated phone"; !strings.Contains(out.String(), want) {
		t.Fatalf("got output without %q:\n%s", want, out.String())
	}
	for _, name := range []string{"candidates.report.csv", "candidates.errors.csv", "comeet-import.ledger.db"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("demo left no %s: %v", name, err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: got mode %v, want 0600", name, st.Mode().Perm())
		}
	}

	// Run again on the same folder: the ledger skips what was sent.
	out.Reset()
	if err := runDemo(context.Background(), dir, &out); err != nil {
		t.Fatalf("second demo: %v", err)
	}
	if want := "6 skipped, 8 invalid"; !strings.Contains(out.String(), want) {
		t.Fatalf("second run: got output without %q:\n%s", want, out.String())
	}
}
