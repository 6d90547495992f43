package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// testKillBetweenFiles kills an --update run (kill -9) while the third of
// the files it adds to a candidate is on the wire: the answers to the
// first two had arrived. The next run adds only the third, after reading
// the candidate's files back (its answer never came), so Comeet holds each
// file once.
func testKillBetweenFiles(t *testing.T, bin string) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	dir := t.TempDir()
	names := []string{"a.pdf", "b.pdf", "c.pdf"}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("content of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	input := filepath.Join(dir, "candidates.csv")
	write := func(files string) {
		t.Helper()
		csv := "position_uid,partner_candidate_id,first_name,last_name,email,files\n11.11,F0001,Dana,Levi,dana@example.com," + files + "\n"
		if err := os.WriteFile(input, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"import", "--base-url", srv.URL, "--rate", "200/1s", "--log-level", "error", "--update", "--files-dir", dir, input}
	write("")
	first := startJob(t, bin, args...)
	<-first.done
	if first.exitCode() != exitOK {
		t.Fatalf("first run: exit %d, want 0\n%s", first.exitCode(), first.output.String())
	}
	uid := srv.Candidates()[0].UID

	write(strings.Join(names, ";"))
	arrived := make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Count: 2},
		comeettest.Fault{Kind: comeettest.FaultHold, Arrived: func() { close(arrived) }})
	killed := startJob(t, bin, args...)
	select {
	case <-arrived:
	case <-killed.done:
		t.Fatalf("the update ended before its third file:\n%s", killed.output.String())
	}
	killed.cmd.Process.Kill()
	<-killed.done
	if !killed.killed() {
		t.Fatalf("the run was not killed: exit %d", killed.exitCode())
	}
	if got := len(srv.Files(uid)); got != 2 {
		t.Fatalf("Comeet holds %d files at the kill, want 2 (the third held)", got)
	}

	before := len(srv.Requests())
	final := startJob(t, bin, args...)
	<-final.done
	if final.exitCode() != exitOK {
		t.Fatalf("run after the kill: exit %d, want 0\n%s", final.exitCode(), final.output.String())
	}
	var got []string
	for _, f := range srv.Files(uid) {
		got = append(got, f.Name)
	}
	if strings.Join(got, ",") != "a.pdf,b.pdf,c.pdf" {
		t.Errorf("Comeet holds files %v, want each of a.pdf, b.pdf, c.pdf once", got)
	}
	var sent []string
	for _, r := range srv.Requests()[before:] {
		// The held request is put on record when the fake sees its client
		// gone, which may be after the kill and even after the next run
		// starts: it is the killed run's, not this one's.
		if r.Fault == comeettest.FaultHold {
			continue
		}
		sent = append(sent, r.Method+" "+r.Path)
	}
	want := "GET /candidates/" + uid + "/files,POST /candidates/" + uid + "/files"
	if strings.Join(sent, ",") != want {
		t.Errorf("the run after the kill sent %v, want %s", sent, want)
	}
}
