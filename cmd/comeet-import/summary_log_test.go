package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// runBinary runs the binary to its end and returns its exit code and
// standard error.
func runBinary(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = envWithoutCredentials()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// lastJSON is the summary object of the last line of a JSON run.
func lastJSON(t *testing.T, stderr string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	var last struct {
		Level   string         `json:"level"`
		Message string         `json:"message"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Summary == nil {
		t.Fatalf("the last line is not a JSON summary (%v):\n%s", err, stderr)
	}
	want := "info"
	if last.Summary["error"] != nil {
		want = "error"
	}
	if last.Level != want || last.Message == "" {
		t.Errorf("summary line: got level %q, message %q; want level %s", last.Level, last.Message, want)
	}
	return last.Summary
}

// With --log-format json the run's last line is a JSON summary, whatever
// the level; invalid rows are warned by row, without their cells; a clean
// errors file is not left behind, and on a console the summary is plain.
func testJSONSummary(t *testing.T, bin string) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	dir := t.TempDir()
	input := writeCandidates(t, dir, 3)
	data, _ := os.ReadFile(input)
	os.WriteFile(input, bytes.Replace(data, []byte("c2@example.com"), []byte("c2-at-example"), 1), 0o600)
	out := filepath.Join(t.TempDir(), "out")
	os.Mkdir(out, 0o700)
	report := filepath.Join(out, "night.csv")
	code, stderr := runBinary(t, bin, "import", "--base-url", srv.URL, "--rate", "none", "--progress", "none",
		"--log-format", "json", "--report", report, input)
	if code != exitRowsFailed {
		t.Fatalf("got exit %d, want %d\n%s", code, exitRowsFailed, stderr)
	}
	s := lastJSON(t, stderr)
	if !strings.Contains(stderr, `"message":"3 rows in`) {
		t.Errorf("the summary line's message is not the summary sentence:\n%s", stderr)
	}
	counts, _ := s["counts"].(map[string]any)
	if counts["created"] != 2.0 || counts["invalid"] != 1.0 || counts["failed"] != 0.0 || s["input_rows"] != 3.0 ||
		s["exit_code"] != 1.0 || s["command"] != "import" || s["report"] != report ||
		s["errors"] != filepath.Join(out, "candidates.errors.csv") || s["new_invalid"] != 1.0 || s["requests"] != 2.0 {
		t.Errorf("summary: got %v", s)
	}
	if !strings.Contains(stderr, `"level":"warn","row":2,"line":3,"partner_candidate_id":"K0002"`) {
		t.Errorf("the invalid row is not warned by row, line and id:\n%s", stderr)
	}
	if strings.Contains(stderr, "c2-at-example") {
		t.Errorf("the log holds a cell:\n%s", stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the input's folder holds %d files, want the input alone", len(entries))
	}

	// A clean run at --log-level error: still the summary, and no errors file.
	clean := writeCandidates(t, t.TempDir(), 2)
	code, stderr = runBinary(t, bin, "validate", "--progress", "none", "--log-format", "json", "--log-level", "error", clean)
	if code != exitOK {
		t.Fatalf("got exit %d\n%s", code, stderr)
	}
	if s := lastJSON(t, stderr); s["errors"] != "" || s["command"] != "validate" || s["exit_code"] != 0.0 {
		t.Errorf("clean validate summary: got %v", s)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(clean), "candidates.errors.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a clean run left an errors file: %v", err)
	}

	// On a console, the plain sentence.
	code, stderr = runBinary(t, bin, "validate", "--progress", "none", "--log-format", "console", clean)
	if code != exitOK || !strings.Contains(stderr, "2 rows in") || !strings.Contains(stderr, "rows/s") || strings.Contains(stderr, `"summary"`) {
		t.Errorf("console summary: got exit %d\n%s", code, stderr)
	}
}

// --fail-on new keeps a nightly job green while its invalid rows are those
// of the last run, and turns it red for a new one; any (the default) keeps
// it red.
func testFailOnNew(t *testing.T, bin string) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	dir := t.TempDir()
	input := writeCandidates(t, dir, 3)
	data, _ := os.ReadFile(input)
	os.WriteFile(input, bytes.Replace(data, []byte("c2@example.com"), []byte("c2-at-example"), 1), 0o600)
	run := func(extra ...string) (int, map[string]any) {
		t.Helper()
		args := append([]string{"import", "--base-url", srv.URL, "--rate", "none", "--progress", "none", "--log-format", "json"}, extra...)
		code, stderr := runBinary(t, bin, append(args, input)...)
		return code, lastJSON(t, stderr)
	}
	if code, s := run("--fail-on", "new"); code != exitRowsFailed || s["new_invalid"] != 1.0 {
		t.Fatalf("first run: got exit %d, %v; want 1 with one new invalid row", code, s)
	}
	if code, s := run("--fail-on", "new"); code != exitOK || s["new_invalid"] != 0.0 {
		t.Errorf("second run, --fail-on new: got exit %d, %v; want 0, the problem is known", code, s)
	}
	if code, _ := run(); code != exitRowsFailed {
		t.Errorf("second run, --fail-on any: got exit %d, want 1", code)
	}
	if code, _ := run("--max-invalid", "1"); code != exitOK {
		t.Errorf("--max-invalid 1 with one invalid row: got exit %d, want 0", code)
	}
	data, _ = os.ReadFile(input)
	os.WriteFile(input, bytes.Replace(data, []byte("c3@example.com"), []byte("c3@@example"), 1), 0o600)
	if code, s := run("--fail-on", "new"); code != exitRowsFailed || s["new_invalid"] != 1.0 {
		t.Errorf("a new invalid row, --fail-on new: got exit %d, %v; want 1 with one new", code, s)
	}
	// A configuration error found once the logs are set up is a JSON
	// summary line too, with nothing sent.
	code, stderr := runBinary(t, bin, "import", "--progress", "none", "--log-format", "json", "--base-url", "https://api.comeet.example", input)
	if s := lastJSON(t, stderr); code != exitConfig || s["exit_code"] != 2.0 || !strings.Contains(s["error"].(string), envAPIKey) || s["input_rows"] != 0.0 {
		t.Errorf("missing credentials with JSON logs: got exit %d, %v", code, s)
	}
	if code, stderr := runBinary(t, bin, "import", "--fail-on", "new", "--no-ledger", input); code != exitConfig || !strings.Contains(stderr, "needs the ledger") {
		t.Errorf("--fail-on new --no-ledger: got exit %d, %q", code, stderr)
	}
}
