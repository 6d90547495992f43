package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unicode/utf16"
)

// TestCountAgreesWithTheReader: Count is the number of records Next
// returns, whatever the quoting, the line ends, the encoding or the blank
// rows: one parser, so a progress total never disagrees with the run.
func TestCountAgreesWithTheReader(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"header only", "a,b\n", 0},
		{"two rows", "a,b\n1,2\n3,4\n", 2},
		{"last row without a break", "a,b\n1,2\n3,4", 2},
		{"crlf", "a,b\r\n1,2\r\n3,4\r\n", 2},
		{"cr alone", "a,b\r1,2\r3,4\r", 2},
		{"quoted line break", "a,b\n1,\"x\ny\"\n3,4\n", 2},
		{"escaped quotes", "a,b\n1,\"say \"\"hi\"\"\nthere\"\n3,4\n", 2},
		{"quoted header", "\"a\nb\",c\n1,2\n", 1},
		{"semicolons", "a;b\n1;2\n", 1},
		// A quote inside an unquoted cell is text: it opens nothing.
		{"quote inside a cell", "a,b\n1,say \"hi\n2,3\n4,5\n", 3},
		{"blank lines and empty rows", "a,b\n1,2\n\n,\n  \n3,4\n", 2},
		{"stray quote never closed", "a,b\n1,\"x\n2,3\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.csv")
			if err := os.WriteFile(path, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := Count(context.Background(), path, Options{})
			if err != nil || got != tt.want {
				t.Errorf("Count = %d, %v; want %d", got, err, tt.want)
			}
			if read := records(t, path); read != got {
				t.Errorf("Count = %d, but the reader returns %d records", got, read)
			}
		})
	}
}

// records is how many records a Reader returns.
func records(t *testing.T, path string) int {
	t.Helper()
	r, err := Open(path, Options{})
	if errors.Is(err, ErrNoRows) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return len(readAll(t, r))
}

func TestCountUTF16(t *testing.T) {
	text := "a\tb\r\n1\t2\r\n3\t4\r\n"
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(text)) {
		b = append(b, byte(u), byte(u>>8))
	}
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := Count(context.Background(), path, Options{}); err != nil || got != 2 {
		t.Errorf("Count of UTF-16 = %d, %v; want 2", got, err)
	}
}

// TestCountReadsNoInputTwiceThatCannotBe: a FIFO and a workbook are not
// counted, and a FIFO is not even opened (it would pair with its writer).
func TestCountReadsNoInputTwiceThatCannotBe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "in.xlsx")
	if err := os.WriteFile(book, []byte("not opened"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, book} {
		if n, err := Count(context.Background(), path, Options{}); !errors.Is(err, ErrUncountable) || n != 0 {
			t.Errorf("Count(%s) = %d, %v; want 0, ErrUncountable", filepath.Base(path), n, err)
		}
	}
}

func TestCountStopsWhenCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, benchCSV(3*countCheckEvery), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := Count(ctx, path, Options{}); !errors.Is(err, context.Canceled) || n >= 3*countCheckEvery {
		t.Errorf("Count after cancel = %d, %v; want it stopped with context.Canceled", n, err)
	}
}
