package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func htmlPage(t *testing.T) HTMLPage {
	t.Helper()
	var rep bytes.Buffer
	w, err := NewWriterTo(&rep, nil, DefaultDialect, workbookHeader)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range workbookRows {
		if err := w.Write(&row.r, row.fields); err != nil {
			t.Fatal(err)
		}
	}
	w.Write(&Result{Row: 6, Line: 7, Outcome: Invalid, ErrorCode: "x", Message: `<script>alert("x")</script>`}, []string{"<b>bold</b>"})
	s := Summary{Counts: w.Counts(), Elapsed: 2 * time.Second, DryRun: true, ExitCode: 1}
	s.AddProblems(w.Problems())
	s.Attention = w.Attention()
	return HTMLPage{Title: "candidates.xlsx", Generated: time.Date(2026, 12, 2, 2, 30, 0, 0, time.UTC), Summary: s, Attention: s.Attention}
}

func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, htmlPage(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.html", b.Bytes())
	page := b.String()
	for _, bad := range []string{"<script>", "<b>bold", "<link", "src=", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q: want every value escaped and nothing fetched", bad)
		}
	}
	if got := strings.Count(page, `<td class="bad">`); got != 3 {
		t.Errorf("got %d offending cells marked, want 3", got)
	}
}

func TestHTMLRowsBounded(t *testing.T) {
	var rep bytes.Buffer
	w, _ := NewWriterTo(&rep, nil, DefaultDialect, []string{"ID"})
	for i := range MaxHTMLRows + 7 {
		w.Write(&Result{Row: i + 1, Outcome: Failed}, []string{"A"})
	}
	if a := w.Attention(); len(a.Rows) != MaxHTMLRows || a.More != 7 {
		t.Fatalf("got %d rows and %d more, want %d and 7", len(a.Rows), a.More, MaxHTMLRows)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTMLFile(path, HTMLPage{Title: "x", Attention: w.Attention()}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "and 7 more rows") {
		t.Fatalf("page does not say how many rows were left out")
	}
}

// The page numbers a row one way, as a person sees it in Excel (the
// header counted), in its top problems and in its rows alike.
func TestHTMLOneRowNumbering(t *testing.T) {
	var rep bytes.Buffer
	w, err := NewWriterTo(&rep, nil, DefaultDialect, []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&Result{Row: 4, Line: 5, Outcome: Invalid, ErrorCode: "invalid_email", Message: "bad email",
		Cells: []CellProblem{{Column: 0, Code: "invalid_email", Message: "bad email"}}}, []string{"x@"})
	s := Summary{Counts: w.Counts()}
	s.AddProblems(w.Problems())
	var b bytes.Buffer
	if err := WriteHTML(&b, HTMLPage{Title: "candidates.xlsx", Summary: s, Attention: w.Attention()}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "<td>row 5: ") {
		t.Errorf("top problems do not name row 5:\n%s", page)
	}
	if !strings.Contains(page, `<tr><td class="num">5</td><td class="bad">`) || strings.Contains(page, `<td class="num">4</td>`) || strings.Contains(page, "<th>line</th>") {
		t.Errorf("rows table does not number the row 5 alone:\n%s", page)
	}
}
