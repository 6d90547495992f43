package attach

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestName(t *testing.T) {
	tests := []struct {
		ref, want, wantErr string
	}{
		{"cv.pdf", "cv.pdf", ""},
		{" sub/cv.pdf ", "sub/cv.pdf", ""},
		{`sub\cv.pdf`, "sub/cv.pdf", ""},
		{"./sub/../cv.pdf", "cv.pdf", ""},
		{"", "", "empty file name"},
		{"../secret.pdf", "", "outside the files directory"},
		{`..\secret.pdf`, "", "outside the files directory"},
		{"sub/../../secret.pdf", "", "outside the files directory"},
		{"/etc/passwd", "", "absolute path"},
		{`\etc\passwd`, "", "absolute path"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := Name(tt.ref)
			switch {
			case tt.wantErr == "" && (err != nil || got != tt.want):
				t.Errorf("Name(%q) = %q, %v; want %q", tt.ref, got, err, tt.want)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Name(%q) = %q, %v; want an error saying %q", tt.ref, got, err, tt.wantErr)
			}
		})
	}
}

// attachOne attaches a resume named ref from files and returns it and the
// problems.
func attachOne(files *Files, ref string) (*comeet.File, []comeet.Problem) {
	c := &comeet.Candidate{Resume: &comeet.File{Path: ref}}
	return c.Resume, files.Attach(c)
}

func readAll(t *testing.T, f *comeet.File) string {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatalf("open %s: %v", f.Path, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", f.Path, err)
	}
	return string(b)
}

// A folder is read through os.Root: a symbolic link out of it is refused,
// one that stays inside is followed.
func TestOpenDir(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.pdf")
	if err := os.WriteFile(secret, []byte("payroll"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cv.pdf"), []byte("%PDF honest"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"escape.pdf": secret, "inner.pdf": "cv.pdf"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}
	files, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	files.Digests = true

	f, ps := attachOne(files, "inner.pdf")
	ps = append(ps, files.Digest(&comeet.Candidate{Resume: f}, noneRecorded)...)
	if len(ps) != 0 {
		t.Fatalf("inner link: got %v, want no problem", ps)
	}
	if f.Name != "inner.pdf" || f.Size != 11 || len(f.SHA256) != 64 || readAll(t, f) != "%PDF honest" {
		t.Errorf("inner link: got %+v", f)
	}
	for ref, want := range map[string]string{
		"escape.pdf":  "outside the files directory",
		"missing.pdf": "does not exist in the files directory",
		"folder":      "is not a regular file",
		secret:        "absolute path",
	} {
		_, ps := attachOne(files, ref)
		if len(ps) != 1 || ps[0].Code != comeet.CodeFileNotFound || ps[0].Field != "resume" || !strings.Contains(ps[0].Message, want) {
			t.Errorf("%s: got %v, want one file_not_found problem saying %q", ref, ps, want)
		}
		if len(ps) == 1 && strings.Contains(ps[0].Message, "payroll") {
			t.Errorf("%s: the message quotes the secret", ref)
		}
	}
}

// Any fs.FS serves: a .zip through archive/zip, and each file is opened
// again from the start for every attempt.
func TestZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("cvs/ann.pdf")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "%PDF ann")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := New(zr)
	c := &comeet.Candidate{
		Resume: &comeet.File{Path: `cvs\ann.pdf`},
		Files:  []*comeet.File{{Path: "cvs/none.pdf"}},
	}
	ps := files.Attach(c)
	if len(ps) != 1 || ps[0].Field != "files[0]" {
		t.Fatalf("got %v, want one problem for files[0]", ps)
	}
	if c.Resume.Name != "ann.pdf" || c.Resume.Size != 8 || c.Resume.SHA256 != "" {
		t.Errorf("got %+v, want ann.pdf of 8 bytes and no digest", c.Resume)
	}
	for range 2 {
		if got := readAll(t, c.Resume); got != "%PDF ann" {
			t.Errorf("read %q", got)
		}
	}
}

func TestDigests(t *testing.T) {
	files := New(fstest.MapFS{"a.pdf": {Data: []byte("abc")}})
	files.Digests = true
	f, ps := attachOne(files, "a.pdf")
	if f.SHA256 != "" {
		t.Errorf("got digest %q before Digest, want none: Attach reads no file", f.SHA256)
	}
	ps = append(ps, files.Digest(&comeet.Candidate{Resume: f}, noneRecorded)...)
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // sha256("abc")
	if len(ps) != 0 || f.SHA256 != want {
		t.Errorf("got %q, %v; want %s", f.SHA256, ps, want)
	}
}

// noneRecorded is a ledger that has recorded no file.
func noneRecorded(*comeet.File) (string, bool) { return "", false }

// A digest the ledger recorded for the same file is taken without reading.
func TestDigestReusesRecorded(t *testing.T) {
	files := New(fstest.MapFS{"a.pdf": {Data: []byte("abc")}})
	files.Digests = true
	f, _ := attachOne(files, "a.pdf")
	f.Open = func() (io.ReadCloser, error) { t.Error("the file was read"); return nil, fs.ErrNotExist }
	ps := files.Digest(&comeet.Candidate{Resume: f}, func(*comeet.File) (string, bool) { return "recorded", true })
	if len(ps) != 0 || f.SHA256 != "recorded" {
		t.Errorf("got %q, %v; want the recorded digest", f.SHA256, ps)
	}
}
