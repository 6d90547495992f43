package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// testNamedPipeCV runs validate and import, as cron would, on an input whose
// folder (no --files-dir) holds a named pipe called cv.pdf: each run ends at
// once with the row invalid, and prints the match report's line and path.
func testNamedPipeCV(t *testing.T, bin string) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "cv.pdf"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	input := filepath.Join(dir, "candidates.csv")
	data := "position_uid,partner_candidate_id,first_name,last_name,email,resume\n" +
		"11.11,F1,Ann,Lee,ann@example.com,cv.pdf\n" +
		"11.11,F2,Bob,Lee,bob@example.com,\n"
	if err := os.WriteFile(input, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	for _, command := range []string{"validate", "import"} {
		args := []string{command, "--log-level", "error", "--log-format", "console"}
		if command == "import" {
			args = append(args, "--base-url", srv.URL, "--rate", "none")
		}
		j := startJob(t, bin, append(args, input)...)
		select {
		case <-j.done:
		case <-time.After(2 * time.Minute): // a guard against a hang, never raced by honest work
			j.cmd.Process.Kill()
			<-j.done
			t.Fatalf("%s did not end: it blocks on the pipe\n%s", command, j.output.String())
		}
		out := j.output.String()
		if code := j.exitCode(); code != exitRowsFailed {
			t.Errorf("%s: exit %d, want %d\n%s", command, code, exitRowsFailed, out)
		}
		for _, want := range []string{"1 invalid", "Files: 0 used by 0 rows (the folder was not listed)", "files: " + filepath.Join(dir, "candidates.report.files.csv")} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", command, want, out)
			}
		}
		report, err := os.ReadFile(filepath.Join(dir, "candidates.report.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(report, []byte("not a regular file")) {
			t.Errorf("%s: the report does not say why:\n%s", command, report)
		}
	}
}
