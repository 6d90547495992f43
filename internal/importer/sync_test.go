package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// syncHeader adds a phone and a note to the rig's columns: the phone is in
// the narrow list of PATCH fields, the note only in the wide one.
var syncHeader = append(slices.Clone(rigHeader), "phone", "note")

func syncRow(n int) []string {
	return append(rigRow(n), "+1 555 0100", "first note")
}

func syncRows(from, to int) [][]string {
	var rows [][]string
	for n := from; n <= to; n++ {
		rows = append(rows, syncRow(n))
	}
	return rows
}

// requests counts the server's requests by method and path prefix.
func (g *rig) requests(method, prefix string) int {
	n := 0
	for _, r := range g.srv.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// createSync imports rows once and returns the uids, by row.
func (g *rig) createSync(rows [][]string) []string {
	g.t.Helper()
	g.writeInputWith(syncHeader, rows)
	_, lines := g.mustRun()
	wantRigOutcomes(g.t, lines, repeat(report.Created, len(rows))...)
	var uids []string
	for _, l := range lines {
		uids = append(uids, l["candidate_uid"])
	}
	return uids
}

func TestUpdateSendsOnlyChangedAllowedFields(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update = true
	rows := syncRows(1, 3)
	uids := g.createSync(rows)

	rows[1][2] = "Renamed"     // first_name: narrow list
	rows[1][6] = "+1 555 0199" // phone: narrow list
	rows[1][7] = "second note" // note: wide list only
	g.writeInputWith(syncHeader, rows)
	posts, patches := g.requests("POST", "/"), g.requests("PATCH", "/")
	sum, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped, report.Updated, report.Skipped)
	if got := g.requests("PATCH", "/") - patches; got != 1 {
		t.Errorf("sent %d PATCH requests, want 1", got)
	}
	if got := g.requests("POST", "/") - posts; got != 0 {
		t.Errorf("sent %d POST requests for a changed row, want 0", got)
	}
	if sum.Counts[report.Updated] != 1 || sum.Sent != 1 {
		t.Errorf("summary: %d updated, %d requests; want 1 and 1", sum.Counts[report.Updated], sum.Sent)
	}
	if got := lines[1]["candidate_uid"]; got != uids[1] {
		t.Errorf("updated row: uid %q, want %q", got, uids[1])
	}
	msg := lines[1]["message"]
	for _, want := range []string{"updated first_name, phone", "note changed, but the API cannot change it"} {
		if !strings.Contains(msg, want) {
			t.Errorf("updated row: message %q, want it to contain %q", msg, want)
		}
	}
	st, _ := g.srv.Candidate(uids[1])
	if st.Candidate.FirstName != "Renamed" || st.Candidate.Phone != "+1 555 0199" {
		t.Errorf("Comeet holds %q, %q; want the new first name and phone", st.Candidate.FirstName, st.Candidate.Phone)
	}
	if st.Candidate.Note != "first note" {
		t.Errorf("Comeet's note is %q, want it unchanged", st.Candidate.Note)
	}

	// The next run finds the ledger in step: nothing is sent.
	before := len(g.srv.Requests())
	sum, lines = g.mustRun()
	wantRigOutcomes(t, lines, repeat(report.Skipped, 3)...)
	if got := len(g.srv.Requests()) - before; got != 0 || sum.Sent != 0 {
		t.Errorf("third run sent %d requests, want 0", got)
	}
}

func TestUpdateWideListSendsNote(t *testing.T) {
	g := newRig(t, comeettest.Options{WidePatch: true})
	g.cfg.Update, g.cfg.PatchFields = true, comeet.WidePatchFields
	rows := syncRows(1, 1)
	uids := g.createSync(rows)
	rows[0][7] = "second note"
	g.writeInputWith(syncHeader, rows)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if st, _ := g.srv.Candidate(uids[0]); st.Candidate.Note != "second note" {
		t.Errorf("Comeet's note is %q, want the new one", st.Candidate.Note)
	}
}

func TestChangedRowWithoutUpdateNamesTheFlag(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	rows := syncRows(1, 1)
	g.createSync(rows)
	rows[0][2] = "Renamed"
	g.writeInputWith(syncHeader, rows)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
	if msg := lines[0]["message"]; !strings.Contains(msg, "--update") {
		t.Errorf("message %q, want it to name --update", msg)
	}
	if got := g.requests("PATCH", "/"); got != 0 {
		t.Errorf("sent %d PATCH requests without --update", got)
	}
}

