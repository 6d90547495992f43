package report

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/source"
)

// TestCSVDialectRoundTrip writes the report and errors CSV in the dialect
// the input reader detected, and reads them back with the input reader:
// the dialect and the cells survive, the apostrophe of a neutralised cell
// aside, which the importer strips when the errors file is fed back.
func TestCSVDialectRoundTrip(t *testing.T) {
	inputs := map[string]string{
		"european BOM semicolon CRLF": "\uFEFFID;Name;Phone\r\nA1;Dana;0589254563\r\nA2;\"Ann; Lee\";+972 56 199 6881\r\n",
		"tab LF":                      "ID\tName\tPhone\nA1\tDana\t0589254563\nA2\t\"multi\nline\"\t=1+2\n",
		"comma CRLF":                  "ID,Name,Phone\r\nA1,\"Dana, D\",0589254563\r\nA2,\"say \"\"hi\"\"\",-5\r\n",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			src, err := source.NewReader(strings.NewReader(in), source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sd := src.Dialect()
			d := Dialect{Comma: sd.Delimiter, BOM: sd.BOM, CRLF: sd.CRLF}
			var rep, errs bytes.Buffer
			ecsv, err := NewErrorsCSV(&errs, src.Header(), d)
			if err != nil {
				t.Fatal(err)
			}
			w, err := NewWriterTo(&rep, ecsv, d, src.Header())
			if err != nil {
				t.Fatal(err)
			}
			var inputRows [][]string
			for {
				rec, err := src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				inputRows = append(inputRows, rec.Fields)
				r := Result{Row: rec.Row, Line: rec.Line, FirstName: rec.Fields[1], Outcome: Invalid, ErrorCode: "c", Message: "m; a, b"}
				if err := w.Write(&r, rec.Fields); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, out := range []struct {
				name string
				b    []byte
			}{{"report", rep.Bytes()}, {"errors", errs.Bytes()}} {
				back, err := source.NewReader(bytes.NewReader(out.b), source.Options{})
				if err != nil {
					t.Fatalf("%s: %v", out.name, err)
				}
				if got := back.Dialect(); got != sd {
					t.Errorf("%s: got dialect %+v, want the input's %+v", out.name, got, sd)
				}
				if out.name != "errors" {
					continue
				}
				for i, want := range inputRows {
					rec, err := back.Next()
					if err != nil {
						t.Fatal(err)
					}
					got := rec.Fields[:len(want)]
					for j := range got {
						got[j] = source.Deneutralize(got[j])
					}
					if !slices.Equal(got, want) || rec.Fields[len(want)+1] != "m; a, b" {
						t.Errorf("errors row %d: got %q, want %q", i+1, rec.Fields, want)
					}
				}
			}
		})
	}
}

func TestDialectRejected(t *testing.T) {
	for _, c := range []rune{'"', '\n', 'é'} {
		if _, err := NewErrorsCSV(io.Discard, nil, Dialect{Comma: c}); err == nil {
			t.Errorf("delimiter %q: got no error", c)
		}
	}
}

// TestKilledRunKeepsPreviousReport: until Close, the report and errors file
// are written under PartialSuffix, and the previous ones are untouched.
func TestKilledRunKeepsPreviousReport(t *testing.T) {
	dir := t.TempDir()
	rp, ep := filepath.Join(dir, "c.report.csv"), filepath.Join(dir, "c.errors.csv")
	for _, p := range []string{rp, ep} {
		if err := os.WriteFile(p, []byte("last night\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := Open(Config{ReportPath: rp, ErrorsPath: ep, InputHeader: []string{"ID"}, Dialect: Dialect{Comma: ';'}, FlushEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "x"}, []string{"A"})
	// A kill now leaves last night's files and the partial ones.
	for _, p := range []string{rp, ep} {
		if b, _ := os.ReadFile(p); string(b) != "last night\n" {
			t.Errorf("%s: got %q before Close, want last night's", p, b)
		}
		st, err := os.Stat(p + PartialSuffix)
		if err != nil {
			t.Fatalf("partial file: %v", err)
		}
		if b, _ := os.ReadFile(p + PartialSuffix); !strings.Contains(string(b), "x") {
			t.Errorf("%s: got %q, want the row written so far (FlushEvery 1)", p+PartialSuffix, b)
		}
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s: got mode %v, want %v", p+PartialSuffix, st.Mode().Perm(), FileMode)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{rp, ep} {
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "last night") || !strings.Contains(string(b), ";") {
			t.Errorf("%s: got %q after Close, want this run's", p, b)
		}
		if _, err := os.Stat(p + PartialSuffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: partial file left after Close: %v", p, err)
		}
	}
}

// TestCleanRunRemovesErrorsFile: no rows to fix, no errors file, not even
// the one an earlier run left.
func TestCleanRunRemovesErrorsFile(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			rp, ep := filepath.Join(dir, "r.csv"), filepath.Join(dir, "e"+ext)
			os.WriteFile(ep, []byte("stale"), 0o600)
			w, err := Open(Config{ReportPath: rp, ErrorsPath: ep, InputHeader: []string{"ID"}})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(&Result{Row: 1, Line: 2, Outcome: Created}, []string{"A"})
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"r.csv"}) {
				t.Fatalf("got files %q, want only the report", names)
			}
		})
	}
}

// TestFlushAfterARowThatReachedComeet: rows that cost no request are held
// back up to FlushEvery; a row that reached Comeet is handed to the system
// at once, with those before it, so a killed run's partial report holds
// every request it made.
func TestFlushAfterARowThatReachedComeet(t *testing.T) {
	rp := filepath.Join(t.TempDir(), "c.report.csv")
	w, err := Open(Config{ReportPath: rp, InputHeader: []string{"ID"}, FlushEvery: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	partial := func() string {
		b, _ := os.ReadFile(rp + PartialSuffix)
		return string(b)
	}
	w.Write(&Result{Row: 1, Line: 2, Outcome: Skipped, Message: "skipped-row"}, []string{"A"})
	if got := partial(); strings.Contains(got, "skipped-row") {
		t.Fatalf("a skipped row was flushed at once: %q", got)
	}
	w.Write(&Result{Row: 2, Line: 3, Outcome: Created, CandidateUID: "00.AAA", Attempts: 1}, []string{"B"})
	got := partial()
	if !strings.Contains(got, "skipped-row") || !strings.Contains(got, "00.AAA") {
		t.Errorf("after a created row the partial report holds %q, want both rows", got)
	}
}
