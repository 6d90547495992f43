package importer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// seed creates candidate n at the server outside the import, as another
// tool (or an earlier run whose ledger is gone) would have.
func (g *rig) seed(n int) string {
	g.t.Helper()
	c, err := comeet.NewClient(comeet.Config{BaseURL: g.srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret})
	if err != nil {
		g.t.Fatal(err)
	}
	row := rigRow(n)
	reply, err := c.CreateCandidate(context.Background(), &comeet.Candidate{
		PositionUID: row[0], PartnerCandidateID: row[1], FirstName: row[2], LastName: row[3],
	})
	if err != nil {
		g.t.Fatalf("seed candidate %d: %v", n, err)
	}
	return reply.Created.UID
}

func TestRerunSendsNothingForCreatedOrConflictRows(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	existing := g.seed(3)
	g.writeInput(rigRows(1, 5))
	_, first := g.mustRun()
	wantRigOutcomes(t, first, report.Created, report.Created, report.Conflict, report.Created, report.Created)
	if got := first[2]["candidate_uid"]; got != existing {
		t.Errorf("conflict row: got uid %q, want the existing %q", got, existing)
	}
	postsBefore := g.posts()

	sum, second := g.mustRun()
	wantRigOutcomes(t, second, repeat(report.Skipped, 5)...)
	if got := g.posts() - postsBefore; got != 0 {
		t.Errorf("re-run sent %d requests, want 0", got)
	}
	if sum.Sent != 0 {
		t.Errorf("re-run summary: got %d requests, want 0", sum.Sent)
	}
	for i := range second {
		if got, want := second[i]["candidate_uid"], first[i]["candidate_uid"]; got != want || got == "" {
			t.Errorf("row %d: skipped with uid %q, want %q from the first run", i+1, got, want)
		}
		if msg := second[i]["message"]; !strings.Contains(msg, "already in Comeet") {
			t.Errorf("row %d: got message %q, want it to say the row is already in Comeet", i+1, msg)
		}
	}
}

func TestRerunOfGrownFileSendsOnlyNewRows(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeInput(rigRows(1, 3))
	g.mustRun()
	postsBefore := g.posts()

	g.writeInput(rigRows(1, 6))
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped, report.Skipped, report.Skipped, report.Created, report.Created, report.Created)
	if got := g.posts() - postsBefore; got != 3 {
		t.Errorf("grown file: sent %d requests, want 3 (the new rows only)", got)
	}
	for n := 1; n <= 6; n++ {
		if got := g.srv.CreatedCount(rigKey(n)); got != 1 {
			t.Errorf("candidate %d: created %d times, want 1", n, got)
		}
	}
}

func TestRerunOfChangedRowIsSkippedWithReason(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	rows := rigRows(1, 2)
	g.writeInput(rows)
	g.mustRun()
	postsBefore := g.posts()

	rows[1][2] = "Renamed"
	g.writeInput(rows)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped, report.Skipped)
	if msg := lines[0]["message"]; strings.Contains(msg, "changed") {
		t.Errorf("unchanged row: got message %q, want no mention of a change", msg)
	}
	if msg := lines[1]["message"]; !strings.Contains(msg, "changed") || !strings.Contains(msg, "cannot update") {
		t.Errorf("changed row: got message %q, want it to say the row changed and cannot be updated", msg)
	}
	if got := g.posts() - postsBefore; got != 0 {
		t.Errorf("sent %d requests for a changed row, want 0", got)
	}
}

func TestRerunSendsFailedRowsAgain(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Concurrency = 1
	g.cfg.MaxAttempts = 1
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError})
	g.writeInput(rigRows(1, 2))
	_, first := g.mustRun()
	wantRigOutcomes(t, first, report.Failed, report.Created)
	postsBefore := g.posts()

	_, second := g.mustRun()
	wantRigOutcomes(t, second, report.Created, report.Skipped)
	if got := g.posts() - postsBefore; got != 1 {
		t.Errorf("re-run sent %d requests, want 1 (the failed row)", got)
	}
}

