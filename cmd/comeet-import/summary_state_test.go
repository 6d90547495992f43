package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// summaryState reads the --summary file's state, exit code and count of
// changed rows not sent.
func summaryState(t *testing.T, path string) (state string, exit *int, changed int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		State          string `json:"state"`
		ExitCode       *int   `json:"exit_code"`
		ChangedNotSent int    `json:"changed_not_sent"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	return s.State, s.ExitCode, s.ChangedNotSent
}

// Issue 17: the --summary file says a run is under way from its start (a
// run killed midway never leaves the last run's exit_code 0 behind), in a
// folder made for it, and the final summary replaces it; a nightly run
// without --update counts the changed rows it did not send, and says how
// to send them.
func TestSummaryFileRunningThenFinished(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Positions: []string{"11.11"}})
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	in := syncInput(t, dir, "11.11", "11.11", "Bob")
	sumPath := filepath.Join(dir, "monitor", "nightly", "summary.json")
	args := []string{"import", in, "--base-url", srv.URL, "--log-level", "error", "--progress", "none", "--rate", "none",
		"--summary", sumPath, "--report", filepath.Join(dir, "reports", "run.report.csv")}

	release := make(chan struct{})
	arrived := make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Release: release, Arrived: func() { close(arrived) }})
	done := make(chan int)
	go func() {
		code, _, _ := executeCmd(t, args...)
		done <- code
	}()
	<-arrived
	if state, exit, _ := summaryState(t, sumPath); state != "running" || exit != nil {
		t.Errorf("while the run is under way: state %q, exit_code %v; want running and null", state, exit)
	}
	close(release)
	if code := <-done; code != exitOK {
		t.Fatalf("import: exit %d", code)
	}
	if state, exit, _ := summaryState(t, sumPath); state != "finished" || exit == nil || *exit != exitOK {
		t.Errorf("after the run: state %q, exit_code %v; want finished and 0", state, exit)
	}

	in = syncInput(t, dir, "11.11", "11.11", "Robert")
	code, _, err := executeCmd(t, args...)
	if code != exitOK {
		t.Fatalf("re-run: exit %d (%v)", code, err)
	}
	if _, _, changed := summaryState(t, sumPath); changed != 1 {
		t.Errorf("changed_not_sent %d, want 1", changed)
	}
}
