package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReaderLimits(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes+10)
	tests := []struct {
		name string
		in   string
		want []rec
	}{
		{
			name: "line longer than MaxRecordBytes",
			in:   "a,b\n1," + long + "\n2,3\n",
			want: []rec{
				{1, 2, []string{"1", long[:MaxRecordBytes-2]}, fmt.Sprintf("line 2: line is longer than %d bytes; the rest of it is ignored", MaxRecordBytes)},
				{2, 3, []string{"2", "3"}, ""},
			},
		},
		{
			// A quote that runs past MaxRecordBytes to the end is one
			// problem for the rest of the input, not one per line.
			name: "quote not closed within MaxRecordBytes",
			in:   "a,b\n1,\"open\n" + strings.Repeat("2,"+strings.Repeat("y", 1000)+"\n", MaxRecordBytes/1000+1) + "3,z\n",
			want: []rec{{1, 2, []string{"1", "open"}, "line 2: quote opened in cell 2 is never closed: lines 2 to 2101, the end of the input, are skipped"}},
		},
		{
			// Issue 9: a 50 MB multi-line cell was 50,001 malformed rows.
			name: "quoted cell of many lines over MaxRecordBytes",
			in:   "a,b\n1,\"first\n" + strings.Repeat(strings.Repeat("y", 99)+"\n", 3*MaxRecordBytes/100) + "last\",x\n2,ok\n",
			want: []rec{
				{1, 2, []string{"1", "first"}, fmt.Sprintf("line 2: record is longer than %d bytes (cell 2 runs from line 2 to line %d); it is skipped", MaxRecordBytes, 3+3*MaxRecordBytes/100)},
				{2, 4 + 3*MaxRecordBytes/100, []string{"2", "ok"}, ""},
			},
		},
		{
			// A quote followed by text past the limit: the opening quote was
			// the stray one; the line of the other is read again.
			name: "stray quote found past MaxRecordBytes",
			in:   "a,b\n1,\"open\n" + strings.Repeat("2,"+strings.Repeat("y", 1000)+"\n", MaxRecordBytes/1000+1) + "3,\"z\"\n\"4\"x,w\n5,v\n",
			want: []rec{
				{1, 2, []string{"1", "open"}, fmt.Sprintf("line 2: quote opened in cell 2 is not closed within %d bytes; lines 2 to 2100 are skipped", MaxRecordBytes)},
				{2, 2101, []string{"3", "z"}, ""},
				{3, 2102, []string{"4x", "w"}, "line 2102: cell 1 has text after its closing quote"},
				{4, 2103, []string{"5", "v"}, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			checkRecords(t, readAll(t, r), tt.want)
		})
	}
}

// rowGenerator produces a CSV of n rows without holding it in memory.
type rowGenerator struct {
	n, next int
	pending []byte
}

func (g *rowGenerator) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.next > g.n:
			return 0, io.EOF
		case g.next == 0:
			g.pending = []byte("id,email,notes\n")
		default:
			g.pending = fmt.Appendf(nil, "%d,user%d@example.com,\"line one\nline two, %d\"\n", g.next, g.next, g.next)
		}
		g.next++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

// The reader keeps nothing of the records it has returned: the live heap
// stays flat however far into the input it is.
func TestReaderStreams(t *testing.T) {
	const rows = 200000
	r, err := NewReader(&rowGenerator{n: rows}, Options{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	heap := make(map[int]uint64)
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || rec.Err != nil {
			t.Fatalf("row %d: %v %v", rec.Row, err, rec.Err)
		}
		if want := 2 * rec.Row; rec.Line != want {
			t.Fatalf("row %d: got line %d, want %d", rec.Row, rec.Line, want)
		}
		if rec.Row%(rows/4) == 0 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			heap[rec.Row] = m.HeapAlloc
		}
	}
	const limit = 8 << 20
	for row, h := range heap {
		if h > limit {
			t.Errorf("at row %d: got %d bytes of live heap, want under %d", row, h, limit)
		}
	}
}

func TestOpenStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.csv")
	writeFile(t, path, "a;b\n1;2\n")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()
	r, err := Open(StdinPath, Options{})
	if err != nil {
		t.Fatalf("Open(%q): %v", StdinPath, err)
	}
	checkRecords(t, readAll(t, r), []rec{{1, 2, []string{"1", "2"}, ""}})
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := f.Stat(); err != nil {
		t.Errorf("Close closed standard input: %v", err)
	}
}
