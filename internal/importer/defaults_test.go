package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

func TestDefaultPaths(t *testing.T) {
	tests := []struct {
		name                   string
		cfg                    Config
		wantReport, wantErrors string
		wantLedger             string
	}{
		{"beside the input", Config{Input: "export/cands.xlsx"},
			"export/cands.report.csv", "export/cands.errors.xlsx", "export/" + DefaultLedgerName},
		{"beside the report", Config{Input: "export/cands.csv", ReportPath: "out/night.csv"},
			"out/night.csv", "out/cands.errors.csv", "out/" + DefaultLedgerName},
		{"standard input", Config{Input: Stdin, ReportPath: "out/r.csv"},
			"out/r.csv", "out/stdin.errors.csv", "out/" + DefaultLedgerName},
		{"given", Config{Input: "a.csv", ReportPath: "out/r.csv", ErrorsPath: "fix/e.csv", LedgerPath: "l.db"},
			"out/r.csv", "fix/e.csv", "l.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cfg.WithDefaults()
			if c.ReportPath != tt.wantReport || c.ErrorsPath != tt.wantErrors || c.LedgerPath != tt.wantLedger {
				t.Errorf("got %s %s %s, want %s %s %s", c.ReportPath, c.ErrorsPath, c.LedgerPath, tt.wantReport, tt.wantErrors, tt.wantLedger)
			}
		})
	}
}

// A run whose --report points elsewhere writes nothing beside the input,
// and a clean run leaves no errors file (not even last night's).
func TestCleanRunLeavesNoErrorsFile(t *testing.T) {
	in := t.TempDir()
	out := t.TempDir()
	input := writeFile(t, filepath.Join(in, "cands.csv"),
		"position_uid,partner_candidate_id,first_name,last_name,email\n11.11,C1,Dana,Levi,dana@example.com\n")
	cfg := Config{Input: input, ReportPath: filepath.Join(out, "r.csv"), DryRun: true, Concurrency: 1}
	stale := writeFile(t, filepath.Join(out, "cands.errors.csv"), "last night's\n")
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the errors file of a clean run is still there: %v", err)
	}
	if res.Paths.Errors != "" {
		t.Errorf("got errors path %q in the result, want none", res.Paths.Errors)
	}
	entries, _ := os.ReadDir(in)
	if len(entries) != 1 {
		t.Errorf("the input's folder holds %d files, want the input alone", len(entries))
	}
}

// --fail-on new: an invalid row the last run had is known; the same row
// changed, or failing another way, is new. A dry run reads what import
// remembered and remembers nothing itself.
func TestKnownProblemsAcrossRuns(t *testing.T) {
	srv := newTestServer(t, comeettest.Options{})
	dir := t.TempDir()
	const header = "position_uid,partner_candidate_id,first_name,last_name,email\n"
	good := "11.11,C1,Dana,Levi,dana@example.com\n"
	bad := "11.11,C2,Avi,Cohen,avi-at-example\n"
	input := filepath.Join(dir, "in.csv")
	run := func(data string, dry bool) Result {
		t.Helper()
		writeFile(t, input, data)
		cfg := importConfig(dryConfig(t, input), srv)
		cfg.NoLedger = false
		cfg.LedgerPath = filepath.Join(dir, "l.db")
		cfg.DryRun = dry
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	steps := []struct {
		name    string
		data    string
		dry     bool
		invalid int
		newOnes int
	}{
		{"first run: every problem is new", header + good + bad, false, 1, 1},
		{"same file: known", header + good + bad, false, 1, 0},
		{"validate reads the memory", header + bad, true, 1, 0},
		{"a row changed: new", header + good + "11.11,C2,Avi,Cohen,avi@@example\n", false, 1, 1},
		{"another row with a problem: new", header + "11.11,C3,,Cohen,c3@example.com\n" + "11.11,C2,Avi,Cohen,avi@@example\n", false, 2, 1},
	}
	for _, s := range steps {
		res := run(s.data, s.dry)
		if res.Counts[report.Invalid] != s.invalid || res.NewInvalid != s.newOnes {
			t.Errorf("%s: got %d invalid, %d new; want %d, %d", s.name, res.Counts[report.Invalid], res.NewInvalid, s.invalid, s.newOnes)
		}
	}
}
