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