func TestUpdateAddsChangedResume(t *testing.T) {
	g := newRig(t, comeettest.Options{MaliciousFiles: []string{"bad.pdf"}})
	g.cfg.Update = true
	g.writeFile("cv1.pdf", []byte("%PDF-1.4 one"))
	g.writeFile("cv2.pdf", []byte("%PDF-1.4 two"))
	g.writeFile("bad.pdf", []byte("%PDF-1.4 bad"))
	rows := syncRows(1, 3)
	for i := range rows {
		rows[i][5] = "cv1.pdf"
	}
	uids := g.createSync(rows)

	rows[0][5] = "cv2.pdf" // a new resume only: added as a file
	rows[1][5] = "bad.pdf" // a resume Comeet refuses, and nothing else
	rows[2][5] = "bad.pdf" // a refused resume and a new phone
	rows[2][6] = "+1 555 0142"
	g.writeInputWith(syncHeader, rows)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Updated, report.Failed, report.Updated)
	if msg := lines[0]["message"]; !strings.Contains(msg, "added file cv2.pdf (resume)") {
		t.Errorf("row 1: message %q, want the added file", msg)
	}
	if files := g.srv.Files(uids[0]); len(files) != 2 || files[1].Name != "cv2.pdf" {
		t.Errorf("row 1: Comeet holds files %+v, want cv1.pdf then cv2.pdf", files)
	}
	if code := lines[1]["error_code"]; code != comeet.CodeMaliciousFile {
		t.Errorf("row 2: code %q, want %s", code, comeet.CodeMaliciousFile)
	}
	if msg := lines[2]["message"]; !strings.Contains(msg, "updated phone") || !strings.Contains(msg, "bad.pdf (resume) not added") {
		t.Errorf("row 3: message %q, want the update and the refused file", msg)
	}
	if files := g.srv.Files(uids[2]); len(files) != 1 {
		t.Errorf("row 3: Comeet holds %d files, want the first one only", len(files))
	}

	// The refused-only row is tried again; the others are in step.
	before := g.requests("POST", "/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped, report.Failed, report.Skipped)
	if got := g.requests("POST", "/") - before; got != 1 {
		t.Errorf("third run sent %d POSTs, want 1 (the refused file again)", got)
	}
}

func TestUpdateOfCandidateDeletedInComeet(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update = true
	rows := syncRows(1, 2)
	uids := g.createSync(rows)
	g.srv.Delete(uids[0])
	g.srv.Merge(uids[1], g.seed(9))

	rows[0][2], rows[1][2] = "Renamed", "Renamed"
	g.writeInputWith(syncHeader, rows)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Failed, report.Failed)
	if code, msg := lines[0]["error_code"], lines[0]["message"]; code != comeet.CodeCandidateNotFound || !strings.Contains(msg, "deleted in Comeet") {
		t.Errorf("deleted: got %s %q, want candidate_not_found saying it was deleted", code, msg)
	}
	if code, msg := lines[1]["error_code"], lines[1]["message"]; code != comeet.CodeDuplicateCandidate || !strings.Contains(msg, "merged") {
		t.Errorf("merged: got %s %q, want duplicate_candidate saying it was merged", code, msg)
	}

	// As the message says: the next run creates the deleted one again.
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Created, report.Failed)
	if got := g.srv.CreatedCount(rigKey(1)); got != 2 {
		t.Errorf("deleted candidate created %d times in all, want 2", got)
	}
}

func TestValidateWithUpdateSaysWhatWouldBeSent(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	rows := syncRows(1, 2)
	g.createSync(rows)
	rows[0][6] = "+1 555 0177"
	g.writeInputWith(syncHeader, rows)
	g.cfg.DryRun, g.cfg.Update = true, true
	before := len(g.srv.Requests())
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Valid, report.Skipped)
	if msg := lines[0]["message"]; !strings.Contains(msg, "would update phone") {
		t.Errorf("message %q, want it to say the phone would be updated", msg)
	}
	if got := len(g.srv.Requests()) - before; got != 0 {
		t.Errorf("validate sent %d requests", got)
	}
}

func TestUpdateNeedsTheLedger(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update, g.cfg.NoLedger = true, true
	g.writeInputWith(syncHeader, syncRows(1, 1))
	if _, err := Run(t.Context(), g.cfg); err == nil || !strings.Contains(err.Error(), "--update needs the ledger") {
		t.Fatalf("got %v, want a configuration error about the ledger", err)
	}
}