func TestRerunAfterRejectionCreatesNoSecondCandidate(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeInput(rigRows(1, 1))
	_, first := g.mustRun()
	uid := first[0]["candidate_uid"]
	if !g.srv.SetStatus(uid, comeettest.StatusRejected) {
		t.Fatalf("server has no candidate %q", uid)
	}

	_, second := g.mustRun()
	wantRigOutcomes(t, second, report.Skipped)
	if got := g.srv.CreatedCount(rigKey(1)); got != 1 {
		t.Fatalf("with the ledger: created %d times, want 1", got)
	}

	// Without the ledger the same re-run does create a duplicate: the
	// server's 409 no longer protects a rejected candidate, which is why
	// the ledger exists.
	g.cfg.NoLedger = true
	_, third := g.mustRun()
	wantRigOutcomes(t, third, report.Created)
	if got := g.srv.CreatedCount(rigKey(1)); got != 2 {
		t.Errorf("without the ledger: created %d times, want 2 (the danger the ledger prevents)", got)
	}
}

// A create whose reply was lost is looked for before it is sent again: it
// is found, reported created with its uid, and recorded done.
func TestLostReplyIsFoundBeforeResending(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultLostReply})
	g.writeInput(rigRows(1, 1))
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Created)
	cands := g.srv.Candidates()
	if len(cands) != 1 {
		t.Fatalf("server holds %d candidates, want 1", len(cands))
	}
	if got := lines[0]["candidate_uid"]; got != cands[0].UID {
		t.Errorf("got uid %q, want %q (the one the lost reply created)", got, cands[0].UID)
	}
	if got := lines[0]["attempts"]; got != "1" {
		t.Errorf("got %s attempts, want 1: found, not sent again", got)
	}
	if got := g.srv.CreatedCount(rigKey(1)); got != 1 {
		t.Errorf("created %d times, want 1", got)
	}

	_, again := g.mustRun()
	wantRigOutcomes(t, again, report.Skipped)
	if got := again[0]["candidate_uid"]; got != cands[0].UID {
		t.Errorf("re-run: got uid %q, want %q", got, cands[0].UID)
	}
}

// A run killed between the ledger's Begin and Finish leaves a pending
// entry: the candidate may or may not exist. The next run sends it again
// and Comeet's 409 names the one that exists.
func TestPendingEntryIsSentAgainAndConflicts(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	uid := g.seed(1)
	l, err := ledger.Open(context.Background(), g.cfg.WithDefaults().LedgerPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(context.Background(), ledger.Entry{Key: rigKey(1), Row: 1, Line: 2}); err != nil {
		t.Fatal(err)
	}
	l.Close()

	g.writeInput(rigRows(1, 1))
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Conflict)
	if got := lines[0]["candidate_uid"]; got != uid {
		t.Errorf("got uid %q, want %q", got, uid)
	}
	if got := g.srv.CreatedCount(rigKey(1)); got != 1 {
		t.Errorf("created %d times, want 1", got)
	}
}

func TestSecondRunOnSameLedgerIsRefused(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	// The first run talks to Comeet through a gate that holds its request
	// until the test lets it go: while it waits, the run holds the ledger.
	gate, arrived := make(chan struct{}), make(chan struct{}, 8)
	var release sync.Once
	open := func() { release.Do(func() { close(gate) }) }
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-gate
		g.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Cleanup(open) // runs first: a failed test must not leave the gate shut

	g.writeInput(rigRows(1, 2))
	first := g.cfg
	first.BaseURL = proxy.URL
	first.ReportPath = filepath.Join(g.dir, "first.report.csv")
	first.ErrorsPath = filepath.Join(g.dir, "first.errors.csv")
	first.LedgerPath = g.cfg.WithDefaults().LedgerPath
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), first)
		done <- err
	}()
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("the first run ended before sending: %v", err)
	}

	_, err := Run(context.Background(), g.cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || !errors.Is(err, ledger.ErrLocked) {
		t.Errorf("second run: got %v, want a ConfigError wrapping ledger.ErrLocked", err)
	} else if !strings.Contains(err.Error(), "another run is using the ledger") {
		t.Errorf("second run: got %q, want it to mention the ledger's lock", err)
	}

	open()
	if err := <-done; err != nil {
		t.Fatalf("first run: %v", err)
	}
	wantRigOutcomes(t, readCSVMaps(t, first.ReportPath), report.Created, report.Created)
	if got := g.posts(); got != 2 {
		t.Errorf("got %d requests in all, want 2 (the first run's)", got)
	}
}
