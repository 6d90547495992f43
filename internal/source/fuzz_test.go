package source

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"unicode/utf8"
)

func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"a;b\r\n\"x;\"\"y\"\"\";2\r\n",
		"id,notes\n1,\"multi\nline\"\n2,x\n",
		"a,b\n1,\"open\n2,\"again\n3,ok\n",
		"a,b\n\"x\"y,2\n",
		"\xef\xbb\xbfa\tb\n1\t2\n",
		"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00",
		"a,b\nJos\xe9,1\n",
		"a,b,c\n1,2\n1,2,3,4\n,,\n\n",
		"\x00a\x00,\x00b\x00\n\x001\x00,\x002\x00\n",
		"a,b\r1,\"x\ry\"\r\r2,3",
		"a,b\n1,x\x00y\n\"2\x07\",\uFFFE\n",
		"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x00\x00\xd8\n\x00",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in), Options{})
		if err != nil {
			return
		}
		width := len(r.Header())
		lastRow, lastLine := 0, 0
		for range len(in) + 2 {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if rec.Row != lastRow+1 || rec.Line <= lastLine {
				t.Fatalf("got row %d line %d after row %d line %d, want the next row on a later line", rec.Row, rec.Line, lastRow, lastLine)
			}
			lastRow, lastLine = rec.Row, rec.Line
			if len(rec.Fields) != width && rec.Err == nil {
				t.Fatalf("row %d: got %d cells and no error, header has %d", rec.Row, len(rec.Fields), width)
			}
			for _, c := range rec.Fields {
				if !utf8.ValidString(c) {
					t.Fatalf("row %d: cell %q is not valid UTF-8", rec.Row, c)
				}
				if notText(c, false) >= 0 {
					t.Fatalf("row %d: cell %q holds a character that is not text", rec.Row, c)
				}
			}
		}
		t.Fatalf("more records than input bytes: the reader does not advance")
	})
}
