package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// fileNames is the names of the files Comeet holds for uid, in order.
func (g *rig) fileNames(uid string) string {
	var names []string
	for _, f := range g.srv.Files(uid) {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

// wantSettled runs again and wants the row skipped at no request: what
// the ledger held in doubt is settled.
func (g *rig) wantSettled() {
	g.t.Helper()
	before := len(g.srv.Requests())
	_, lines := g.mustRun()
	wantRigOutcomes(g.t, lines, report.Skipped)
	if got := len(g.srv.Requests()) - before; got != 0 {
		g.t.Errorf("a settled row cost %d requests, want 0", got)
	}
}

// filesRig is a rig whose rows have a files column, with the files on disk.
func filesRig(t *testing.T, names ...string) (*rig, []string) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update, g.cfg.Concurrency = true, 1
	for _, name := range names {
		g.writeFile(name, []byte("content of "+name))
	}
	return g, append(slices.Clone(syncHeader), "files")
}

// The files of a row are a set, compared by content: put in another order
// in the cell they are not added again, and a new one put first adds only
// itself.
func TestUpdateFilesAreASetNotPositions(t *testing.T) {
	g, header := filesRig(t, "a.pdf", "b.pdf", "c.pdf", "new.pdf")
	row := append(syncRow(1), "a.pdf;b.pdf;c.pdf")
	g.writeInputWith(header, [][]string{row})
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Created)
	uid := lines[0]["candidate_uid"]

	row[6], row[8] = "+1 555 0199", "c.pdf;b.pdf;a.pdf"
	g.writeInputWith(header, [][]string{row})
	posts := g.requests("POST", "/candidates/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if got := g.requests("POST", "/candidates/") - posts; got != 0 {
		t.Errorf("reordered files: %d files added (%s), want none", got, g.fileNames(uid))
	}

	row[8] = "new.pdf;c.pdf;b.pdf;a.pdf"
	g.writeInputWith(header, [][]string{row})
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if got, want := g.fileNames(uid), "a.pdf,b.pdf,c.pdf,new.pdf"; got != want {
		t.Errorf("Comeet holds %s, want %s", got, want)
	}
	if msg := lines[0]["message"]; msg != "added file new.pdf (files)" {
		t.Errorf("message %q, want only new.pdf added", msg)
	}
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
}

// htmlOK is a 2xx that is not Comeet's answer: a proxy's page, or an
// answer cut on the way. The request was applied (Apply).
var htmlOK = comeettest.Fault{Kind: comeettest.FaultAnswer, Apply: true,
	Raw: comeettest.RawAnswer{Status: 200, ContentType: "text/html", Body: []byte("<html><body>OK</body></html>")}}

// phoneIn is the phone Comeet holds for uid.
func (g *rig) phoneIn(uid string) string {
	for _, st := range g.srv.Candidates() {
		if st.UID == uid {
			return st.Candidate.Phone
		}
	}
	g.t.Fatalf("no candidate %s in Comeet", uid)
	return ""
}

// An update applied whose answer was lost stays in doubt: when the sheet
// then goes back to the value the ledger had, the next --update run reads
// the candidate back and sends the sheet's value, instead of skipping the
// row forever while Comeet holds a value the sheet no longer has.
func TestUpdateWhoseAnswerWasLostIsReadBack(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update, g.cfg.Concurrency = true, 1
	rows := syncRows(1, 1)
	uid := g.createSync(rows)[0]
	old := rows[0][6]

	rows[0][6] = "+1 555 0199"
	g.writeInputWith(syncHeader, rows)
	g.srv.Inject(htmlOK)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Failed)
	if code := lines[0]["error_code"]; code != "uncertain_outcome" {
		t.Fatalf("lost answer: code %q, want uncertain_outcome", code)
	}
	if got := g.phoneIn(uid); got != "+1 555 0199" {
		t.Fatalf("the PATCH was not applied (phone %q): the test proves nothing", got)
	}

	rows[0][6] = old // the sheet is back to what the ledger recorded
	g.writeInputWith(syncHeader, rows)

	// validate --update says what the import would do, and sends nothing.
	g.cfg.DryRun = true
	before := len(g.srv.Requests())
	sum, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Valid)
	if msg := lines[0]["message"]; !strings.Contains(msg, "would read the candidate back") {
		t.Errorf("validate: message %q, want the read-back named", msg)
	}
	if p := sum.Planned; p == nil || p.Search != 1 || p.Update != 1 {
		t.Errorf("validate: planned %+v, want 1 read-back and 1 update", p)
	}
	if got := len(g.srv.Requests()) - before; got != 0 {
		t.Errorf("validate sent %d requests", got)
	}
	g.cfg.DryRun = false

	gets, patches := g.requests("GET", "/candidates/"), g.requests("PATCH", "/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	if got := g.phoneIn(uid); got != old {
		t.Errorf("Comeet holds phone %q, want the sheet's %q", got, old)
	}
	if got := g.requests("GET", "/candidates/") - gets; got != 1 {
		t.Errorf("read the candidate back %d times, want 1", got)
	}
	if got := g.requests("PATCH", "/") - patches; got != 1 {
		t.Errorf("sent %d PATCHes, want 1", got)
	}

	g.wantSettled()
}

