package attach

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// countingFS counts the folder listings a walk makes.
type countingFS struct {
	fstest.MapFS
	reads *atomic.Int32
}

func (c countingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	c.reads.Add(1)
	return c.MapFS.ReadDir(name)
}

// A cell resolves as a person means it; the index is built only for the
// first name that is not an exact path.
func TestAttachResolvesLikePeopleName(t *testing.T) {
	var reads atomic.Int32
	files := New(countingFS{MapFS: fstest.MapFS{
		"CVs/Ann Smith.PDF":  {Data: []byte("%PDF ann")},
		"CVs/bob_cv.docx":    {Data: []byte("bob")},
		"a/cv.pdf":           {Data: []byte("a")},
		"b/cv.pdf":           {Data: []byte("b")},
		"Résumés/Zoë.pdf":    {Data: []byte("zoe")},
		".hidden/secret.pdf": {Data: []byte("secret")},
	}, reads: &reads})
	f, ps := attachOne(files, "CVs/bob_cv.docx")
	if len(ps) != 0 || f.Name != "bob_cv.docx" {
		t.Fatalf("exact: got %+v, %v", f, ps)
	}
	if n := reads.Load(); n != 0 {
		t.Errorf("an exact name walked the folder (%d listings)", n)
	}
	tests := []struct {
		ref, name, code, says string
	}{
		{`C:\Exports\CVs\ann smith.pdf`, "Ann Smith.PDF", "", ""},
		{"/home/hr/CVs/Ann Smith.PDF", "Ann Smith.PDF", "", ""},
		{"bob_cv", "bob_cv.docx", "", ""},
		{"re\u0301sume\u0301s/zoe\u0308.PDF", "Zoë.pdf", "", ""}, // NFD, other case
		{"cv.pdf", "", comeet.CodeAmbiguousFile, "a/cv.pdf, b/cv.pdf"},
		{`x\b\cv.pdf`, "cv.pdf", "", ""}, // the folder decides
		{"carol.pdf", "", comeet.CodeFileNotFound, "does not exist"},
		{"secret.pdf", "", comeet.CodeFileNotFound, "does not exist"}, // hidden folders are not indexed
		{".hidden/secret.pdf", "", comeet.CodeFileNotFound, "hidden"},
		{"/etc/passwd", "", comeet.CodeFileNotFound, "absolute path"},
	}
	for _, tt := range tests {
		f, ps := attachOne(files, tt.ref)
		switch {
		case tt.code == "" && (len(ps) != 0 || f.Name != tt.name):
			t.Errorf("%q: got name %q, %v; want %q", tt.ref, f.Name, ps, tt.name)
		case tt.code != "" && (len(ps) != 1 || ps[0].Code != tt.code || !strings.Contains(ps[0].Message, tt.says)):
			t.Errorf("%q: got %v; want %s saying %q", tt.ref, ps, tt.code, tt.says)
		}
	}
	if n := reads.Load(); n == 0 || n > 10 {
		t.Errorf("got %d listings, want one walk (a few folders)", n)
	}
}

// The match report records what AttachRow found; with List it also lists
// the files no row uses, without it none.
func TestAttachRowUsage(t *testing.T) {
	fsys := fstest.MapFS{"a.pdf": {Data: []byte("a")}, "b.pdf": {Data: []byte("b")}}
	for _, list := range []bool{false, true} {
		files := newFiles(fsys, Options{List: list})
		files.AttachRow(2, &comeet.Candidate{Resume: &comeet.File{Path: "a.pdf"}})
		files.AttachRow(3, &comeet.Candidate{Resume: &comeet.File{Path: "c"}})
		files.AttachRow(4, &comeet.Candidate{})
		var b strings.Builder
		if err := files.Usage().WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		want := "file,status,rows\nc,missing,3\na.pdf,used,2\n"
		if list {
			want = "file,status,rows\nc,missing,3\nb.pdf,unused,\na.pdf,used,2\n"
		}
		if b.String() != want {
			t.Errorf("list %v: got\n%s\nwant\n%s", list, b.String(), want)
		}
		if s := files.Usage().Summary(); !strings.Contains(s, "1 row names no file (row 4)") {
			t.Errorf("list %v: summary %q", list, s)
		}
	}
}

// A named pipe is refused without blocking, found by exact name or not;
// a file swapped for one after the check fails its Open as changed.
func TestAttachNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	writeTestFile(t, filepath.Join(dir, "cv.pdf"), "%PDF cv")
	files, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	files.Digests = true
	for _, ref := range []string{"pipe.pdf", "pipe"} {
		if _, ps := attachOne(files, ref); len(ps) != 1 {
			t.Errorf("%s: got %v, want one problem", ref, ps)
		}
	}
	f, ps := attachOne(files, "cv.pdf")
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	os.Remove(filepath.Join(dir, "cv.pdf"))
	if err := syscall.Mkfifo(filepath.Join(dir, "cv.pdf"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = f.Open()
	var changed *comeet.FileChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "no longer a regular file") {
		t.Errorf("open after the swap: got %v, want a FileChangedError", err)
	}
}

// A file with a second hard link is refused unless allowed; so is a
// hidden name, unless allowed.
func TestAttachHardLinkAndHidden(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	writeTestFile(t, filepath.Join(outside, "payroll.pdf"), "%PDF payroll")
	if err := os.Link(filepath.Join(outside, "payroll.pdf"), filepath.Join(dir, "cv.pdf")); err != nil {
		t.Skipf("link: %v", err)
	}
	writeTestFile(t, filepath.Join(dir, ".env.pdf"), "%PDF env")
	for _, allow := range []bool{false, true} {
		files, err := Open(dir, Options{AllowHardlinks: allow, AllowHidden: allow})
		if err != nil {
			t.Fatal(err)
		}
		for ref, says := range map[string]string{"cv.pdf": "hard link", ".env.pdf": "hidden"} {
			_, ps := attachOne(files, ref)
			switch {
			case allow && len(ps) != 0:
				t.Errorf("%s allowed: got %v", ref, ps)
			case !allow && (len(ps) != 1 || !strings.Contains(ps[0].Message, says)):
				t.Errorf("%s: got %v, want a problem saying %q", ref, ps, says)
			}
		}
		files.Close()
	}
}

// An archive entry over the size limit gets its declared size and is never
// read, so the rules refuse it as file_size_limit.
func TestAttachArchiveEntryTooLarge(t *testing.T) {
	path := writeZip(t, []zipEntry{
		{name: "in/big.pdf", body: []byte(strings.Repeat("x", 5000))},
		{name: "in/ok.pdf", body: []byte("%PDF")},
	})
	files, err := Open(path, Options{MaxFileSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	files.Digests = true
	f, ps := attachOne(files, "big.pdf")
	if len(ps) != 0 || f.Size != 5000 || f.SHA256 != "" {
		t.Errorf("got %+v, %v; want size 5000, no digest, no attach problem", f, ps)
	}
	r := comeet.DefaultRules()
	r.MaxFileSize = 1000
	var codes []string
	for _, p := range r.Check(&comeet.Candidate{Resume: f}) {
		if p.Field == "resume" {
			codes = append(codes, p.Code)
		}
	}
	if len(codes) != 1 || codes[0] != comeet.CodeFileSizeLimit {
		t.Errorf("rules: got %v for the resume, want file_size_limit", codes)
	}
	f, ps = attachOne(files, "in/ok.pdf")
	if len(ps) != 0 || readAll(t, f) != "%PDF" {
		t.Errorf("ok.pdf: %v", ps)
	}
}

func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
