package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
)

// hangGuard bounds a test that would otherwise hang on a blocked read; it
// is not a measure of speed.
const hangGuard = 60 * time.Second

// encodeUTF16 encodes s as UTF-16 without a byte-order mark.
func encodeUTF16(s string, bigEndian bool) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestReaderUTF16WithoutBOM(t *testing.T) {
	text := "name,email\nDana,dana@example.com\nשי,shai@example.com\n"
	for _, tt := range []struct {
		name string
		big  bool
		want string
	}{
		{"big endian", true, EncodingUTF16BE},
		{"little endian", false, EncodingUTF16LE},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(encodeUTF16(text, tt.big)), Options{})
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if got := r.Encoding(); got != tt.want {
				t.Errorf("got encoding %q, want %q", got, tt.want)
			}
			if got := r.Header(); len(got) != 2 || got[0] != "name" || got[1] != "email" {
				t.Errorf("got header %q, want [name email]", got)
			}
			checkRecords(t, readAll(t, r), []rec{
				{1, 2, []string{"Dana", "dana@example.com"}, ""},
				{2, 3, []string{"שי", "shai@example.com"}, ""},
			})
		})
	}
}

func TestReaderRefusesCharactersThatAreNotText(t *testing.T) {
	lone := append([]byte{0xFF, 0xFE}, encodeUTF16("a,b\n1,x", false)...)
	lone = append(lone, 0x00, 0xD8) // a high surrogate with no low one
	lone = append(lone, encodeUTF16("y\n2,z\n", false)...)
	tests := []struct {
		name string
		in   []byte
		want []rec
	}{
		{
			name: "NUL",
			in:   []byte("a,email\n1,dana\x00@example.com\n2,ok\n"),
			want: []rec{
				{1, 2, []string{"1", "dana\uFFFD@example.com"}, `line 2: cell 2 ("email") holds a NUL byte (U+0000): the file may be UTF-16 or not text at all`},
				{2, 3, []string{"2", "ok"}, ""},
			},
		},
		{
			name: "bell in a quoted cell",
			in:   []byte("a,b\n\"x\ay\",2\n"),
			want: []rec{{1, 2, []string{"x\uFFFDy", "2"}, `line 2: cell 1 ("a") holds the control character U+0007`}},
		},
		{
			name: "noncharacter",
			in:   []byte("a,b\n1,x\uFFFE\n"),
			want: []rec{{1, 2, []string{"1", "x\uFFFD"}, `line 2: cell 2 ("b") holds the noncharacter U+FFFE`}},
		},
		{
			name: "lone surrogate in UTF-16",
			in:   lone,
			want: []rec{
				{1, 2, []string{"1", "x\uFFFDy"}, `line 2: cell 2 ("b") holds an unpaired UTF-16 surrogate (a broken character)`},
				{2, 3, []string{"2", "z"}, ""},
			},
		},
		{
			name: "DEL",
			in:   []byte("a,b\n1,x\x7fy\n"),
			want: []rec{{1, 2, []string{"1", "x\uFFFDy"}, `line 2: cell 2 ("b") holds the control character U+007F`}},
		},
		{
			name: "C1 control NEL",
			in:   []byte("a,b\n1,x\u0085y\n"),
			want: []rec{{1, 2, []string{"1", "x\uFFFDy"}, `line 2: cell 2 ("b") holds the control character U+0085`}},
		},
		{
			name: "line separator",
			in:   []byte("a,b\n1,x\u2028y\n2,p\u2029q\n"),
			want: []rec{
				{1, 2, []string{"1", "x\uFFFDy"}, `line 2: cell 2 ("b") holds the line or paragraph separator U+2028, which some programs take for a line break`},
				{2, 3, []string{"2", "p\uFFFDq"}, `line 3: cell 2 ("b") holds the line or paragraph separator U+2029, which some programs take for a line break`},
			},
		},
		{
			name: "bidi override and isolate",
			in:   []byte("a,b\n1,Dana \u202efdp.exe\n2,\u2067x\u2069\n"),
			want: []rec{
				{1, 2, []string{"1", "Dana \uFFFDfdp.exe"}, `line 2: cell 2 ("b") holds the bidirectional control U+202E, which shows text in another order than it is stored`},
				{2, 3, []string{"2", "\uFFFDx\uFFFD"}, `line 3: cell 2 ("b") holds the bidirectional control U+2067, which shows text in another order than it is stored`},
			},
		},
		{
			name: "marks and punctuation beyond ASCII are text",
			in:   []byte("a,b\n1,\u200fדנה\u200e – “x” € \u00a0«y»\n"),
			want: []rec{{1, 2, []string{"1", "\u200fדנה\u200e – “x” € \u00a0«y»"}, ""}},
		},
		{
			name: "tab and line breaks are text",
			in:   []byte("a,b\n\"x\ty\r\nz\",2\n"),
			want: []rec{{1, 2, []string{"x\ty\nz", "2"}, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			got := readAll(t, r)
			checkRecords(t, got, tt.want)
			for _, g := range got {
				if g.Err != nil && !errors.Is(g.Err, ErrEncoding) {
					t.Errorf("row %d: got %v, want an ErrEncoding", g.Row, g.Err)
				}
			}
		})
	}
}

func TestReaderRefusesNULInHeader(t *testing.T) {
	_, err := NewReader(strings.NewReader("ab\x00,c\n1,2\n"), Options{})
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "column 1 holds a NUL byte") {
		t.Errorf("got %v, want an ErrEncoding naming column 1", err)
	}
}

