package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// problemRows feed Problems: 3 bad statuses, 2 bad countries (one row with
// both), a failed request, and an unknown column index.
func problemRows() []struct {
	r      Result
	fields []string
} {
	status := func(row int, v string) CellProblem {
		return CellProblem{Column: 1, Message: `Status "` + v + `" is not a Comeet status`}
	}
	return []struct {
		r      Result
		fields []string
	}{
		{Result{Row: 4, Outcome: Invalid, ErrorCode: "invalid_status", Cells: []CellProblem{status(4, "Screening")}}, []string{"A", "Screening", "Israel"}},
		{Result{Row: 7, Outcome: Invalid, ErrorCode: "invalid_status", Cells: []CellProblem{status(7, "Phone screen"),
			{Column: 2, Code: "invalid_country", Message: `Country "United Stats": not a country; did you mean "United States" (US)?`}}}, []string{"B", "Phone screen", "United Stats"}},
		{Result{Row: 9, Outcome: Invalid, ErrorCode: "invalid_country", Cells: []CellProblem{{Column: 2, Message: `Country "Isreal": not a country; did you mean "Israel" (IL)?`}}}, []string{"C", "New", "Isreal"}},
		{Result{Row: 10, Outcome: Invalid, ErrorCode: "invalid_status", Cells: []CellProblem{status(10, "Screening")}}, []string{"D", "Screening", "Israel"}},
		{Result{Row: 12, Outcome: Failed, ErrorCode: "too_many_requests", Message: "after 5 attempts: Comeet answered 429"}, []string{"E"}},
		{Result{Row: 13, Outcome: Invalid, ErrorCode: "x", Cells: []CellProblem{{Column: 9, Message: "beyond the header"}}}, []string{"F"}},
	}
}

func newProblems(max int) *Problems {
	p := NewProblems([]string{"ID", "Status", "Country"}, max)
	for _, row := range problemRows() {
		p.Add(&row.r, row.fields)
	}
	return p
}

func TestProblemsTable(t *testing.T) {
	var b strings.Builder
	if err := newProblems(0).WriteTable(&b, 3); err != nil {
		t.Fatal(err)
	}
	want := `top problems:
  3 rows: Status "Screening" is not a Comeet status (column Status, e.g. row 4)
  2 rows: Country "United Stats": not a country; did you mean "United States" (US)? (column Country, e.g. row 7)
  1 row: after 5 attempts: Comeet answered 429 (too_many_requests, e.g. row 12)
  and 1 more kind: see the errors file
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestProblemsBounded(t *testing.T) {
	p := newProblems(2)
	if got := len(p.Top(0)); got != 2 {
		t.Fatalf("got %d distinct problems, want the cap 2", got)
	}
	if got, want := p.Dropped(), 2; got != want {
		t.Fatalf("got %d dropped, want %d", got, want)
	}
	if got := p.TopCodes(0); len(got) != 2 || got[0] != (ErrorCodeCount{"invalid_status", 3}) || got[1] != (ErrorCodeCount{"invalid_country", 1}) {
		t.Fatalf("got codes %v, want invalid_status first and 2 codes at most", got)
	}
	long := strings.Repeat("é", 500)
	q := NewProblems([]string{"A"}, 0)
	q.Add(&Result{Row: 1, Outcome: Invalid, ErrorCode: "c", Cells: []CellProblem{{Column: 0, Message: long}}}, []string{long})
	if pr := q.Top(1)[0]; len([]rune(pr.ExampleValue)) != maxExampleRunes || len([]rune(pr.Message)) != maxExampleRunes {
		t.Fatalf("example not cut: %d and %d runes", len([]rune(pr.ExampleValue)), len([]rune(pr.Message)))
	}
}

func testSummary() Summary {
	s := Summary{
		Counts:  Counts{Created: 1990, Conflict: 3, Invalid: 5, Failed: 2},
		Elapsed: 20*time.Minute + 3456*time.Millisecond, Sent: 2003, Throttled: 1, BudgetUsed: 0.9712345,
		ByKind:    Requests{Create: 1995, Update: 3, Files: 4, Positions: 1},
		Slowdowns: 1, LowestPerMinute: 80.04, ExitCode: 3, InputRows: 2000,
		ReportPath: "/var/lib/comeet/candidates.report.csv", ErrorsPath: "/var/lib/comeet/candidates.errors.csv",
		LedgerPath: "/var/lib/comeet/comeet-import.ledger",
	}
	s.AddProblems(newProblems(0))
	return s
}

func TestSummaryJSONGolden(t *testing.T) {
	b, err := json.MarshalIndent(testSummary(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.json", append(b, '\n'))

	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "command", "exit_code", "elapsed_seconds", "input_rows", "counts", "requests",
		"requests_by_kind", "throttled", "budget_used", "top_error_codes", "top_problems", "report", "errors", "ledger"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("summary JSON has no %q", k)
		}
	}
}

func TestSummaryJSONEmpty(t *testing.T) {
	b, err := json.Marshal(Summary{DryRun: true, Counts: Counts{Valid: 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schema_version":1,"command":"validate","dry_run":true,"state":"finished","exit_code":0,"elapsed_seconds":0,"input_rows":2,` +
		`"counts":{"conflict":0,"created":0,"failed":0,"invalid":0,"not_sent":0,"skipped":0,"updated":0,"valid":2},"requests":0,` +
		`"requests_by_kind":{"create":0,"update":0,"files":0,"positions":0,"search":0},"throttled":0,` +
		`"budget_used":0,"slowdowns":0,"lowest_per_minute":0,"top_error_codes":[],"top_problems":[],"other_problems":0,"report":"","errors":"","ledger":"","new_invalid":0,"changed_not_sent":0}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

// An import names the kinds of its requests when any is not a create; a
// validate says what an import would send, and puts it in the JSON.
func TestSummaryRequestsByKind(t *testing.T) {
	imp := Summary{Counts: Counts{Created: 2, Updated: 1}, Elapsed: time.Second, Sent: 6,
		ByKind: Requests{Create: 2, Update: 1, Files: 2, Positions: 1}}
	if got, want := imp.String(), "6 requests (2 creates, 1 update, 2 files, 1 position look-up)"; !strings.Contains(got, want) {
		t.Errorf("got %q, want it to contain %q", got, want)
	}
	only := Summary{Counts: Counts{Created: 2}, Elapsed: time.Second, Sent: 2, ByKind: Requests{Create: 2}}
	if got := only.String(); strings.Contains(got, "creates") {
		t.Errorf("got %q, want no split when every request is a create", got)
	}
	val := Summary{DryRun: true, Counts: Counts{Valid: 3}, Elapsed: time.Second, Planned: &Requests{Create: 2, Update: 1, Files: 3}}
	if got, want := val.String(), "an import would send 6 requests (2 creates, 1 update, 3 files)"; !strings.Contains(got, want) {
		t.Errorf("got %q, want it to contain %q", got, want)
	}
	b, err := json.Marshal(val)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"requests_planned":{"create":2,"update":1,"files":3,"positions":0,"search":0}`; !strings.Contains(string(b), want) {
		t.Errorf("JSON %s, want it to contain %s", b, want)
	}
}

func TestSummaryWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := testSummary().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join("testdata", "summary.golden.json"))
	if !bytes.Equal(b, want) {
		t.Fatalf("got %s, want the golden summary", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != FileMode {
		t.Fatalf("got mode %v, want %v", st.Mode().Perm(), FileMode)
	}
}

// The top problems quote text from cells and from Comeet's answers: on the
// terminal it stays on its line and cannot send escape sequences.
func TestWriteProblemsEscapes(t *testing.T) {
	var b strings.Builder
	top := []Problem{{ErrorCode: "bad_request", Column: "Name\u202e", Rows: 2, ExampleRow: 3,
		Message: "Comeet said: \x1b]0;owned\x07\nrow 4: created"}}
	if err := WriteProblems(&b, top, 0); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if strings.ContainsAny(got, "\x1b\x07\u202e") || strings.Count(got, "\n") != 2 {
		t.Errorf("raw control characters or a forged line:\n%q", got)
	}
	if want := `Comeet said: \x1b]0;owned\a row 4: created (column Name\u202e, e.g. row 3)`; !strings.Contains(got, want) {
		t.Errorf("got %q, want it to hold %q", got, want)
	}
}

// A nightly run without --update says how many skipped rows changed and
// how to send them; a run that sent nothing tells no rate.
func TestSummaryStringChangedNotSent(t *testing.T) {
	s := Summary{Counts: Counts{Skipped: 420}, Elapsed: 2 * time.Second, ChangedNotSent: 25}
	got := s.String()
	want := "420 rows in 2s: 420 skipped; 25 skipped rows changed since sent, not sent: run import with --update to send the changes; 0 requests, 0 throttled"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