func TestCheckPositions(t *testing.T) {
	g := newRig(t, comeettest.Options{Positions: []string{"11.11"}})
	g.srv.AddPosition("22.22", "Closed", comeet.PositionClosed)
	g.srv.AddPosition("33.33", "Waiting", comeet.PositionOnHold)
	rows := syncRows(1, 6)
	rows[1][0], rows[2][0], rows[3][0], rows[5][0] = "22.22", "33.33", "99.99", "99.99"
	g.writeInputWith(syncHeader, rows)
	g.cfg.CheckPositions = true
	want := []struct {
		code string
	}{{""}, {CodePositionClosed}, {CodePositionClosed}, {comeet.CodePositionNotFound}, {""}, {comeet.CodePositionNotFound}}

	t.Run("validate", func(t *testing.T) {
		cfg := g.cfg
		cfg.DryRun = true
		before := len(g.srv.Requests())
		if _, err := Run(t.Context(), cfg); err != nil {
			t.Fatal(err)
		}
		lines := g.report()
		wantRigOutcomes(t, lines, report.Valid, report.Invalid, report.Invalid, report.Invalid, report.Valid, report.Invalid)
		for i, w := range want {
			if got := lines[i]["error_code"]; got != w.code {
				t.Errorf("row %d: code %q, want %q (%s)", i+1, got, w.code, lines[i]["message"])
			}
		}
		if msg := lines[2]["message"]; !strings.Contains(msg, "on hold") {
			t.Errorf("row 3: message %q, want it to say the position is on hold", msg)
		}
		// One list, and one look-up for the uid the list lacks: 99.99 once.
		if got := len(g.srv.Requests()) - before; got != 2 {
			t.Errorf("sent %d requests, want 2", got)
		}
		if got := g.requests("POST", "/"); got != 0 {
			t.Errorf("validate created %d candidates", got)
		}
	})
	t.Run("import", func(t *testing.T) {
		sum, lines := g.mustRun()
		wantRigOutcomes(t, lines, report.Created, report.Invalid, report.Invalid, report.Invalid, report.Created, report.Invalid)
		if got := g.requests("POST", "/candidates"); got != 2 {
			t.Errorf("sent %d POSTs, want 2 (the rows whose position is open)", got)
		}
		if sum.Sent != 4 {
			t.Errorf("summary counts %d requests, want 4 (list, look-up, two creates)", sum.Sent)
		}
	})
}

func TestCheckPositionsNeedsCredentials(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeInputWith(syncHeader, syncRows(1, 1))
	g.cfg.DryRun, g.cfg.CheckPositions, g.cfg.Secret = true, true, ""
	if _, err := Run(t.Context(), g.cfg); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("got %v, want a configuration error about the credentials", err)
	}
}

// The window the ledger alone cannot close: a POST whose answer was lost
// created the candidate, which was then rejected before the re-run, so a
// second POST would create a second candidate. The re-run looks for it
// first.
func TestLostAnswerThenRejectionCreatesNoSecondCandidate(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.MaxAttempts, g.cfg.Concurrency = 1, 1
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultLostReply, Count: 2})
	g.writeInput(rigRows(1, 3))
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Failed, report.Failed, report.Created)
	lost := map[string]string{}
	for _, c := range g.srv.Candidates() {
		lost[c.Candidate.PartnerCandidateID] = c.UID
	}
	for n := 1; n <= 2; n++ {
		uid := lost[rigKey(n).PartnerCandidateID]
		if uid == "" {
			t.Fatalf("the lost answer of row %d created no candidate", n)
		}
		g.srv.SetStatus(uid, comeettest.StatusRejected)
	}

	posts, lists := g.requests("POST", "/candidates"), g.requests("GET", "/candidates")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Conflict, report.Conflict, report.Skipped)
	for n := 1; n <= 2; n++ {
		if got, want := lines[n-1]["candidate_uid"], lost[rigKey(n).PartnerCandidateID]; got != want {
			t.Errorf("row %d: got uid %q, want the one the lost answer created, %q", n, got, want)
		}
		if got := g.srv.CreatedCount(rigKey(n)); got != 1 {
			t.Errorf("row %d: created %d times, want 1", n, got)
		}
	}
	if got := g.requests("POST", "/candidates") - posts; got != 0 {
		t.Errorf("sent %d POSTs, want 0", got)
	}
	if got := g.requests("GET", "/candidates") - lists; got != 1 {
		t.Errorf("listed %d times, want once for both rows", got)
	}
	// The next run knows them.
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped, report.Skipped, report.Skipped)
}

// A file that failed for a reason that may pass (a 5xx) is sent again by
// the next run, once the candidate's files read back show it did not
// arrive; the one that was added is not.
func TestUpdateSendsAFailedFileAgain(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update, g.cfg.Concurrency = true, 1
	header := append(slices.Clone(syncHeader), "files")
	for _, name := range []string{"cv1.pdf", "cv2.pdf", "a1.txt", "a2.txt"} {
		g.writeFile(name, []byte("content of "+name))
	}
	row := append(syncRow(1), "a1.txt")
	row[5] = "cv1.pdf"
	g.writeInputWith(header, [][]string{row})
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Created)
	uid := lines[0]["candidate_uid"]

	row[5], row[8] = "cv2.pdf", "a2.txt"
	g.writeInputWith(header, [][]string{row})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Status: 503})
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if msg := lines[0]["message"]; !strings.Contains(msg, "cv2.pdf (resume) not added") || !strings.Contains(msg, "may have been added: the next run reads the candidate's files") || !strings.Contains(msg, "added file a2.txt") {
		t.Errorf("message %q, want the resume not added (read back next run) and a2.txt added", msg)
	}

	posts := g.requests("POST", "/candidates/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if got := g.requests("POST", "/candidates/") - posts; got != 1 {
		t.Errorf("second update sent %d files, want 1 (the resume)", got)
	}
	var names []string
	for _, f := range g.srv.Files(uid) {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "cv1.pdf,a1.txt,a2.txt,cv2.pdf" {
		t.Errorf("Comeet holds %s, want cv1.pdf,a1.txt,a2.txt,cv2.pdf", got)
	}
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
}
