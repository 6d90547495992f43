package source

import (
	"strings"
	"testing"
)

func TestReaderDialect(t *testing.T) {
	tests := []struct {
		name, in string
		enc      string
		want     Dialect
	}{
		{"comma LF", "a,b\n1,2\n", "", Dialect{Delimiter: ',', BOM: false, CRLF: false}},
		{"semicolon BOM CRLF", "\uFEFFa;b\r\n1;2\r\n", "", Dialect{Delimiter: ';', BOM: true, CRLF: true}},
		{"tab CRLF", "a\tb\r\n1\t2\r\n", "", Dialect{Delimiter: '\t', CRLF: true}},
		{"UTF-16LE BOM", "\xff\xfea\x00|\x00b\x00\n\x001\x00|\x002\x00\n\x00", "", Dialect{Delimiter: '|', BOM: true}},
		{"windows-1255 CRLF", "a,b\r\n\xf9,2\r\n", "windows-1255", Dialect{Delimiter: ',', BOM: true, CRLF: true}},
		{"named utf-8", "a,b\n1,2\n", "utf-8", Dialect{Delimiter: ','}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Options{Encoding: tt.enc})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Dialect(); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
