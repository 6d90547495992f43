package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/readback"
)

// importForHistory imports three rows into a fake Comeet, one of them
// after a lost reply (a conflict), and returns the ledger's path.
func importForHistory(t *testing.T) (ledgerPath string, cv []byte) {
	t.Helper()
	dir := t.TempDir()
	cv = []byte("%PDF-1.4 resume of candidate two")
	if err := os.WriteFile(filepath.Join(dir, "cv.pdf"), cv, 0o600); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "in.csv")
	csvText := "position_uid,partner_candidate_id,first_name,last_name,resume\n" +
		"11.11,+123,Ann,Smith,\n" + // an id a spreadsheet would read as a formula
		"11.11,B2,Bob,Jones,cv.pdf\n" +
		"11.11,C3,Cy,Brown,\n"
	if err := os.WriteFile(input, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := comeettest.NewServer(comeettest.Options{})
	t.Cleanup(srv.Close)
	// B2 is in Comeet already: the import meets a 409, a conflict.
	client, err := comeet.NewClient(comeet.Config{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateCandidate(t.Context(), &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "B2", FirstName: "Bob", LastName: "Jones"}); err != nil {
		t.Fatal(err)
	}
	ledgerPath = filepath.Join(dir, "ledger.db")
	code, out, err := executeCmd(t, "import", "--base-url", srv.URL, "--rate", "none", "--concurrency", "1",
		"--ledger", ledgerPath, "--log-level", "error", input)
	if code != exitOK {
		t.Fatalf("import: exit %d (%v)\n%s", code, err, out)
	}
	return ledgerPath, cv
}

func readHistory(t *testing.T, data string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("history is not CSV: %v\n%s", err, data)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], readback.HistoryHeader) {
		t.Fatalf("history header: got %v, want %v", recs[0], readback.HistoryHeader)
	}
	return recs
}

func TestHistoryExportsTheLedger(t *testing.T) {
	ledgerPath, cv := importForHistory(t)
	output := filepath.Join(t.TempDir(), "history.csv")
	if err := os.WriteFile(output, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, err := executeCmd(t, "history", "--ledger", ledgerPath, "--output", output); code != exitOK {
		t.Fatalf("history: exit %d (%v)\n%s", code, err, out)
	}
	st, err := os.Stat(output)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Errorf("history file mode: got %o, want 600", got)
	}
	data, _ := os.ReadFile(output)
	recs := readHistory(t, string(data))
	if len(recs) != 4 {
		t.Fatalf("got %d history lines, want 3 entries and a header", len(recs))
	}
	col := func(rec []string, name string) string { return rec[slices.Index(readback.HistoryHeader, name)] }
	wantIDs := []string{"'+123", "B2", "C3"}
	wantOutcomes := []string{"created", "conflict", "created"}
	for i, rec := range recs[1:] {
		if got := col(rec, "partner_candidate_id"); got != wantIDs[i] {
			t.Errorf("entry %d: got id %q, want %q", i+1, got, wantIDs[i])
		}
		if got := col(rec, "outcome"); got != wantOutcomes[i] {
			t.Errorf("entry %d: got outcome %q, want %q", i+1, got, wantOutcomes[i])
		}
		if col(rec, "candidate_uid") == "" || col(rec, "state") != "done" || col(rec, "runs") != "1" {
			t.Errorf("entry %d: got uid %q, state %q, runs %q; want a uid, done, 1",
				i+1, col(rec, "candidate_uid"), col(rec, "state"), col(rec, "runs"))
		}
	}
	sum := sha256.Sum256(cv)
	bob := recs[2]
	if got, want := col(bob, "files"), "resume"; got != want { // the ledger keeps no file name
		t.Errorf("files: got %q, want %q", got, want)
	}
	if got, want := col(bob, "file_sha256s"), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("file digest: got %q, want %q", got, want)
	}
	if got := col(bob, "attempts"); got != "1" {
		t.Errorf("conflict: got %s attempts, want 1", got)
	}
	if got := col(recs[1], "response_status"); got != comeettest.StatusInProgress {
		t.Errorf("response status: got %q, want %q", got, comeettest.StatusInProgress)
	}
	if col(recs[1], "response_time_created") == "" || col(recs[1], "first_seen") == "" {
		t.Error("times are missing")
	}

	// Without --output it writes the same to standard output.
	_, stdout, _ := executeCmd(t, "history", "--ledger", ledgerPath)
	if stdout != string(data) {
		t.Errorf("standard output differs from the file:\n%s\nwant\n%s", stdout, data)
	}
}

func TestHistoryRefusesWhileARunHoldsTheLedger(t *testing.T) {
	ledgerPath, _ := importForHistory(t)
	l, err := ledger.Open(context.Background(), ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	output := filepath.Join(t.TempDir(), "history.csv")
	code, _, err := executeCmd(t, "history", "--ledger", ledgerPath, "--output", output)
	if code != exitConfig || !errors.Is(err, ledger.ErrLocked) {
		t.Errorf("got exit %d (%v), want %d and ledger.ErrLocked", code, err, exitConfig)
	}
	if _, statErr := os.Stat(output); statErr == nil {
		t.Error("the output was created although the ledger could not be read")
	}
}

func TestHistoryOfMissingLedger(t *testing.T) {
	code, _, err := executeCmd(t, "history", "--ledger", filepath.Join(t.TempDir(), "none.db"))
	if code != exitConfig || err == nil || !strings.Contains(err.Error(), "none.db") {
		t.Errorf("got exit %d (%v), want %d naming the file", code, err, exitConfig)
	}
}
