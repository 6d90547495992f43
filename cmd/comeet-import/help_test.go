package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestHelpTexts checks the help of the commands a newcomer reads first
// against testdata/help-<command>.golden; -update rewrites them.
func TestHelpTexts(t *testing.T) {
	for _, name := range []string{"import", "validate", "mapping"} {
		t.Run(name, func(t *testing.T) {
			stdout, _, code := execute(t, name, "--help")
			if code != exitOK {
				t.Fatalf("got exit %d", code)
			}
			golden := filepath.Join("testdata", "help-"+name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(want) {
				t.Errorf("help of %s differs from %s (run with -update after review):\n%s", name, golden, stdout)
			}
		})
	}
}

// What each help must and must not say, beside the golden files.
func TestHelpSaysWhatApplies(t *testing.T) {
	// validate's requests (--check-positions) are paced as import's; it
	// has no workers, and its old --online is hidden.
	pacing := []string{"--rate ", "--max-attempts", "--timeout", "--rate-margin", "--check-positions"}
	tests := []struct {
		cmd          string
		want, absent []string
	}{
		{cmd: "validate", absent: []string{"--concurrency", "--online"}, want: append(pacing, "--fail-on", "--max-invalid")},
		{cmd: "import", want: append(pacing, "--concurrency", "--fail-on", "--max-invalid", "100/min")},
		{cmd: "mapping", absent: []string{"130", "interrupted", "invalid or failed"}, want: []string{"the mapping was written"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			stdout, _, _ := execute(t, tt.cmd, "--help")
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(stdout, a) {
					t.Errorf("help mentions %q", a)
				}
			}
			for _, line := range strings.Split(stdout, "\n") {
				if strings.Contains(line, "--log-level") && strings.Count(line, "default") != 1 {
					t.Errorf("--log-level's help gives %d defaults: %s", strings.Count(line, "default"), line)
				}
			}
		})
	}
}

// A mapping file that leaves a required field unfed is named, and the hint
// to give one is not shown when one was given.
func TestMappingHintOnlyWithoutMapping(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("Pos,ID,First,Last\n11.11,A1,Dana,Levi\n"), 0o600)
	m := filepath.Join(dir, "m.csv")
	os.WriteFile(m, []byte("field,column\nposition_uid,Pos\npartner_candidate_id,ID\nfirst_name,First\n"), 0o600)
	args := []string{"validate", "--no-ledger", "--log-level", "error", "--report", filepath.Join(dir, "r.csv")}
	_, stderr, code := execute(t, append(args, "--mapping", m, input)...)
	if code != exitConfig || !strings.Contains(stderr, "last_name") || strings.Contains(stderr, "give a mapping") || !strings.Contains(stderr, "m.csv") {
		t.Errorf("with --mapping: got exit %d, %q; want 2 naming last_name and m.csv, without 'give a mapping'", code, stderr)
	}
	_, stderr, code = execute(t, append(args, input)...)
	if code != exitConfig || !strings.Contains(stderr, "give a mapping") {
		t.Errorf("without --mapping: got exit %d, %q; want 2 with the hint to give a mapping", code, stderr)
	}
}

// validate paces its requests (--check-positions) as import does, with no
// workers to set; a bad rate is named.
func TestNetworkFlags(t *testing.T) {
	_, stderr, code := execute(t, "validate", "--concurrency", "2", "x.csv")
	if code != exitConfig || !strings.Contains(stderr, "unknown flag: --concurrency") {
		t.Errorf("validate --concurrency: got exit %d, %q; want 2, unknown flag", code, stderr)
	}
	_, stderr, code = execute(t, "validate", "--rate", "100", "x.csv")
	if code != exitConfig || !strings.Contains(stderr, "--rate") {
		t.Errorf("validate --rate 100: got exit %d, %q; want 2 naming --rate", code, stderr)
	}
}
