package attach

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// exportFS is the files of an ATS export as people leave them: CVs in a
// subfolder, names that differ only by case or extension, macOS and
// Windows debris.
func exportFS() fstest.MapFS {
	files := fstest.MapFS{}
	for _, p := range []string{
		"CVs/cand0018_cv.doc",
		"CVs/Résumé Dana.pdf", // NFC, as Windows and Linux store it
		"CVs/a.doc",
		"old/a.doc",
		"b.pdf",
		"dup/Same.pdf",
		"dup/same.pdf",
		"stem/john.pdf",
		"stem/john.doc",
		"John.Smith.pdf",
		"=cmd.pdf",
		".hidden/c.pdf",
		"CVs/.DS_Store",
		"__MACOSX/CVs/._a.doc",
		"CVs/Thumbs.db",
	} {
		files[p] = &fstest.MapFile{Data: []byte(p)}
	}
	for i := range 7 {
		files[fmt.Sprintf("r%d/report.pdf", i)] = &fstest.MapFile{Data: []byte("r")}
	}
	return files
}

func newTestIndex(t testing.TB, fsys fs.FS, opts IndexOptions) *Index {
	t.Helper()
	ix, err := NewIndex(fsys, opts)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	return ix
}

func TestResolve(t *testing.T) {
	ix := newTestIndex(t, exportFS(), IndexOptions{})
	tests := []struct {
		ref        string
		want       string
		wantErr    string // "ambiguous" or "missing"
		candidates []string
	}{
		{ref: "CVs/cand0018_cv.doc", want: "CVs/cand0018_cv.doc"},
		{ref: `C:\Exports\CVs\cand0018_cv.doc`, want: "CVs/cand0018_cv.doc"},
		{ref: `"C:\Users\hr\Desktop\cand0018_cv.doc"`, want: "CVs/cand0018_cv.doc"},
		{ref: "/home/hr/export/CVs/cand0018_cv.doc", want: "CVs/cand0018_cv.doc"},
		{ref: "cand0018_cv.doc", want: "CVs/cand0018_cv.doc"},
		{ref: "cand0018_cv", want: "CVs/cand0018_cv.doc"},
		{ref: "  CAND0018_CV.DOC ", want: "CVs/cand0018_cv.doc"},
		{ref: `cvs\CAND0018_CV`, want: "CVs/cand0018_cv.doc"},
		{ref: "Re\u0301sume\u0301 Dana.pdf", want: "CVs/Résumé Dana.pdf"}, // NFD, as macOS stores it
		{ref: "RÉSUMÉ DANA", want: "CVs/Résumé Dana.pdf"},
		{ref: "a.doc", wantErr: "ambiguous", candidates: []string{"CVs/a.doc", "old/a.doc"}},
		{ref: `C:\Exports\CVs\a.doc`, want: "CVs/a.doc"},
		{ref: "OLD/A", want: "old/a.doc"},
		{ref: "old/a.doc", want: "old/a.doc"},
		{ref: "dup/Same.pdf", want: "dup/Same.pdf"},
		{ref: "dup/same.pdf", want: "dup/same.pdf"},
		{ref: "dup/SAME.pdf", wantErr: "ambiguous", candidates: []string{"dup/Same.pdf", "dup/same.pdf"}},
		{ref: "john", wantErr: "ambiguous", candidates: []string{"stem/john.doc", "stem/john.pdf"}},
		{ref: "john.pdf", want: "stem/john.pdf"},
		{ref: "John.Smith", want: "John.Smith.pdf"},
		{ref: "report.pdf", wantErr: "ambiguous", candidates: []string{"r0/report.pdf", "r1/report.pdf", "r2/report.pdf", "r3/report.pdf", "r4/report.pdf"}},
		{ref: "r5/report.pdf", want: "r5/report.pdf"},
		{ref: "../b.pdf", want: "b.pdf"},
		{ref: "=cmd.pdf", want: "=cmd.pdf"},
		{ref: "a.pdf", wantErr: "missing"}, // a.doc exists: an extension is never swapped
		{ref: "c.pdf", wantErr: "missing"}, // hidden
		{ref: ".DS_Store", wantErr: "missing"},
		{ref: "__MACOSX/CVs/._a.doc", wantErr: "missing"},
		{ref: "Thumbs.db", wantErr: "missing"},
		{ref: "/etc/passwd", wantErr: "missing"},
		{ref: "", wantErr: "missing"},
		{ref: `..\..`, wantErr: "missing"},
		{ref: "CVs", wantErr: "missing"}, // a folder is not a file
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := ix.Resolve(tt.ref)
			var amb *AmbiguousError
			var nf *NotFoundError
			switch tt.wantErr {
			case "":
				if err != nil || got != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
			case "ambiguous":
				if !errors.As(err, &amb) {
					t.Fatalf("got %q, %v; want an *AmbiguousError", got, err)
				}
				if !slices.Equal(amb.Candidates, tt.candidates) {
					t.Errorf("got candidates %q, want %q", amb.Candidates, tt.candidates)
				}
			case "missing":
				if !errors.As(err, &nf) {
					t.Errorf("got %q, %v; want a *NotFoundError", got, err)
				}
			}
		})
	}
}

