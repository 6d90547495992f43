package attach

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// zipEntry is one entry of a test archive. With raw set, body is written
// as already-compressed data under the header as given, so a test can lie
// about sizes, flags and modes.
type zipEntry struct {
	name  string
	body  []byte
	mode  fs.FileMode // 0: a plain file
	store bool        // stored, not deflated: quicker for many tiny entries
	raw   *zip.FileHeader
}

func writeZip(t testing.TB, entries []zipEntry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "files.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		var w io.Writer
		switch {
		case e.raw != nil:
			w, err = zw.CreateRaw(e.raw)
		default:
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			if e.store {
				h.Method = zip.Store
			}
			if e.mode != 0 {
				h.SetMode(e.mode)
			}
			w, err = zw.CreateHeader(h)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed) // fails only for a bad level
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// rawEntry is an entry whose header says what the test wants, whatever
// the data is.
func rawEntry(name string, data []byte, declared uint64, flags uint16) zipEntry {
	compressed := deflate(data)
	return zipEntry{name: name, body: compressed, raw: &zip.FileHeader{
		Name: name, Method: zip.Deflate, Flags: flags,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(len(compressed)),
		UncompressedSize64: declared,
	}}
}

func openZip(t *testing.T, entries []zipEntry, limits ArchiveLimits) *Archive {
	t.Helper()
	a, err := OpenArchive(writeZip(t, entries), limits)
	if err != nil {
		t.Fatalf("OpenArchive: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestArchiveIsAnFS(t *testing.T) {
	a := openZip(t, []zipEntry{
		{name: "export/"},
		{name: "export/CVs/cand0001_cv.pdf", body: []byte("%PDF-1.4 one")},
		{name: `export\CVs\cand0002_cv.doc`, body: []byte("two")},
		{name: "photo.jpg", body: []byte("jpeg")},
	}, ArchiveLimits{})
	if err := fstest.TestFS(a, "export/CVs/cand0001_cv.pdf", "export/CVs/cand0002_cv.doc", "photo.jpg"); err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(a, "export/CVs/cand0002_cv.doc")
	if err != nil || string(got) != "two" {
		t.Errorf("got %q, %v; want %q", got, err, "two")
	}
	if got, want := strings.Join(a.Names(), ","), "export/CVs/cand0001_cv.pdf,export/CVs/cand0002_cv.doc,photo.jpg"; got != want {
		t.Errorf("got names %s, want %s", got, want)
	}
}

// A hostile archive is refused as a whole, with a message that names the
// entry, before any byte of any entry is inflated.
func TestOpenArchiveRefusesHostileNames(t *testing.T) {
	file := func(name string) zipEntry { return zipEntry{name: name, body: []byte("x")} }
	tests := []struct {
		name    string
		entries []zipEntry
		want    error
		culprit string
	}{
		{"climbs out", []zipEntry{file("ok.pdf"), file("../evil.sh")}, ErrUnsafeName, "../evil.sh"},
		{"climbs out from a folder", []zipEntry{file("a/../../evil.sh")}, ErrUnsafeName, "a/../../evil.sh"},
		{"climbs back in", []zipEntry{file("a/../b.pdf")}, ErrUnsafeName, "a/../b.pdf"},
		{"absolute", []zipEntry{file("/etc/cron.d/evil")}, ErrUnsafeName, "/etc/cron.d/evil"},
		{"drive letter", []zipEntry{file("C:/Windows/evil.dll")}, ErrUnsafeName, "C:/Windows/evil.dll"},
		{"drive-relative", []zipEntry{file("c:evil.dll")}, ErrUnsafeName, "c:evil.dll"},
		{"backslash climb", []zipEntry{file(`..\evil.sh`)}, ErrUnsafeName, `..\\evil.sh`},
		{"backslash climb from a folder", []zipEntry{file(`CVs\..\..\evil.sh`)}, ErrUnsafeName, `CVs\\..\\..\\evil.sh`},
		{"backslash absolute", []zipEntry{file(`\Windows\evil.dll`)}, ErrUnsafeName, `\\Windows\\evil.dll`},
		{"UNC", []zipEntry{file(`\\server\share\evil`)}, ErrUnsafeName, `\\\\server`},
		{"NUL", []zipEntry{file("cv.pdf\x00.sh")}, ErrUnsafeName, `cv.pdf\x00.sh`},
		{"symlink", []zipEntry{{name: "cv.pdf", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}, ErrLink, "cv.pdf"},
		{"pipe", []zipEntry{{name: "cv.pdf", mode: fs.ModeNamedPipe | 0o644}}, ErrIrregular, "cv.pdf"},
		{"device", []zipEntry{{name: "cv.pdf", mode: fs.ModeDevice | 0o644}}, ErrIrregular, "cv.pdf"},
		{"duplicate", []zipEntry{file("CVs/a.pdf"), file("CVs/a.pdf")}, ErrDuplicate, "CVs/a.pdf"},
		{"duplicate through a backslash", []zipEntry{file("CVs/a.pdf"), file(`CVs\a.pdf`)}, ErrDuplicate, `CVs\\a.pdf`},
		{"duplicate through a dot", []zipEntry{file("CVs/a.pdf"), file("CVs/./a.pdf")}, ErrDuplicate, "CVs/./a.pdf"},
		{"file and folder", []zipEntry{file("CVs"), file("CVs/a.pdf")}, ErrDuplicate, "CVs"},
		{"folder then file", []zipEntry{{name: "CVs/"}, file("CVs")}, ErrDuplicate, "CVs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := OpenArchive(writeZip(t, tt.entries), ArchiveLimits{})
			if err == nil {
				a.Close()
				t.Fatal("got an archive, want it refused")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			var ee *EntryError
			if !errors.As(err, &ee) {
				t.Fatalf("got %T, want *EntryError", err)
			}
			if !strings.Contains(err.Error(), tt.culprit) {
				t.Errorf("got %q, want it to name %s", err, tt.culprit)
			}
		})
	}
}

// prose is n bytes of words in a random order: it compresses about as
// well as a CV's text does.
func prose(n int) []byte {
	words := strings.Fields("Dana Levi software engineer Tel Aviv experience with Go Python distributed systems team lead " +
		"university degree computer science languages Hebrew English references available on request 2019 2024 projects")
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.Bytes()[:n]
}

func manyEntries(n int) []zipEntry {
	entries := make([]zipEntry, n)
	for i := range entries {
		entries[i] = zipEntry{name: fmt.Sprintf("CVs/%02d/cand%05d_cv.pdf", i%50, i), body: []byte("cv"), store: true}
	}
	return entries
}

func TestOpenArchiveEntryLimit(t *testing.T) {
	p := writeZip(t, manyEntries(10_000))
	a, err := OpenArchive(p, ArchiveLimits{})
	if err != nil {
		t.Fatalf("10,000 entries under the default limit: %v", err)
	}
	if got := len(a.Names()); got != 10_000 {
		t.Errorf("got %d files, want 10000", got)
	}
	a.Close()
	for _, limit := range []int{9_999, 100} {
		_, err = OpenArchive(p, ArchiveLimits{MaxEntries: limit})
		if !errors.Is(err, ErrTooManyEntries) {
			t.Fatalf("limit %d: got %v, want ErrTooManyEntries", limit, err)
		}
		if !strings.Contains(err.Error(), "10000") || !strings.Contains(err.Error(), fmt.Sprint(limit)) {
			t.Errorf("got %q, want the count and the limit", err)
		}
	}
}

// The entry count is also checked after reading the directory, for the
// archives whose end record the quick check cannot read.
func TestCheckedEntryCountAfterReading(t *testing.T) {
	p := writeZip(t, manyEntries(20))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n, ok := declaredEntries(f, 21); ok {
		t.Errorf("a truncated tail: got %d, true; want false", n)
	}
	st, _ := f.Stat()
	if n, ok := declaredEntries(f, st.Size()); !ok || n != 20 {
		t.Errorf("got %d, %v; want 20, true", n, ok)
	}
}

// Entries that are refused one by one: the archive opens, the rows that
// name them get a problem.
func TestOpenEntryRefusals(t *testing.T) {
	zeros := make([]byte, 1<<20)
	text := prose(300 << 10)
	a := openZip(t, []zipEntry{
		{name: "big.pdf", body: bytes.Repeat([]byte("x"), 2048)},
		{name: "small.pdf", body: []byte("fits")},
		rawEntry("locked.pdf", []byte("secret"), 6, 0x1),
		rawEntry("bomb.pdf", zeros, uint64(len(zeros)), 0),
		rawEntry("prose.txt", text, uint64(len(text)), 0),
	}, ArchiveLimits{MaxFileSize: 1 << 20})
	tests := []struct {
		name string
		want error
	}{
		{"locked.pdf", ErrEncrypted},
		{"bomb.pdf", ErrCompressionRatio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Open(tt.name)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("got %v, want %v naming %s", err, tt.want, tt.name)
			}
		})
	}
	small := openZip(t, []zipEntry{{name: "big.pdf", body: bytes.Repeat([]byte("x"), 2048)}}, ArchiveLimits{MaxFileSize: 1024})
	if _, err := small.Open("big.pdf"); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "2048") {
		t.Errorf("got %v, want ErrTooLarge with the size", err)
	}
	if st, err := fs.Stat(small, "big.pdf"); err != nil || st.Size() != 2048 {
		t.Errorf("stat of a too large entry: got %v, %v; want its size 2048", st, err)
	}
	if got, err := fs.ReadFile(a, "prose.txt"); err != nil || !bytes.Equal(got, text) {
		t.Errorf("prose compressing %d times: got %d bytes, %v; want it read whole", len(text)/len(deflate(text)), len(got), err)
	}
}

// A zip bomb that declares a small size and inflates to much more is cut
// off one byte past what it declared.
func TestReadStopsAtDeclaredSize(t *testing.T) {
	zeros := make([]byte, 1<<20)
	for _, declared := range []uint64{0, 100, 200 << 10} {
		t.Run(fmt.Sprint(declared), func(t *testing.T) {
			a := openZip(t, []zipEntry{rawEntry("cv.pdf", zeros, declared, 0)}, ArchiveLimits{})
			f, err := a.Open("cv.pdf")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n, err := io.Copy(io.Discard, f)
			if !errors.Is(err, ErrSizeMismatch) || !strings.Contains(err.Error(), "cv.pdf") {
				t.Errorf("got %v, want ErrSizeMismatch naming cv.pdf", err)
			}
			if uint64(n) > declared {
				t.Errorf("read %d bytes, want at most the %d declared", n, declared)
			}
		})
	}
}

func TestArchiveOpenMissing(t *testing.T) {
	a := openZip(t, []zipEntry{{name: "CVs/a.pdf", body: []byte("a")}}, ArchiveLimits{})
	for _, name := range []string{"b.pdf", "CVs/b.pdf", "../CVs/a.pdf", "/CVs/a.pdf", "CVs/a.pdf/x"} {
		if f, err := a.Open(name); err == nil {
			f.Close()
			t.Errorf("Open(%q): got a file, want an error", name)
		}
	}
	if _, err := a.Stat("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
}

func TestOpenArchiveNotAZip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cvs.zip")
	if err := os.WriteFile(p, []byte("name,email\nDana,dana@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenArchive(p, ArchiveLimits{}); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("got %v, want an error naming %s", err, p)
	}
	if _, err := OpenArchive(filepath.Join(t.TempDir(), "none.zip"), ArchiveLimits{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
}

func TestArchiveConcurrentReads(t *testing.T) {
	entries := make([]zipEntry, 8)
	for i := range entries {
		entries[i] = zipEntry{name: fmt.Sprintf("cv%d.txt", i), body: bytes.Repeat([]byte{byte('a' + i)}, 10_000)}
	}
	a := openZip(t, entries, ArchiveLimits{})
	var wg sync.WaitGroup
	errs := make(chan error, len(entries))
	for i := range entries {
		wg.Go(func() {
			got, err := fs.ReadFile(a, entries[i].name)
			if err == nil && !bytes.Equal(got, entries[i].body) {
				err = fmt.Errorf("%s: got other bytes", entries[i].name)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestOpenFilesDir(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.pdf")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cv.pdf"), []byte("cv"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "escape.pdf")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenFilesDir(dir, ArchiveLimits{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got, err := fs.ReadFile(d, "cv.pdf"); err != nil || string(got) != "cv" {
		t.Errorf("got %q, %v; want cv", got, err)
	}
	if got, err := fs.ReadFile(d, "escape.pdf"); err == nil {
		t.Errorf("read %q through a link out of the folder", got)
	}

	zipPath := writeZip(t, []zipEntry{{name: "a.pdf", body: []byte("a")}})
	upper := filepath.Join(filepath.Dir(zipPath), "CVS.ZIP")
	if err := os.Rename(zipPath, upper); err != nil {
		t.Fatal(err)
	}
	z, err := OpenFilesDir(upper, ArchiveLimits{})
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if _, ok := z.(*Archive); !ok {
		t.Errorf("got %T, want *Archive", z)
	}
	if _, err := OpenFilesDir(outside, ArchiveLimits{}); err == nil || !strings.Contains(err.Error(), "neither a folder nor a .zip") {
		t.Errorf("got %v, want a refusal of a plain file", err)
	}
}

// FuzzCleanEntryName: a stored name is either refused or becomes a valid
// fs.FS path with no way up and no drive, whatever bytes it holds.
func FuzzCleanEntryName(f *testing.F) {
	for _, seed := range []string{"a.pdf", "../x", `..\x`, "/x", "C:x", `\\srv\x`, "a/./b", "a//b", "a/", ".", "\x00", "é/\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, stored string) {
		name, err := cleanEntryName(stored)
		if err != nil {
			return
		}
		if !fs.ValidPath(name) || name == "." || hasDrive(name) || strings.Contains(name, `\`) {
			t.Fatalf("cleanEntryName(%q) = %q", stored, name)
		}
		for _, elem := range strings.Split(name, "/") {
			if elem == ".." {
				t.Fatalf("cleanEntryName(%q) = %q climbs out", stored, name)
			}
		}
	})
}

// BenchmarkReadEntry streams a 6 MiB entry: the bytes allocated per read
// show that it is never held whole in memory.
func BenchmarkReadEntry(b *testing.B) {
	body := prose(int(6 << 20))
	a, err := OpenArchive(writeZip(b, []zipEntry{{name: "cv.txt", body: body}}), ArchiveLimits{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		f, err := a.Open("cv.txt")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkOpenArchive10k opens and indexes an archive of 10,000 CVs.
func BenchmarkOpenArchive10k(b *testing.B) {
	p := writeZip(b, manyEntries(10_000))
	b.ReportAllocs()
	for b.Loop() {
		a, err := OpenArchive(p, ArchiveLimits{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := NewIndex(a, IndexOptions{}); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}
