package source

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite the fixtures under testdata")

// hebrewCSV is the text of the encoded fixtures.
const hebrewCSV = "שם פרטי,שם משפחה,עיר\r\nדנה,כהן,תל אביב\r\nמשה,\"לוי, הבן\",חיפה\r\n"

// hebrewTSV is the Excel "Unicode text" form of the same table.
var hebrewTSV = strings.NewReplacer(",\"לוי, הבן\",", "\tלוי, הבן\t", ",", "\t").Replace(hebrewCSV)

var hebrewRecords = []rec{
	{1, 2, []string{"דנה", "כהן", "תל אביב"}, ""},
	{2, 3, []string{"משה", "לוי, הבן", "חיפה"}, ""},
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// fixture returns the committed fixture, rewriting it first with -update,
// and checks that it still holds the bytes the test would generate.
func fixture(t *testing.T, name string, want []byte) string {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read fixture (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("fixture %s is stale: run go test -update", path)
	}
	return path
}

func TestReaderEncodings(t *testing.T) {
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	noBOM := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	tests := []struct {
		name     string
		in       []byte
		opts     Options
		encoding string
		delim    rune
	}{
		{"windows-1255 named", encode(t, charmap.Windows1255, hebrewCSV), Options{Encoding: "windows-1255"}, "windows-1255", ','},
		{"iso-8859-8 named", encode(t, charmap.ISO8859_8, hebrewCSV), Options{Encoding: "iso-8859-8"}, "iso-8859-8", ','},
		{"utf-16le with BOM, tabs", encode(t, utf16le, hebrewTSV), Options{}, EncodingUTF16LE, '\t'},
		{"utf-16be with BOM", encode(t, utf16be, hebrewCSV), Options{}, EncodingUTF16BE, ','},
		{"utf-16le without BOM", encode(t, noBOM, "name"+hebrewCSV[len("שם פרטי"):]), Options{}, EncodingUTF16LE, ','},
		{"utf-16le named, BOM dropped", encode(t, utf16le, hebrewCSV), Options{Encoding: "utf-16le"}, "utf-16le", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if r.Encoding() != tt.encoding || r.Delimiter() != tt.delim {
				t.Errorf("got encoding %q delimiter %q, want %q %q", r.Encoding(), r.Delimiter(), tt.encoding, tt.delim)
			}
			if h := r.Header(); len(h) != 3 || h[2] != "עיר" {
				t.Errorf("got header %q, want 3 names ending in עיר", h)
			}
			checkRecords(t, readAll(t, r), hebrewRecords)
		})
	}
}

func TestOpenEncodedFixtures(t *testing.T) {
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	tests := []struct {
		file     string
		bytes    []byte
		opts     Options
		encoding string
	}{
		{"hebrew-windows-1255.csv", encode(t, charmap.Windows1255, hebrewCSV), Options{Encoding: "windows-1255"}, "windows-1255"},
		{"excel-unicode-text.txt", encode(t, utf16le, hebrewTSV), Options{}, EncodingUTF16LE},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := Open(fixture(t, tt.file, tt.bytes), tt.opts)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			if r.Encoding() != tt.encoding {
				t.Errorf("got encoding %q, want %q", r.Encoding(), tt.encoding)
			}
			checkRecords(t, readAll(t, r), hebrewRecords)
		})
	}
}

// Without --encoding, a Windows-1255 file is read as Windows-1255: its
// head is not UTF-8 and reads as Hebrew words. (It used to give each Hebrew
// record an error suggesting windows-1252.)
func TestWindows1255WithoutEncoding(t *testing.T) {
	in := encode(t, charmap.Windows1255, "name,city\r\nDana,תל אביב\r\nAnn,Haifa\r\n")
	r, err := NewReader(bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if r.Encoding() != "windows-1255 (detected)" {
		t.Errorf("encoding %q, want windows-1255 (detected)", r.Encoding())
	}
	checkRecords(t, readAll(t, r), []rec{
		{1, 2, []string{"Dana", "תל אביב"}, ""},
		{2, 3, []string{"Ann", "Haifa"}, ""},
	})
}