// Issue 9: an old-Mac file (CR line breaks) read as one line gave "header
// has duplicate column names".
func TestReaderCROnlyLineBreaks(t *testing.T) {
	r, err := NewReader(strings.NewReader("name,city\r1,Haifa\r2,\"Tel\rAviv\"\r\r3,Eilat"), Options{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	checkRecords(t, readAll(t, r), []rec{
		{1, 2, []string{"1", "Haifa"}, ""},
		{2, 3, []string{"2", "Tel\nAviv"}, ""},
		{3, 6, []string{"3", "Eilat"}, ""},
	})
}

func TestCRLinesAcrossReads(t *testing.T) {
	// CRLF split between two reads is still one line break.
	cr := &crLines{r: io.MultiReader(strings.NewReader("a\r"), strings.NewReader("\nb\rc"))}
	got, err := io.ReadAll(cr)
	if err != nil || string(got) != "a\nb\nc" {
		t.Errorf("got %q, %v; want %q", got, err, "a\nb\nc")
	}
}

// Issue 9: /dev/zero behind a .csv name was read for ever.
func TestOpenEndlessHeader(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("got %v, want ErrTooLong", err)
	}
}

// mkfifo makes a FIFO in a temporary folder.
func mkfifo(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// openAsync opens path in the background; the result comes on the channel.
func openAsync(ctx context.Context, path string) <-chan error {
	done := make(chan error, 1)
	go func() {
		r, err := OpenContext(ctx, path, Options{})
		if err == nil {
			_, err = r.Next()
			r.Close()
		}
		done <- err
	}()
	return done
}

func waitOpen(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(hangGuard):
		t.Fatal("the read did not end after the interruption")
		return nil
	}
}

// Issue 9: a FIFO nobody writes to blocked open(2) for ever.
func TestOpenContextFIFOWithoutWriter(t *testing.T) {
	path := mkfifo(t, "in.csv")
	ctx, cancel := context.WithCancel(context.Background())
	done := openAsync(ctx, path)
	cancel()
	if err := waitOpen(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// Issue 9: endless input ignored SIGTERM. A FIFO that never ends its line
// is closed under the reader by the interruption.
func TestOpenContextEndlessFIFO(t *testing.T) {
	path := mkfifo(t, "in.csv")
	ctx, cancel := context.WithCancel(context.Background())
	done := openAsync(ctx, path)
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.WriteString("a,b\n1,"); err != nil {
		t.Fatal(err)
	}
	written := make(chan struct{})
	go func() {
		// Write until the reader is gone: a few megabytes at most,
		// since the reader's buffers are bounded.
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for i := 0; i < 1024; i++ {
			if _, err := w.Write(chunk); err != nil {
				break
			}
			if i == 64 {
				close(written)
			}
		}
	}()
	select {
	case <-written:
	case err := <-done:
		t.Fatalf("the reader ended before the interruption: %v", err)
	}
	cancel()
	if err := waitOpen(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want an error wrapping context.Canceled", err)
	}
}

// A regular file is finite: after an interruption it is still read to its
// end, so that every record can be accounted for.
func TestOpenContextRegularFileReadsOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.csv")
	writeFile(t, path, "a,b\n1,2\n3,4\n")
	ctx, cancel := context.WithCancel(context.Background())
	r, err := OpenContext(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	checkRecords(t, readAll(t, r), []rec{{1, 2, []string{"1", "2"}, ""}, {2, 3, []string{"3", "4"}, ""}})
}

func TestOpenFIFOWorkbook(t *testing.T) {
	path := mkfifo(t, "in.xlsx")
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "must be a regular file") {
		t.Errorf("got %v, want a refusal of a workbook that is not a regular file", err)
	}
}

// withPart rewrites the workbook at path with one more part, or with a
// part replaced, of the given content.
func withPart(t *testing.T, path, name string, content []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := filepath.Join(t.TempDir(), "hostile.xlsx")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	write := func(n string, b []byte) {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range zr.File {
		if p.Name == name {
			continue
		}
		rc, err := p.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		write(p.Name, b)
	}
	write(name, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sharedStrings(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for i := range n {
		b.WriteString("<si><t>s")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("</t></si>")
	}
	b.WriteString("</sst>")
	return b.Bytes()
}

// Issue 9: .xlsx bombs. The limits are lowered for the test, so that the
// hostile parts stay small.
func TestOpenXLSXBombs(t *testing.T) {
	base := workbook(t, []string{"Sheet1"}, map[string]cells{"Sheet1": {"A1": "name", "A2": "Dana"}}, nil)
	limits := WorkbookLimits{Total: 8 << 20, Sheet: 2 << 20, Part: 1 << 20, SharedStrings: 100}
	tests := []struct {
		name, part string
		content    []byte
		want       string
	}{
		{"large picture", "xl/media/image1.png", make([]byte, 1<<20+1),
			"part xl/media/image1.png holds 1048577 unpacked bytes, over the limit of 1048576"},
		{"sheet of white space", "xl/worksheets/sheet1.xml", bytes.Repeat([]byte(" "), 2<<20+1),
			"part xl/worksheets/sheet1.xml holds 2097153 unpacked bytes, over the limit of 2097152"},
		{"too many shared strings", "xl/sharedStrings.xml", sharedStrings(101),
			"part xl/sharedStrings.xml holds 101 shared strings, over the limit of 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := withPart(t, base, tt.part, tt.content)
			_, err := Open(path, Options{Workbook: limits})
			var le *WorkbookLimitError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a *WorkbookLimitError saying %q", err, tt.want)
			}
		})
	}
	t.Run("total", func(t *testing.T) {
		path := withPart(t, base, "xl/media/image1.png", make([]byte, 1<<20))
		_, err := Open(path, Options{Workbook: WorkbookLimits{Total: 1 << 20}})
		if !errors.Is(err, ErrWorkbookLimit) || !strings.Contains(err.Error(), "over the limit of 1048576") {
			t.Errorf("got %v, want ErrWorkbookLimit naming the limit", err)
		}
	})
}

// A sheet larger than the in-memory part limit is unpacked into a
// temporary file; Close removes it, whether the sheet was read or not.
func TestOpenXLSXRemovesTemporaryFiles(t *testing.T) {
	content := cells{"A1": "name"}
	for i := 2; i < 2000; i++ {
		content["A"+strconv.Itoa(i)] = i
	}
	path := workbook(t, []string{"Sheet1"}, map[string]cells{"Sheet1": content}, nil)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, readAll := range []bool{true, false} {
		r, err := Open(path, Options{Workbook: WorkbookLimits{Part: 16 << 10}})
		if err != nil {
			t.Fatal(err)
		}
		if left := listDir(t, tmp); len(left) != 1 || len(listDir(t, filepath.Join(tmp, left[0]))) == 0 {
			t.Errorf("while reading: got %q in TMPDIR, want one folder holding the unpacked sheet", left)
		}
		for readAll {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if left := listDir(t, tmp); len(left) != 0 {
			t.Errorf("after Close: got %q in TMPDIR, want nothing", left)
		}
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestNotTextEveryPosition(t *testing.T) {
	for _, bad := range []string{"\x00", "\x1f", "\uFFFE", "\uFFFF"} {
		for n := range 20 {
			s := strings.Repeat("a", n) + bad + strings.Repeat("b", 19-n)
			if got := notText(s, false); got < 0 {
				t.Errorf("notText(%q) = -1, want the character found", s)
			}
		}
	}
	for _, good := range []string{strings.Repeat("plain text, é ש \t\r\n", 3), "\uFFFD in UTF-8 text", "\xEF\xBB\xBF"} {
		if got := notText(good, false); got >= 0 {
			t.Errorf("notText(%q) = %U, want -1", good, got)
		}
	}
}