// When the read-back shows that the lost update had arrived and the sheet
// still says the same, nothing is sent again and the doubt is settled.
func TestUpdateInDoubtThatArrivedIsSettledByReading(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update, g.cfg.Concurrency = true, 1
	rows := syncRows(1, 1)
	uid := g.createSync(rows)[0]
	rows[0][6] = "+1 555 0199"
	g.writeInputWith(syncHeader, rows)
	g.srv.Inject(htmlOK)
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Failed)

	// Without --update the row is not silently skipped as done.
	g.cfg.Update = false
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
	if msg := lines[0]["message"]; !strings.Contains(msg, "--update") {
		t.Errorf("message %q, want it to name --update", msg)
	}

	g.cfg.Update = true
	patches := g.requests("PATCH", "/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
	if msg := lines[0]["message"]; !strings.Contains(msg, "read back") {
		t.Errorf("message %q, want it to say the candidate was read back", msg)
	}
	if got := g.requests("PATCH", "/") - patches; got != 0 {
		t.Errorf("sent %d PATCHes, want none: Comeet holds the sheet's phone", got)
	}
	if got := g.phoneIn(uid); got != "+1 555 0199" {
		t.Errorf("Comeet holds %q", got)
	}
	g.wantSettled()
}

// A file POST answered with a cut or HTML 2xx may have been added: the
// next run reads the candidate's files back and does not add it again.
func TestFileWhoseAnswerWasLostIsNotAddedTwice(t *testing.T) {
	g, header := filesRig(t, "a.pdf", "b.pdf")
	row := append(syncRow(1), "a.pdf")
	g.writeInputWith(header, [][]string{row})
	_, lines := g.mustRun()
	wantRigOutcomes(t, lines, report.Created)
	uid := lines[0]["candidate_uid"]

	row[8] = "a.pdf;b.pdf"
	g.writeInputWith(header, [][]string{row})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Apply: true,
		Raw: comeettest.RawAnswer{Status: 201, ContentType: "application/json", Body: []byte(`{"name": "b.p`)}})
	_, lines = g.mustRun()
	if msg := lines[0]["message"]; !strings.Contains(msg, "may have been added") {
		t.Errorf("message %q, want it to say the file may have been added", msg)
	}
	if got := g.fileNames(uid); got != "a.pdf,b.pdf" {
		t.Fatalf("Comeet holds %s: the fault did not apply the file", got)
	}

	posts := g.requests("POST", "/candidates/")
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Skipped)
	if got := g.fileNames(uid); got != "a.pdf,b.pdf" {
		t.Errorf("Comeet holds %s, want a.pdf,b.pdf: the file was added twice", got)
	}
	if got := g.requests("POST", "/candidates/") - posts; got != 0 {
		t.Errorf("sent %d files again, want none", got)
	}
	if got := g.requests("GET", "/candidates/"+uid+"/files"); got != 1 {
		t.Errorf("read the files back %d times, want 1", got)
	}
	g.wantSettled()
}

// A file left in doubt that the sheet then drops does not hold the row
// back; put back in the sheet, it is read back, not added a second time.
func TestFileInDoubtDroppedThenPutBack(t *testing.T) {
	g, header := filesRig(t, "a.pdf", "b.pdf")
	row := append(syncRow(1), "a.pdf")
	g.writeInputWith(header, [][]string{row})
	_, lines := g.mustRun()
	uid := lines[0]["candidate_uid"]

	row[8] = "a.pdf;b.pdf"
	g.writeInputWith(header, [][]string{row})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultLostReply}) // added, answered 502
	g.mustRun()

	row[6], row[8] = "+1 555 0199", "a.pdf" // b.pdf dropped, the phone changed
	g.writeInputWith(header, [][]string{row})
	_, lines = g.mustRun()
	wantRigOutcomes(t, lines, report.Updated)
	g.wantSettled()

	row[8] = "a.pdf;b.pdf"
	g.writeInputWith(header, [][]string{row})
	posts := g.requests("POST", "/candidates/")
	_, lines = g.mustRun()
	if msg := lines[0]["message"]; !strings.Contains(msg, "b.pdf (files) had been added (read back)") {
		t.Errorf("message %q, want b.pdf found by reading back", msg)
	}
	if got := g.requests("POST", "/candidates/") - posts; got != 0 || g.fileNames(uid) != "a.pdf,b.pdf" {
		t.Errorf("sent %d files; Comeet holds %s, want a.pdf,b.pdf", got, g.fileNames(uid))
	}
	g.wantSettled()
}

func TestRemovedMessage(t *testing.T) {
	for _, tc := range []struct {
		slots []string
		want  string
	}{
		{[]string{"files"}, "1 file (files) removed from the sheet stays in Comeet"},
		{[]string{"files", "resume", "files"}, "1 file (resume), 2 files (files) removed from the sheet stay in Comeet"},
	} {
		if got := removedMessage(tc.slots); got != tc.want {
			t.Errorf("removedMessage(%v) = %q, want %q", tc.slots, got, tc.want)
		}
	}
}