func TestAmbiguousErrorMessage(t *testing.T) {
	ix := newTestIndex(t, exportFS(), IndexOptions{})
	_, err := ix.Resolve("report.pdf")
	want := `"report.pdf" matches 7 files: r0/report.pdf, r1/report.pdf, r2/report.pdf, r3/report.pdf, r4/report.pdf and 2 more; name one with its folder`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	_, err = ix.Resolve("john")
	want = `"john" matches 2 files: stem/john.doc, stem/john.pdf; name one with its folder`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestIndexHidden(t *testing.T) {
	all := newTestIndex(t, exportFS(), IndexOptions{IncludeHidden: true})
	for _, ref := range []string{".hidden/c.pdf", "CVs/.DS_Store", "__MACOSX/CVs/._a.doc", "CVs/Thumbs.db"} {
		if got, err := all.Resolve(ref); err != nil || got != ref {
			t.Errorf("with IncludeHidden: got %q, %v; want %q", got, err, ref)
		}
	}
	some := newTestIndex(t, exportFS(), IndexOptions{})
	if got, want := some.Len(), all.Len()-4; got != want {
		t.Errorf("got %d files without hidden ones, want %d", got, want)
	}
}

func TestIndexEntryLimit(t *testing.T) {
	files := fstest.MapFS{}
	for i := range 50 {
		files[fmt.Sprintf("cv%02d.pdf", i)] = &fstest.MapFile{}
	}
	if _, err := NewIndex(files, IndexOptions{MaxEntries: 51}); err != nil {
		t.Errorf("50 files and the top folder under a limit of 51: %v", err)
	}
	_, err := NewIndex(files, IndexOptions{MaxEntries: 50})
	if !errors.Is(err, ErrTooManyEntries) || !strings.Contains(err.Error(), "more than 50") {
		t.Errorf("got %v, want ErrTooManyEntries saying the limit", err)
	}
}

// On disk, through an os.Root: links out of the folder, pipes and links
// to folders are never indexed; a link that stays inside is.
func TestIndexFolder(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.pdf"), "payroll")
	write(filepath.Join(dir, "CVs", "cv.pdf"), "cv")
	link(filepath.Join(outside, "secret.pdf"), filepath.Join(dir, "escape.pdf"))
	link("../"+filepath.Base(outside)+"/secret.pdf", filepath.Join(dir, "relative-escape.pdf"))
	link("CVs/cv.pdf", filepath.Join(dir, "inner-link.pdf"))
	link(outside, filepath.Join(dir, "outside-folder"))
	link("CVs", filepath.Join(dir, "loop"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := OpenFilesDir(dir, ArchiveLimits{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ix := newTestIndex(t, d, IndexOptions{})
	if got, want := ix.Files(), []string{"CVs/cv.pdf", "inner-link.pdf"}; !slices.Equal(got, want) {
		t.Errorf("got files %q, want %q", got, want)
	}
	for _, ref := range []string{"escape.pdf", "relative-escape.pdf", "secret.pdf", "pipe.pdf", "outside-folder/secret.pdf"} {
		if got, err := ix.Resolve(ref); err == nil {
			t.Errorf("Resolve(%q): got %q, want no file", ref, got)
		}
	}
	for _, p := range []string{"pipe.pdf", "escape.pdf", "../secret.pdf"} {
		if f, err := ix.Open(p); err == nil {
			f.Close()
			t.Errorf("Open(%q): got a file, want a refusal", p)
		}
	}
	p, err := ix.Resolve("INNER-LINK")
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(openFS{ix}, p)
	if err != nil || string(got) != "cv" {
		t.Errorf("got %q, %v; want cv", got, err)
	}
}

// openFS lets fs.ReadFile read through an Index.
type openFS struct{ ix *Index }

func (o openFS) Open(p string) (fs.File, error) { return o.ix.Open(p) }

// A macOS zip: names stored decomposed (NFD), a __MACOSX folder of
// resource forks, CVs two folders down.
func TestIndexArchive(t *testing.T) {
	a := openZip(t, []zipEntry{
		{name: "Export/CVs/Re\u0301sume\u0301 Dana.pdf", body: []byte("dana")},
		{name: "__MACOSX/Export/CVs/._Re\u0301sume\u0301 Dana.pdf", body: []byte("fork")},
		{name: "Export/CVs/cand0018_cv.doc", body: []byte("cand18")},
		{name: "Export/big.pdf", body: make([]byte, 2048)},
		{name: "Export/CVs/Andr\x82 M\x81ller.doc", body: []byte("andre")}, // code page 437, from Windows
	}, ArchiveLimits{MaxFileSize: 1024})
	ix := newTestIndex(t, a, IndexOptions{})
	if got := ix.Len(); got != 4 {
		t.Errorf("got %d files, want 3 (the resource fork left out): %q", got, ix.Files())
	}
	tests := []struct{ ref, want string }{
		{"Résumé Dana.pdf", "dana"},
		{`C:\Exports\CVs\cand0018_cv.doc`, "cand18"},
		{"cand0018_cv", "cand18"},
		{"André Müller", "andre"},
	}
	for _, tt := range tests {
		p, err := ix.Resolve(tt.ref)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.ref, err)
			continue
		}
		got, err := fs.ReadFile(openFS{ix}, p)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
	p, err := ix.Resolve("big")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ix.Stat(p); err != nil || st.Size() != 2048 {
		t.Errorf("got %v, %v; want the declared size 2048", st, err)
	}
	if _, err := ix.Open(p); !errors.Is(err, ErrTooLarge) {
		t.Errorf("got %v, want ErrTooLarge", err)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Résumé", "re\u0301sume\u0301"},
		{"CV.PDF", "cv.pdf"},
		{"Straße", "STRAẞE"},
		{"דנה לוי.pdf", "דנה לוי.PDF"},
		{"Kelvin", "\u212aelvin"}, // Kelvin sign folds with K
	}
	for _, tt := range tests {
		if fold(tt.a) != fold(tt.b) {
			t.Errorf("fold(%q) = %q, fold(%q) = %q; want equal", tt.a, fold(tt.a), tt.b, fold(tt.b))
		}
	}
	if fold("a.doc") == fold("a.pdf") {
		t.Error("fold confuses extensions")
	}
}

// FuzzResolve: whatever a cell holds, Resolve does not panic, answers the
// same twice, and answers only with a file it indexed.
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{"", "a.doc", `C:\x\a.doc`, "../../etc/passwd", "/", `\\?\C:\x`, "Re\u0301sume\u0301",
		"john", "\xff\xfe", "CVs/./a.doc", `"a.doc"`, "r1/../report.pdf", "..", "\x00"} {
		f.Add(seed)
	}
	files := exportFS()
	ix := newTestIndex(f, files, IndexOptions{})
	f.Fuzz(func(t *testing.T, ref string) {
		got, err := ix.Resolve(ref)
		again, err2 := ix.Resolve(ref)
		if got != again || (err == nil) != (err2 == nil) {
			t.Fatalf("Resolve(%q) answered %q, %v then %q, %v", ref, got, err, again, err2)
		}
		if err != nil {
			if got != "" {
				t.Fatalf("Resolve(%q) = %q with error %v", ref, got, err)
			}
			return
		}
		if !fs.ValidPath(got) || files[got] == nil || !slices.Contains(ix.Files(), got) {
			t.Fatalf("Resolve(%q) = %q, not an indexed file", ref, got)
		}
	})
}

// BenchmarkResolve resolves names of every kind in an index of 10,000 files.
func BenchmarkResolve(b *testing.B) {
	files := fstest.MapFS{}
	for i := range 10_000 {
		files[fmt.Sprintf("CVs/%02d/cand%05d_cv.pdf", i%50, i)] = &fstest.MapFile{}
	}
	ix := newTestIndex(b, files, IndexOptions{})
	refs := []string{"CVs/07/cand00007_cv.pdf", `C:\Exports\CVs\cand00018_cv.pdf`, "CAND00042_CV", "nobody.pdf"}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range refs {
			ix.Resolve(r)
		}
	}
}

// The ASCII shortcut of fold gives the key the general path gives.
func TestFoldASCIIShortcut(t *testing.T) {
	for c := rune(0); c < utf8.RuneSelf; c++ {
		s := "x" + string(c) + "é" // the é sends it down the general path
		if got, want := fold(string(c)), strings.TrimSuffix(strings.TrimPrefix(fold(s), "X"), fold("é")); got != want {
			t.Errorf("fold(%q) = %q, want %q", c, got, want)
		}
	}
}
