package importer

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// hangGuard is how long a run that must not hang may take before the test
// gives up on it: far beyond any honest run, so it never races the work.
const hangGuard = 2 * time.Minute

// runBounded runs g's config in a goroutine and fails the test if it does
// not end within hangGuard.
func (g *rig) runBounded() (Result, error) {
	g.t.Helper()
	type out struct {
		res Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := Run(context.Background(), g.cfg)
		done <- out{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-time.After(hangGuard):
		g.t.Fatalf("the run did not end within %v: it hangs", hangGuard)
	}
	return Result{}, nil
}

// writeZip writes a .zip of files (name -> content) and returns its path.
func writeZip(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// CVs in a .zip, named the way people name them: a Windows path, another
// case, a name without extension, an ambiguous name, a missing one. The
// match report is written beside the report, privately, and summed up.
func TestFilesFromZipNamedLoosely(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.FilesDir = writeZip(t, filepath.Join(g.dir, "cvs.zip"), map[string]string{
		"Export/CVs/Ann Smith.PDF": "%PDF ann",
		"Export/CVs/bob_cv.docx":   "docx bob",
		"Export/a/cv.pdf":          "%PDF a",
		"Export/b/cv.pdf":          "%PDF b",
		"=unused.pdf":              "%PDF nobody",
		"Export/big.pdf":           strings.Repeat("x", 2000),
	})
	g.cfg.Rules = comeet.DefaultRules()
	g.cfg.Rules.MaxFileSize = 1000
	refs := []string{
		`C:\Users\hr\Export\CVs\ann smith.pdf`, // a Windows path, another case
		"bob_cv",                               // no extension
		"cv.pdf",                               // two files answer
		"carol.pdf",                            // none does
		"",                                     // no file
		"big.pdf",                              // over the limit
	}
	rows := rigRows(1, len(refs))
	for i, ref := range refs {
		rows[i][5] = ref
	}
	g.writeInput(rows)
	for _, dry := range []bool{true, false} {
		g.cfg.DryRun = dry
		res, err := g.runBounded()
		if err != nil {
			t.Fatalf("dry run %v: %v", dry, err)
		}
		lines := g.report()
		ok := report.Created
		if dry {
			ok = report.Valid
		}
		wantRigOutcomes(t, lines, ok, ok, report.Invalid, report.Invalid, ok, report.Invalid)
		for i, code := range map[int]string{2: comeet.CodeAmbiguousFile, 3: comeet.CodeFileNotFound, 5: comeet.CodeFileSizeLimit} {
			if got := lines[i]["error_code"]; got != code {
				t.Errorf("dry run %v, row %d: got code %q (%s), want %q", dry, i+1, got, lines[i]["message"], code)
			}
		}
		if msg := lines[2]["message"]; !strings.Contains(msg, "Export/a/cv.pdf") || !strings.Contains(msg, "Export/b/cv.pdf") {
			t.Errorf("the ambiguous name's message does not list both candidates: %q", msg)
		}
		want := reportStem(g) + ".files.csv"
		if res.Paths.Files != want {
			t.Errorf("Paths.Files = %q, want %q", res.Paths.Files, want)
		}
		st, err := os.Stat(res.Paths.Files)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("match report mode %o, want 600", st.Mode().Perm())
		}
		got := readFile(t, res.Paths.Files)
		for _, line := range []string{
			"file,status,rows",
			"cv.pdf,ambiguous,3",
			"carol.pdf,missing,4",
			"'=unused.pdf,unused,",
			"Export/CVs/Ann Smith.PDF,used,1",
			"Export/CVs/bob_cv.docx,used,2",
		} {
			if !strings.Contains(got, line+"\n") {
				t.Errorf("dry run %v: the match report lacks %q:\n%s", dry, line, got)
			}
		}
		if !strings.Contains(res.Files, "Files: ") || !strings.Contains(res.Files, "1 row names no file (row 5)") {
			t.Errorf("summary line: got %q", res.Files)
		}
	}
	// What was sent: the resolved file's base name, its bytes.
	created := map[string]string{}
	for _, c := range g.srv.Candidates() {
		if c.Candidate.Resume != nil {
			created[c.Candidate.PartnerCandidateID] = c.Candidate.Resume.Name
		}
	}
	if created["P00001"] != "Ann Smith.PDF" || created["P00002"] != "bob_cv.docx" {
		t.Errorf("file names sent: got %v, want Ann Smith.PDF and bob_cv.docx", created)
	}
}

func reportStem(g *rig) string {
	return strings.TrimSuffix(g.cfg.WithDefaults().ReportPath, ".csv")
}

// Without a file field there is no match report, and no path for it.
func TestNoFilesReportWithoutFileField(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.DryRun = true
	g.writeInputWith(rigHeader[:5], [][]string{rigRow(1)[:5]})
	res, err := g.runBounded()
	if err != nil {
		t.Fatal(err)
	}
	if res.Paths.Files != "" || res.Files != "" {
		t.Errorf("got %q, %q; want no match report", res.Paths.Files, res.Files)
	}
	if _, err := os.Stat(reportStem(g) + ".files.csv"); !os.IsNotExist(err) {
		t.Errorf("a match report was written (%v)", err)
	}
}

// Without --files-dir the input's folder is the files folder: exact names
// are found without walking it, and the match report lists none of its
// other files (it could be a home folder).
func TestInputFolderNotListed(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.FilesDir = ""
	g.cfg.DryRun = true
	if err := os.WriteFile(filepath.Join(g.dir, "cv.pdf"), []byte("%PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(g.dir, "private.pdf"), []byte("%PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := rigRows(1, 1)
	rows[0][5] = "cv.pdf"
	g.writeInput(rows)
	res, err := g.runBounded()
	if err != nil {
		t.Fatal(err)
	}
	wantRigOutcomes(t, g.report(), report.Valid)
	got := readFile(t, res.Paths.Files)
	if strings.Contains(got, "private.pdf") || strings.Contains(res.Files, "private.pdf") {
		t.Errorf("the input's folder was listed:\n%s\n%s", got, res.Files)
	}
	if !strings.Contains(got, "cv.pdf,used,1") {
		t.Errorf("match report: got\n%s", got)
	}
}

// A named pipe called cv.pdf in the files folder is refused at once, by
// validate and by import; a run never waits for a writer.
func TestFIFOInFilesDirDoesNotBlock(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	if err := syscall.Mkfifo(filepath.Join(g.cfg.FilesDir, "cv.pdf"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	g.writeFile("ok.pdf", []byte("%PDF ok"))
	rows := rigRows(1, 3)
	rows[0][5], rows[1][5], rows[2][5] = "cv.pdf", "cv", "ok.pdf"
	g.writeInput(rows)
	for _, dry := range []bool{true, false} {
		g.cfg.DryRun = dry
		if _, err := g.runBounded(); err != nil {
			t.Fatal(err)
		}
		lines := g.report()
		ok := report.Created
		if dry {
			ok = report.Valid
		}
		wantRigOutcomes(t, lines, report.Invalid, report.Invalid, ok)
		if lines[0]["error_code"] != comeet.CodeFileNotFound || !strings.Contains(lines[0]["message"], "not a regular file") {
			t.Errorf("dry run %v: got %s %q, want file_not_found saying not a regular file", dry, lines[0]["error_code"], lines[0]["message"])
		}
	}
}

// swapAfterFirstAttempt makes the server take the first attempt's body,
// call swap, and answer 503, so the retry sends what swap left.
func swapAfterFirstAttempt(g *rig, swap func()) {
	g.cfg.Concurrency = 1
	g.cfg.MaxAttempts = 2
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Arrived: swap})
}

// A resume replaced by another of the same size between the check and the
// send: the new bytes are never sent whole, nothing is created, and the row
// says file_changed, not network.
func TestSameSizeFileChangedBeforeSend(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	old := strings.Repeat("A", 5000) // two chunks and more
	g.writeFile("cv.pdf", []byte(old))
	rows := rigRows(1, 1)
	rows[0][5] = "cv.pdf"
	g.writeInput(rows)
	swapAfterFirstAttempt(g, func() { g.writeFile("cv.pdf", []byte(strings.Repeat("B", 5000))) })
	if _, err := g.runBounded(); err != nil {
		t.Fatal(err)
	}
	lines := g.report()
	wantRigOutcomes(t, lines, report.Failed)
	if lines[0]["error_code"] != "file_changed" || !strings.Contains(lines[0]["message"], "re-run") {
		t.Errorf("got %s %q, want file_changed telling to re-run", lines[0]["error_code"], lines[0]["message"])
	}
	if n := g.srv.CreatedCount(rigKey(1)); n != 0 {
		t.Errorf("created %d candidates from a changed file, want 0", n)
	}
	for _, r := range g.srv.Requests() {
		if r.Candidate != nil && r.Candidate.Resume != nil && r.Candidate.Resume.SHA256 == sha256Hex([]byte(strings.Repeat("B", 5000))) {
			t.Error("the server received the new bytes whole")
		}
	}
	if got := g.posts(); got != 2 {
		t.Errorf("got %d POSTs, want 2 (the first attempt and the refused retry)", got)
	}
}

// A resume swapped for a named pipe between the check and the send is
// refused when the retry opens it: the run ends, the row is file_changed.
func TestFileSwappedForFIFOBeforeSend(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeFile("cv.pdf", []byte("%PDF fine"))
	rows := rigRows(1, 1)
	rows[0][5] = "cv.pdf"
	g.writeInput(rows)
	p := filepath.Join(g.cfg.FilesDir, "cv.pdf")
	swapAfterFirstAttempt(g, func() {
		if err := os.Remove(p); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Error(err)
		}
	})
	if _, err := g.runBounded(); err != nil {
		t.Fatal(err)
	}
	lines := g.report()
	wantRigOutcomes(t, lines, report.Failed)
	if lines[0]["error_code"] != "file_changed" || !strings.Contains(lines[0]["message"], "no longer a regular file") {
		t.Errorf("got %s %q, want file_changed: no longer a regular file", lines[0]["error_code"], lines[0]["message"])
	}
	if n := g.srv.CreatedCount(rigKey(1)); n != 0 {
		t.Errorf("created %d, want 0", n)
	}
}

// A hard link inside the files folder may be a file outside it: refused
// unless --allow-hardlinks. A name with a hidden element is refused unless
// --allow-hidden.
func TestHardLinksAndHiddenFiles(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	outside := filepath.Join(g.dir, "payroll.pdf")
	if err := os.WriteFile(outside, []byte("%PDF payroll"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(outside, filepath.Join(g.cfg.FilesDir, "cv.pdf")); err != nil {
		t.Skipf("link: %v", err)
	}
	if err := os.Mkdir(filepath.Join(g.cfg.FilesDir, ".docker"), 0o700); err != nil {
		t.Fatal(err)
	}
	g.writeFile(".docker/config.pdf", []byte("%PDF credentials"))
	rows := rigRows(1, 3)
	rows[0][5], rows[1][5], rows[2][5] = "cv.pdf", ".docker/config.pdf", "config.pdf"
	g.writeInput(rows)
	g.cfg.DryRun = true
	if _, err := g.runBounded(); err != nil {
		t.Fatal(err)
	}
	lines := g.report()
	wantRigOutcomes(t, lines, report.Invalid, report.Invalid, report.Invalid)
	for i, want := range []string{"hard link", "hidden", "does not exist"} {
		if !strings.Contains(lines[i]["message"], want) || lines[i]["error_code"] != comeet.CodeFileNotFound {
			t.Errorf("row %d: got %s %q, want file_not_found saying %q", i+1, lines[i]["error_code"], lines[i]["message"], want)
		}
	}
	g.cfg.AllowHardlinks, g.cfg.AllowHidden = true, true
	if _, err := g.runBounded(); err != nil {
		t.Fatal(err)
	}
	wantRigOutcomes(t, g.report(), report.Valid, report.Valid, report.Valid)
}
