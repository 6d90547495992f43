package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"
)

// TestCSVWriterNeutralises: every cell that a spreadsheet would run as a
// formula gets its apostrophe, and the lines are what encoding/csv writes
// for the neutralised cells, so any CSV reader reads them back.
func TestCSVWriterNeutralises(t *testing.T) {
	lines := [][]string{
		{"file", "status", "rows"},
		{"=HYPERLINK(\"http://x\")", "+1", "-2"},
		{"@cmd", "\tTab", "\rCR"},
		{"a,b", "multi\nline", `say "hi"`},
		{"", " lead", "plain"},
	}
	var got, want bytes.Buffer
	w := NewCSVWriter(&got)
	cw := csv.NewWriter(&want)
	for _, l := range lines {
		if err := w.Write(l); err != nil {
			t.Fatal(err)
		}
		cw.Write(neutralizeAll(append([]string(nil), l...)))
	}
	w.Flush()
	cw.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
	}
	back, err := csv.NewReader(&got).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if back[1][0] != "'=HYPERLINK(\"http://x\")" || back[2][2] != "'\rCR" || back[3][1] != "multi\nline" {
		t.Errorf("read back %q", back)
	}
}

func TestCSVWriterKeepsTheFirstError(t *testing.T) {
	w := NewCSVWriter(failWriter{})
	w.Write([]string{"a"})
	w.Flush()
	if err := w.Error(); !errors.Is(err, errFull) {
		t.Fatalf("got %v, want the write's error", err)
	}
	if err := w.Write([]string{"b"}); !errors.Is(err, errFull) {
		t.Errorf("a write after a failure: got %v, want the first error", err)
	}
}

var errFull = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFull }
