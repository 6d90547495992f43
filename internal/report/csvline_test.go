package report

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/comeet-import/comeet-import/internal/source"
)

// appendRecord is the reference for appendLine: the result's cells in
// Header order, as encoding/csv would be given them.
func (r *Result) appendRecord(dst []string) []string {
	return append(dst,
		strconv.Itoa(r.Row),
		strconv.Itoa(r.Line),
		r.PartnerCandidateID,
		r.PositionUID,
		r.FirstName,
		r.LastName,
		r.Email,
		string(r.Outcome),
		r.CandidateUID,
		itoaOrEmpty(r.HTTPStatus),
		r.ErrorCode,
		r.Message,
		strconv.Itoa(r.Attempts),
	)
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func TestAppendLineMatchesEncodingCSV(t *testing.T) {
	cells := []string{"", "plain", "Bobby", "a,b", `say "hi"`, "multi\nline", "cr\rhere", " leading space",
		"\tleading tab", "=SUM(A1)", "+972-52", "-x", "@cmd", "\rcr first", `\.`, "'quoted", "=a,b", `=say "x"`, "עברית", "\u00a0nbsp"}
	dialects := []Dialect{DefaultDialect, {Comma: ';', CRLF: true}, {Comma: '\t'}, {Comma: '|', CRLF: true}}
	for _, d := range dialects {
		for i, c := range append(cells, "a;b", "a|b", "a\tb", "x\r\ny", "\r\n") {
			r := Result{Row: i + 1, Line: i + 2, PartnerCandidateID: c, PositionUID: c, FirstName: c, LastName: c,
				Email: c, Outcome: Invalid, CandidateUID: c, HTTPStatus: 400 * (i % 2), ErrorCode: c, Message: c, Attempts: i}
			var want bytes.Buffer
			cw := csv.NewWriter(&want)
			cw.Comma, cw.UseCRLF = d.Comma, d.CRLF
			cw.Write(neutralizeAll(r.appendRecord(nil)))
			cw.Flush()
			if got := string(r.appendLine(nil, d)); got != want.String() {
				t.Errorf("dialect %+v, cell %q:\ngot  %q\nwant %q", d, c, got, want.String())
			}
		}
	}
}

func neutralizeAll(cells []string) []string {
	for i, c := range cells {
		cells[i] = Neutralize(c)
	}
	return cells
}

func BenchmarkAppendLine(b *testing.B) {
	r := Result{Row: 123456, Line: 123457, PartnerCandidateID: "AG-00123456", PositionUID: "11.11", FirstName: "Maria",
		LastName: "Garcia", Email: "maria.garcia@example.com", Outcome: Valid, Attempts: 0}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = r.appendLine(buf[:0], DefaultDialect)
	}
}

// The report's columns are a contract with the scripts that read it.
func TestHeaderIsTheContract(t *testing.T) {
	want := []string{"row", "line", "partner_candidate_id", "position_uid", "first_name",
		"last_name", "email", "outcome", "candidate_uid", "http_status",
		"error_code", "message", "attempts"}
	if len(Header) != len(want) {
		t.Fatalf("got %v, want %v", Header, want)
	}
	for i := range want {
		if Header[i] != want[i] {
			t.Fatalf("got %v, want %v", Header, want)
		}
	}
}

// The formula guard round-trips: whatever a cell holds, the errors file
// written and read back (the reader strips the guard) gives the cell
// again. Before, "'=1+2" (an apostrophe the user typed) came back as
// "=1+2": its apostrophe was taken for the guard.
func TestFormulaGuardRoundTrip(t *testing.T) {
	cells := []string{"=1+2", "'=1+2", "''=1+2", "+972 5", "'+972 5", "'plain", "'", "''", "-", "'-", "@x", "a'=b", ""}
	for _, c := range cells {
		if got := source.Deneutralize(Neutralize(c)); got != c {
			t.Errorf("%q: written %q, read back %q", c, Neutralize(c), got)
		}
	}
	dir := t.TempDir()
	for _, name := range []string{"in.errors.csv", "in.errors.xlsx"} {
		path := filepath.Join(dir, name)
		w, err := Open(Config{ReportPath: filepath.Join(dir, "in.report.csv"), ErrorsPath: path, InputHeader: []string{"cell"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cells {
			w.Write(&Result{Row: i + 1, Line: i + 2, Outcome: Invalid, ErrorCode: "x"}, []string{c})
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		src, err := source.Open(path, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			rec, err := src.Next()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := source.Deneutralize(rec.Fields[0]); got != c {
				t.Errorf("%s: %q read back as %q", name, c, got)
			}
		}
		src.Close()
	}
}
