package source

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// rec is the expected form of a Record: its error by message.
type rec struct {
	row, line int
	fields    []string
	err       string
}

// readAll reads every record, failing the test on a source error.
func readAll(t *testing.T, r *Reader) []Record {
	t.Helper()
	var out []Record
	for {
		got, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: got error %v, want records or io.EOF", err)
		}
		out = append(out, got)
	}
}

func checkRecords(t *testing.T, got []Record, want []rec) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		msg := ""
		if g.Err != nil {
			msg = g.Err.Error()
		}
		if g.Row != w.row || g.Line != w.line || !slices.Equal(g.Fields, w.fields) || msg != w.err {
			t.Errorf("record %d: got row %d line %d %q err %q, want row %d line %d %q err %q",
				i, g.Row, g.Line, g.Fields, msg, w.row, w.line, w.fields, w.err)
		}
	}
}

func TestReaderRecords(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   Options
		header []string
		want   []rec
	}{
		{
			name:   "plain with CRLF",
			in:     "name,email\r\nAnn,ann@example.com\r\nBob,bob@example.com\r\n",
			header: []string{"name", "email"},
			want:   []rec{{1, 2, []string{"Ann", "ann@example.com"}, ""}, {2, 3, []string{"Bob", "bob@example.com"}, ""}},
		},
		{
			name:   "no final newline, raw cells untrimmed",
			in:     " a , b \n 1 , 2 ",
			header: []string{"a", "b"},
			want:   []rec{{1, 2, []string{" 1 ", " 2 "}, ""}},
		},
		{
			name:   "quoted delimiters and doubled quotes",
			in:     "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n",
			header: []string{"a", "b", "c"},
			want:   []rec{{1, 2, []string{"x,y", `say "hi"`, ""}, ""}},
		},
		{
			name:   "multi-line cells keep the line count",
			in:     "id,notes\n1,\"first\r\nsecond\r\nthird\"\r\n2,plain\n3,\"a\n\nb\"\n4,end\n",
			header: []string{"id", "notes"},
			want: []rec{
				{1, 2, []string{"1", "first\nsecond\nthird"}, ""},
				{2, 5, []string{"2", "plain"}, ""},
				{3, 6, []string{"3", "a\n\nb"}, ""},
				{4, 9, []string{"4", "end"}, ""},
			},
		},
		{
			name:   "bare quote inside an unquoted cell is text",
			in:     "a,b\n5\" screen,x\n",
			header: []string{"a", "b"},
			want:   []rec{{1, 2, []string{`5" screen`, "x"}, ""}},
		},
		{
			name:   "ragged rows",
			in:     "a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3\n",
			header: []string{"a", "b", "c"},
			want: []rec{
				{1, 2, []string{"1", "2"}, "line 2: 2 cells, header has 3"},
				{2, 3, []string{"1", "2", "3", "4"}, "line 3: 4 cells, header has 3"},
				{3, 4, []string{"1", "2", "3"}, ""},
				{4, 5, []string{"1", "2", "3"}, ""},
			},
		},
		{
			name:   "blank lines and empty rows are skipped",
			in:     "\n\na,b\n\n1,2\n   \n,\n\" \",\n3,4\n\n",
			header: []string{"a", "b"},
			want:   []rec{{1, 5, []string{"1", "2"}, ""}, {2, 9, []string{"3", "4"}, ""}},
		},
		{
			name:   "unclosed quote: rows before and after come through",
			in:     "a,b\n1,x\n2,\"broken\n3,y\n4,z\n",
			header: []string{"a", "b"},
			want: []rec{
				{1, 2, []string{"1", "x"}, ""},
				{2, 3, []string{"2", "broken"}, "line 3: quote opened in cell 2 is never closed"},
				{3, 4, []string{"3", "y"}, ""},
				{4, 5, []string{"4", "z"}, ""},
			},
		},
		{
			name:   "unclosed quote then a quote on a replayed line",
			in:     "a,b\n1,\"open\n2,\"again\n3,ok\n",
			header: []string{"a", "b"},
			want: []rec{
				{1, 2, []string{"1", "open"}, "line 2: quote opened in cell 2 is not closed (the quote on line 3 is followed by text)"},
				{2, 3, []string{"2", "again"}, "line 3: quote opened in cell 2 is never closed"},
				{3, 4, []string{"3", "ok"}, ""},
			},
		},
		{
			name:   "stray quote before a real multi-line cell",
			in:     "a,b\n1,\"open\n2,x\n3,\"note\nmore\"\n4,y\n",
			header: []string{"a", "b"},
			want: []rec{
				{1, 2, []string{"1", "open"}, "line 2: quote opened in cell 2 is not closed (the quote on line 4 is followed by text)"},
				{2, 3, []string{"2", "x"}, ""},
				{3, 4, []string{"3", "note\nmore"}, ""},
				{4, 6, []string{"4", "y"}, ""},
			},
		},
		{
			name:   "text after a closing quote",
			in:     "a,b,c\n\"x\"y,2,3\n4,5,6\n",
			header: []string{"a", "b", "c"},
			want: []rec{
				{1, 2, []string{"xy", "2", "3"}, "line 2: cell 1 has text after its closing quote"},
				{2, 3, []string{"4", "5", "6"}, ""},
			},
		},
		{
			name:   "invalid UTF-8 is an error of its record only",
			in:     "name,city\nJos\xe9,Tel Aviv\nAnn,Haifa\nדנה,חיפה\n",
			header: []string{"name", "city"},
			want: []rec{
				{1, 2, []string{"Jos\uFFFD", "Tel Aviv"}, "line 2: cell 1 is not valid UTF-8; the file may be in another encoding: it reads as windows-1252 (Western European), try --encoding windows-1252"},
				{2, 3, []string{"Ann", "Haifa"}, ""},
				{3, 4, []string{"דנה", "חיפה"}, ""},
			},
		},
		{
			name:   "UTF-8 BOM is stripped",
			in:     "\xef\xbb\xbfname;city\nדנה;תל אביב\n",
			header: []string{"name", "city"},
			want:   []rec{{1, 2, []string{"דנה", "תל אביב"}, ""}},
		},
		{
			name:   "semicolon detected, quoted semicolons ignored",
			in:     "\"a,b,c\";d\n1;2\n",
			header: []string{"a,b,c", "d"},
			want:   []rec{{1, 2, []string{"1", "2"}, ""}},
		},
		{
			name:   "pipe detected",
			in:     "a|b|c\n1|2|3\n",
			header: []string{"a", "b", "c"},
			want:   []rec{{1, 2, []string{"1", "2", "3"}, ""}},
		},
		{
			name:   "tie goes to comma",
			in:     "a,b;c\n1,2;3\n",
			header: []string{"a", "b;c"},
			want:   []rec{{1, 2, []string{"1", "2;3"}, ""}},
		},
		{
			name:   "delimiter option overrides detection",
			in:     "a,b;c\n1,2;3\n",
			opts:   Options{Delimiter: ';'},
			header: []string{"a,b", "c"},
			want:   []rec{{1, 2, []string{"1,2", "3"}, ""}},
		},
		{
			name:   "single column",
			in:     "email\na@example.com\n",
			header: []string{"email"},
			want:   []rec{{1, 2, []string{"a@example.com"}, ""}},
		},
		{
			name:   "trailing empty header cells are dropped",
			in:     "a,b,,\n1,2,,\n",
			header: []string{"a", "b"},
			want:   []rec{{1, 2, []string{"1", "2"}, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if got := r.Header(); !slices.Equal(got, tt.header) {
				t.Errorf("Header: got %q, want %q", got, tt.header)
			}
			checkRecords(t, readAll(t, r), tt.want)
		})
	}
}

