package main

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/report"
)

// TestReportRebuildsTheLastRun imports three rows, then rebuilds the
// report from the ledger over an older file: the three rows, in order,
// with their outcomes, and a line that says what the ledger cannot know.
func TestReportRebuildsTheLastRun(t *testing.T) {
	ledgerPath, _ := importForHistory(t)
	output := filepath.Join(t.TempDir(), "rebuilt.csv")
	if err := os.WriteFile(output, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, err := executeCmd(t, "report", "--ledger", ledgerPath, "--output", output)
	if code != exitOK {
		t.Fatalf("report: exit %d (%v)\n%s", code, err, out)
	}
	for _, want := range []string{"rebuilt 3 rows of in.csv", "2 created, 1 conflict", "not in the ledger"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(output + report.PartialSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial file left behind: %v", err)
	}
	st, err := os.Stat(output)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Errorf("mode %o, want 600", got)
	}
	data, _ := os.ReadFile(output)
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, data)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], report.Header) {
		t.Fatalf("got %d lines, header %v:\n%s", len(recs), recs[0], data)
	}
	for i, want := range [][2]string{{"'+123", "created"}, {"B2", "conflict"}, {"C3", "created"}} {
		r := recs[i+1]
		if r[0] != []string{"1", "2", "3"}[i] || r[2] != want[0] || r[7] != want[1] || r[8] == "" {
			t.Errorf("line %d: %q", i+1, r)
		}
	}
}

// TestReportWithoutLedgerIsAConfigError: a missing ledger is exit 2 and
// leaves no output.
func TestReportWithoutLedgerIsAConfigError(t *testing.T) {
	dir := t.TempDir()
	output := filepath.Join(dir, "rebuilt.csv")
	code, out, _ := executeCmd(t, "report", "--ledger", filepath.Join(dir, "none.db"), "--output", output)
	if code != exitConfig {
		t.Errorf("exit %d, want %d\n%s", code, exitConfig, out)
	}
	if _, err := os.Stat(output); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output left behind: %v", err)
	}
}

// TestExportKeepsThePreviousFileOnFailure: history and report write under
// a partial name, so an export that fails half-way leaves the previous
// file as it was and no partial file.
func TestExportKeepsThePreviousFileOnFailure(t *testing.T) {
	output := filepath.Join(t.TempDir(), "history.csv")
	if err := os.WriteFile(output, []byte("last night's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := writeExport(output, io.Discard, func(w io.Writer) error {
		io.WriteString(w, "half a line")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if data, _ := os.ReadFile(output); string(data) != "last night's\n" {
		t.Errorf("previous file became %q", data)
	}
	if _, err := os.Stat(output + report.PartialSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial file left behind: %v", err)
	}
}
