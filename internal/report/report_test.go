package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/source"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Bobby", "Bobby"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+972-52-1234567", "'+972-52-1234567"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Neutralize(tt.in)
			if got != tt.want {
				t.Fatalf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := source.Deneutralize(got); back != tt.in {
				t.Fatalf("source.Deneutralize(%q) = %q, want %q", got, back, tt.in)
			}
		})
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return recs
}

func TestWriterReportAndErrors(t *testing.T) {
	var rep, errs bytes.Buffer
	w := NewWriter(&rep, &errs, []string{"ID", "First Name", "Phone"})
	rows := []struct {
		r      Result
		fields []string
	}{
		{Result{Row: 1, Line: 2, PartnerCandidateID: "A1", Outcome: Created, CandidateUID: "00.AAA", HTTPStatus: 201, Attempts: 1}, []string{"A1", "Bob", "052"}},
		{Result{Row: 2, Line: 3, PartnerCandidateID: "A2", FirstName: "=cmd()", Outcome: Invalid, ErrorCode: "invalid_email", Message: "email: bad"}, []string{"A2", "=cmd()", "+972"}},
		{Result{Row: 3, Line: 5, PartnerCandidateID: "A3", Outcome: Failed, ErrorCode: "too_many_requests", Attempts: 5}, []string{"A3", "Ann"}},
		{Result{Row: 4, Line: 6, Outcome: Conflict, CandidateUID: "5555", HTTPStatus: 409}, []string{"A4", "Al", ""}},
	}
	for _, r := range rows {
		if err := w.Write(&r.r, r.fields); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	report := readCSV(t, rep.Bytes())
	if len(report) != 5 {
		t.Fatalf("got %d report lines, want header + 4", len(report))
	}
	if !slices.Equal(report[0], Header) {
		t.Fatalf("got header %v, want %v", report[0], Header)
	}
	if got := report[2][4]; got != "'=cmd()" {
		t.Errorf("got first_name %q, want neutralised", got)
	}
	if got := report[1][9]; got != "201" {
		t.Errorf("got http_status %q, want 201", got)
	}
	if got := report[3][9]; got != "" {
		t.Errorf("got http_status %q for a row never answered, want empty", got)
	}
	errRows := readCSV(t, errs.Bytes())
	want := [][]string{
		{"ID", "First Name", "Phone", "error_code", "message"},
		{"A2", "'=cmd()", "'+972", "invalid_email", "email: bad"},
		{"A3", "Ann", "", "too_many_requests", ""},
	}
	if !slices.EqualFunc(errRows, want, slices.Equal) {
		t.Fatalf("got errors file %q, want %q", errRows, want)
	}
	if got := w.Counts(); got[Created] != 1 || got[Invalid] != 1 || got[Failed] != 1 || got[Conflict] != 1 || got.Total() != 4 {
		t.Fatalf("got counts %v", got)
	}
}

func TestErrorsFileFedBackReusesColumns(t *testing.T) {
	var rep, errs bytes.Buffer
	w := NewWriter(&rep, &errs, []string{"ID", "error_code", "Message"})
	r := Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "required_field", Message: "first_name: required"}
	if err := w.Write(&r, []string{"A1", "old_code", "old message"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got := readCSV(t, errs.Bytes())
	want := [][]string{{"ID", "error_code", "Message"}, {"A1", "required_field", "first_name: required"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestCleanRunLeavesErrorsFileEmpty(t *testing.T) {
	var rep, errs bytes.Buffer
	w := NewWriter(&rep, &errs, []string{"ID"})
	w.Write(&Result{Row: 1, Line: 2, Outcome: Valid}, []string{"A"})
	w.Close()
	if errs.Len() != 0 {
		t.Fatalf("got errors file %q, want empty", errs.String())
	}
}

func TestCreateFileMode(t *testing.T) {
	dir := t.TempDir()
	rp, ep := filepath.Join(dir, "r.csv"), filepath.Join(dir, "e.csv")
	if err := os.WriteFile(rp, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(rp, ep, []string{"ID"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&Result{Row: 1, Line: 2, Outcome: Failed}, []string{"A"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{rp, ep} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s: got mode %v, want %v", p, st.Mode().Perm(), FileMode)
		}
	}
	b, _ := os.ReadFile(rp)
	if strings.Contains(string(b), "old") {
		t.Errorf("report was not truncated: %q", b)
	}
}

func TestSummaryString(t *testing.T) {
	s := Summary{
		Counts:  Counts{Created: 8, Conflict: 1, Invalid: 2, Failed: 1},
		Elapsed: 3200 * time.Millisecond, Sent: 11, Throttled: 0, BudgetUsed: 0.97,
	}
	want := "12 rows in 3.2s (225 rows/min): 8 created, 1 conflict, 2 invalid, 1 failed; 11 requests, 97% of the allowed rate, 0 throttled"
	if got := s.String(); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// An interrupted run's rate is of the rows it reached, not of the
	// not_sent rest (which made it millions of rows a minute).
	stopped := Summary{Counts: Counts{Created: 146, NotSent: 99854}, Elapsed: 3200 * time.Millisecond, Sent: 146}
	if got, want := stopped.String(), "100000 rows in 3.2s (2738 rows/min): 146 created, 99854 not_sent; 146 requests, 0 throttled"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// A skip-only run that only looked up its position names sent no row.
	skipped := Summary{Counts: Counts{Skipped: 633}, Elapsed: 70 * time.Millisecond, Sent: 1, ByKind: Requests{Positions: 1}}
	if got, want := skipped.String(), "633 rows in 100ms: 633 skipped; 1 request (1 position look-up), 0 throttled"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	dry := Summary{Counts: Counts{Valid: 3}, Elapsed: time.Second, DryRun: true}
	if got, want := dry.String(), "3 rows in 1s (3 rows/s): 3 valid"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