func TestReaderErrorKinds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind error
	}{
		{"ragged", "a,b\n1\n", ErrWidth},
		{"quote", "a,b\n\"1\"x,2\n", ErrQuote},
		{"encoding", "a,b\n\xff,2\n", ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			got, err := r.Next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			var le *LineError
			if !errors.Is(got.Err, tt.kind) || !errors.As(got.Err, &le) || le.Line != 2 {
				t.Errorf("got Err %v, want a *LineError at line 2 that is %v", got.Err, tt.kind)
			}
		})
	}
}

func TestReaderDetected(t *testing.T) {
	tests := []struct {
		in       string
		opts     Options
		delim    rune
		encoding string
	}{
		{"a,b\n1,2\n", Options{}, ',', EncodingUTF8},
		{"\xef\xbb\xbfa\tb\n1\t2\n", Options{}, '\t', EncodingUTF8BOM},
		{"a;b;c\n1;2;3\n", Options{Encoding: "UTF-8"}, ';', EncodingUTF8},
		{"a|b\n1|2\n", Options{Encoding: "latin1"}, '|', "windows-1252"},
		{"a,b\n1,2\n", Options{Encoding: "ISO_8859-8:1988"}, ',', "iso-8859-8"},
	}
	for _, tt := range tests {
		t.Run(tt.encoding, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if r.Delimiter() != tt.delim || r.Encoding() != tt.encoding {
				t.Errorf("got delimiter %q encoding %q, want %q %q", r.Delimiter(), r.Encoding(), tt.delim, tt.encoding)
			}
		})
	}
}

func TestReaderHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		is   error
		msg  string
	}{
		{"empty", "", Options{}, ErrEmpty, "input is empty: no header line"},
		{"only BOM and blank lines", "\xef\xbb\xbf\r\n \n", Options{}, ErrEmpty, "input is empty: no header line"},
		{"header only", "a,b\n", Options{}, ErrNoRows, "input has a header but no data rows"},
		{"header and empty rows", "a,b\n,\n\n", Options{}, ErrNoRows, "input has a header but no data rows"},
		{"duplicates", "Email,name, email ,Name,phone,EMAIL\n1,2,3,4,5,6\n", Options{}, nil,
			`line 1: header has duplicate column names: "Email" (columns 1, 3, 6), "name" (columns 2, 4)`},
		{"empty cells", "a,,b, ,c\n1,2,3,4,5\n", Options{}, nil, "line 1: header: columns 2, 4 have no name"},
		{"broken header quote", "\"a,b\n1,2\n", Options{}, ErrQuote, "read header: line 1: quote opened in cell 1 is never closed"},
		{"header not UTF-8", "n\xe9,b\n1,2\nדנה,2\n", Options{}, ErrEncoding, "read header: line 1: cell 1 is not valid UTF-8; the file may be in another encoding: it reads as windows-1252 (Western European), try --encoding windows-1252"},
		{"unknown encoding", "a\n1\n", Options{Encoding: "klingon"}, nil, `unknown encoding "klingon" (try windows-1252, windows-1255, iso-8859-8, utf-16le)`},
		{"bad delimiter", "a\n1\n", Options{Delimiter: '"'}, nil, `delimiter '"' is not supported: use one ASCII character other than a quote or line break`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), tt.opts)
			if err == nil {
				t.Fatalf("NewReader: got no error, want %q", tt.msg)
			}
			if err.Error() != tt.msg || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("got error %q, want %q (is %v)", err, tt.msg, tt.is)
			}
		})
	}
}

func TestDuplicateHeaderErrorType(t *testing.T) {
	_, err := NewReader(strings.NewReader("a,b,A\n1,2,3\n"), Options{})
	var dup *DuplicateHeaderError
	if !errors.As(err, &dup) {
		t.Fatalf("got %v, want a *DuplicateHeaderError", err)
	}
	if !slices.Equal(dup.Names, []string{"a"}) || !slices.Equal(dup.Columns[0], []int{1, 3}) {
		t.Errorf("got names %q columns %v, want [a] [[1 3]]", dup.Names, dup.Columns)
	}
	_, err = NewReader(strings.NewReader("a,,b\n1,2,3\n"), Options{})
	var empty *EmptyHeaderError
	if !errors.As(err, &empty) || !slices.Equal(empty.Columns, []int{2}) {
		t.Errorf("got %v, want an *EmptyHeaderError for column 2", err)
	}
}

func TestRecordsAreIndependent(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b\n1,2\n3,4\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	second, _ := r.Next()
	if !slices.Equal(first.Fields, []string{"1", "2"}) || !slices.Equal(second.Fields, []string{"3", "4"}) {
		t.Errorf("got %q and %q, want [1 2] and [3 4]: a later Next changed an earlier record", first.Fields, second.Fields)
	}
}

// failingReader returns its data, then a read error.
type failingReader struct{ data string }

var errDisk = errors.New("disk gone")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, errDisk
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderReadError(t *testing.T) {
	r, err := NewReader(&failingReader{data: "a,b\n1,2\n3,4\n"}, Options{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var got []int
	for {
		rec, err := r.Next()
		if err != nil {
			if !errors.Is(err, errDisk) {
				t.Errorf("got error %v, want one wrapping %v", err, errDisk)
			}
			break
		}
		got = append(got, rec.Line)
	}
	if !slices.Equal(got, []int{2, 3}) {
		t.Errorf("got lines %v before the error, want [2 3]", got)
	}
}

func TestLastRecordMarked(t *testing.T) {
	for _, in := range []string{"a,b\n1,2\nTotal:,1\n", "a,b\n1,2\n\n,\nTotal:,1\n\n ,\n"} {
		r, err := NewReader(strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs := readAll(t, r)
		if len(recs) != 2 || recs[0].Last || !recs[1].Last {
			t.Errorf("%q: got %+v, want two records, the second alone marked last", in, recs)
		}
	}
}
