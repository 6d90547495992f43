package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

var workbookHeader = []string{"ID", "First Name", "Phone", "Status", "Country"}

// workbookRows are rows of every kind the errors workbook meets: cells at
// fault, a formula-looking cell, leading zeros, a short row, a row without
// cells, a row that is fine (not written).
var workbookRows = []struct {
	r      Result
	fields []string
}{
	{Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "invalid_status",
		Message: `Status "Screening" is not a Comeet status`,
		Cells:   []CellProblem{{Column: 3, Message: `Status "Screening" is not a Comeet status; type one of "New", "Interview", "Hired"`}}},
		[]string{"A1", "Dana", "0589254563", "Screening", "Israel"}},
	{Result{Row: 2, Line: 3, Outcome: Created}, []string{"A2", "Ok", "052", "New", "Israel"}},
	{Result{Row: 3, Line: 4, Outcome: Invalid, ErrorCode: "invalid_country",
		Message: `Country "United Stats": not a country; Phone "=1+2": not a phone number`,
		Cells: []CellProblem{
			{Column: 4, Message: `Country "United Stats": not a country; did you mean "United States" (US)?`},
			{Column: 2, Message: `Phone "=1+2": not a phone number`},
		}},
		[]string{"A3", "=HYPERLINK(\"http://x\")", "=1+2", "New", "United Stats"}},
	{Result{Row: 4, Line: 5, Outcome: Failed, ErrorCode: "too_many_requests", Message: "after 5 attempts: 429"},
		[]string{"A4", " Ann ", "+972 56 199 6881"}},
	{Result{Row: 5, Line: 6, Outcome: Invalid, ErrorCode: "width", Message: "line 6: 7 cells, header has 5"}, nil},
}

func writeWorkbook(t *testing.T, header []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	wb, err := NewErrorsWorkbook(&buf, header)
	if err != nil {
		t.Fatal(err)
	}
	var rep bytes.Buffer
	w, err := NewWriterTo(&rep, wb, DefaultDialect, header)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range workbookRows {
		if err := w.Write(&row.r, row.fields); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.ErrorRows(); got != 4 {
		t.Fatalf("got %d error rows, want 4", got)
	}
	return buf.Bytes()
}

func TestErrorsWorkbookGolden(t *testing.T) {
	b := writeWorkbook(t, workbookHeader)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dump := append(sheetElements(t, b), dumpWorkbook(t, f)...)
	golden(t, "errors_workbook.golden", dump)
}

// sheetElements lists the sheet XML's filter and comment drawing, which
// excelize has no getter for.
func sheetElements(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := io.ReadAll(rc)
	var out []byte
	for _, re := range []*regexp.Regexp{regexp.MustCompile(`<autoFilter [^>]*>`), regexp.MustCompile(`<legacyDrawing [^>]*>`)} {
		m := re.Find(x)
		if m == nil {
			t.Errorf("sheet XML has no %s", re)
		}
		out = append(append(out, m...), '\n')
	}
	return out
}

// dumpWorkbook renders what a person sees in the errors workbook as text:
// the sheets, panes, filter, and every cell with its type, number format,
// fill and comment.
func dumpWorkbook(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "sheets: %q\n", f.GetSheetList())
	sheet := WorkbookSheet
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "panes: freeze=%v ysplit=%d topleft=%s\n", panes.Freeze, panes.YSplit, panes.TopLeftCell)
	names := f.GetDefinedName()
	for _, n := range names {
		fmt.Fprintf(&b, "defined name: %s scope=%s refers=%s\n", n.Name, n.Scope, n.RefersTo)
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]excelize.Comment{}
	for _, c := range comments {
		byCell[c.Cell] = c
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	for y := 1; y <= len(rows); y++ {
		for x := 1; x <= width; x++ {
			cell, _ := excelize.CoordinatesToCellName(x, y)
			dumpCell(t, &b, f, cell, byCell)
		}
	}
	fmt.Fprintf(&b, "comments: %d\n", len(comments))
	return []byte(b.String())
}

func dumpCell(t *testing.T, b *strings.Builder, f *excelize.File, cell string, comments map[string]excelize.Comment) {
	t.Helper()
	v, err := f.GetCellValue(WorkbookSheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := f.GetCellType(WorkbookSheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	formula, _ := f.GetCellFormula(WorkbookSheet, cell)
	id, err := f.GetCellStyle(WorkbookSheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(b, "%s type=%v numfmt=%d value=%q", cell, typ, st.NumFmt, v)
	if formula != "" {
		fmt.Fprintf(b, " FORMULA=%q", formula)
	}
	if len(st.Fill.Color) > 0 {
		fmt.Fprintf(b, " fill=%s", strings.Join(st.Fill.Color, ","))
	}
	if st.Font != nil && st.Font.Bold {
		b.WriteString(" bold")
	}
	if c, ok := comments[cell]; ok {
		fmt.Fprintf(b, " comment[%s]=%q", c.Author, commentText(c))
	}
	b.WriteByte('\n')
}

func commentText(c excelize.Comment) string {
	if c.Text != "" {
		return c.Text
	}
	var s strings.Builder
	for _, p := range c.Paragraph {
		s.WriteString(p.Text)
	}
	return s.String()
}

func TestErrorsWorkbookCells(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeWorkbook(t, workbookHeader)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		cell, value string
		offending   bool
		comment     string
	}{
		{"C2", "0589254563", false, ""},
		{"D2", "Screening", true, `Status "Screening" is not a Comeet status; type one of "New", "Interview", "Hired"`},
		{"B3", `=HYPERLINK("http://x")`, false, ""},
		{"C3", "=1+2", true, `Phone "=1+2": not a phone number`},
		{"E3", "United Stats", true, `Country "United Stats": not a country; did you mean "United States" (US)?`},
		{"B4", " Ann ", false, ""},
		{"C4", "+972 56 199 6881", false, ""},
		{"F4", "too_many_requests", false, ""},
		{"G5", "line 6: 7 cells, header has 5", false, ""},
	}
	comments, _ := f.GetComments(WorkbookSheet)
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			if got, _ := f.GetCellValue(WorkbookSheet, tt.cell); got != tt.value {
				t.Errorf("got value %q, want %q", got, tt.value)
			}
			if typ, _ := f.GetCellType(WorkbookSheet, tt.cell); typ != excelize.CellTypeInlineString {
				t.Errorf("got cell type %v, want an inline string", typ)
			}
			if formula, _ := f.GetCellFormula(WorkbookSheet, tt.cell); formula != "" {
				t.Errorf("got formula %q, want none", formula)
			}
			id, _ := f.GetCellStyle(WorkbookSheet, tt.cell)
			st, _ := f.GetStyle(id)
			if st.NumFmt != textFormat {
				t.Errorf("got number format %d, want %d (text)", st.NumFmt, textFormat)
			}
			if filled := slices.Contains(st.Fill.Color, offendingFill); filled != tt.offending {
				t.Errorf("got fill %v, want offending %v", st.Fill.Color, tt.offending)
			}
			var got string
			for _, c := range comments {
				if c.Cell == tt.cell {
					got = commentText(c)
				}
			}
			if got != tt.comment {
				t.Errorf("got comment %q, want %q", got, tt.comment)
			}
		})
	}
}

// TestErrorsWorkbookFedBack fixes the workbook as a person would, saves it,
// and reads it with the input reader: the fixed cells come through as
// typed, leading zeros included, and the error columns are reused.
func TestErrorsWorkbookFedBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fix.xlsx")
	if err := os.WriteFile(path, writeWorkbook(t, workbookHeader), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellStr(WorkbookSheet, "D2", "Interview")
	f.SetCellStr(WorkbookSheet, "E3", "United States")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	src, err := source.Open(path, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	wantHeader := append(slices.Clone(workbookHeader), ErrorCodeColumn, MessageColumn)
	if got := src.Header(); !slices.Equal(got, wantHeader) {
		t.Fatalf("got header %q, want %q", got, wantHeader)
	}
	want := [][]string{
		{"A1", "Dana", "0589254563", "Interview", "Israel", "invalid_status", `Status "Screening" is not a Comeet status`},
		{"A3", `=HYPERLINK("http://x")`, "=1+2", "New", "United States", "invalid_country", workbookRows[2].r.Message},
		{"A4", " Ann ", "+972 56 199 6881", "", "", "too_many_requests", "after 5 attempts: 429"},
		{"", "", "", "", "", "width", "line 6: 7 cells, header has 5"},
	}
	for i, w := range want {
		rec, err := src.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		if rec.Err != nil || !slices.Equal(rec.Fields, w) {
			t.Errorf("record %d: got %q (%v), want %q", i+1, rec.Fields, rec.Err, w)
		}
	}
	if _, err := src.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v after the last record, want io.EOF", err)
	}

	// Fed back, the workbook's own error columns are reused, not added.
	var rep, again bytes.Buffer
	wb, err := NewErrorsWorkbook(&again, src.Header())
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewWriterTo(&rep, wb, DefaultDialect, src.Header())
	w.Write(&Result{Row: 1, Outcome: Invalid, ErrorCode: "x", Message: "y"}, want[0])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	g, _ := excelize.OpenReader(&again)
	defer g.Close()
	rows, _ := g.GetRows(WorkbookSheet)
	if !slices.Equal(rows[0], wantHeader) || rows[1][5] != "x" || rows[1][6] != "y" {
		t.Fatalf("fed back: got %q", rows)
	}
}

// TestErrorsWorkbookCommentCap: past the cap, offending cells are still
// filled but carry no comment.
func TestErrorsWorkbookCommentCap(t *testing.T) {
	var buf bytes.Buffer
	wb, err := NewErrorsWorkbook(&buf, []string{"A"})
	if err != nil {
		t.Fatal(err)
	}
	wb.maxNotes = 2
	for i := range 3 {
		r := Result{Row: i + 1, Outcome: Invalid, ErrorCode: "c", Cells: []CellProblem{{Column: 0, Message: "bad"}}}
		if err := wb.Write(&r, []string{"x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	if got := wb.CommentsDropped(); got != 1 {
		t.Fatalf("got %d comments dropped, want 1", got)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	comments, _ := f.GetComments(WorkbookSheet)
	if len(comments) != 2 {
		t.Fatalf("got %d comments, want 2", len(comments))
	}
	id, _ := f.GetCellStyle(WorkbookSheet, "A4")
	if st, _ := f.GetStyle(id); !slices.Contains(st.Fill.Color, offendingFill) {
		t.Fatalf("the cell past the cap is not filled: %v", st.Fill.Color)
	}
}

// Issue 11: the columns were as wide as their header, so an e-mail column
// headed "Email" cut every address at 12 characters.
func TestWorkbookColumnWidths(t *testing.T) {
	header := []string{"ID", "Email", "Candidate Name", "Phone", "LinkedIn URL", "Notes", "Status", "A header longer than forty characters in all"}
	var buf bytes.Buffer
	e, err := NewErrorsWorkbook(&buf, header)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Write(&Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "x", Message: "m"},
		[]string{"1", "dana.levi@example.com", "Dana Levi", "+972 56 199 6881", "https://www.linkedin.com/in/dana", "", "New", ""}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Printed (or turned into a PDF), landscape, the columns (288
	// character widths) on two pages across, so the text stays readable.
	layout, err := f.GetPageLayout(WorkbookSheet)
	if err != nil {
		t.Fatal(err)
	}
	props, err := f.GetSheetProps(WorkbookSheet)
	if err != nil {
		t.Fatal(err)
	}
	if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 2 ||
		props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("page layout %+v, fit to page %v: want landscape, two pages wide", layout, props.FitToPage)
	}
	for width, pages := range map[float64]int{0: 1, 100: 1, 180: 1, 181: 2, 284: 2, 541: 4} {
		if got := pagesAcross(width); got != pages {
			t.Errorf("pagesAcross(%v) = %d, want %d", width, got, pages)
		}
	}
	want := []float64{12, 30, 18, 18, 34, 40, 12, 40, 24, 60} // the URL is 32 characters
	for i, w := range want {
		col, _ := excelize.ColumnNumberToName(i + 1)
		got, err := f.GetColWidth(WorkbookSheet, col)
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			name := "error_code/message"
			if i < len(header) {
				name = header[i]
			}
			t.Errorf("column %s (%s): width %v, want %v", col, name, got, w)
		}
	}
}

// A column is as wide as the longest of its first values (up to 50
// characters), so a "Job" column holding "Backend Engineer" is not cut; a
// value past the first measuredRows rows does not widen it.
func TestWorkbookColumnWidthsFromValues(t *testing.T) {
	header := []string{"Job", "Stage", "Story", "Late"}
	var buf bytes.Buffer
	e, err := NewErrorsWorkbook(&buf, header)
	if err != nil {
		t.Fatal(err)
	}
	for i := range measuredRows + 5 {
		late := ""
		if i == measuredRows+2 {
			late = "a value written after the widths were set"
		}
		fields := []string{"QA", "New", "", late}
		if i == 7 {
			fields = []string{"Backend Engineer", "Interview\nscheduled", strings.Repeat("long ", 40), late}
		}
		if err := e.Write(&Result{Row: i + 1, Line: i + 2, Outcome: Invalid, ErrorCode: "x", Message: "m"}, fields); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for col, want := range map[string]float64{"A": 18, "B": 12, "C": 50, "D": 12} {
		if got, err := f.GetColWidth(WorkbookSheet, col); err != nil || got != want {
			t.Errorf("column %s: width %v (%v), want %v", col, got, err, want)
		}
	}
	if rows, _ := f.GetRows(WorkbookSheet); len(rows) != measuredRows+6 || rows[8][0] != "Backend Engineer" {
		t.Errorf("%d rows, row 9 %q: want every row written in order", len(rows), rows[8])
	}
}

// A cell longer than a workbook cell holds (32,767 characters) is cut in
// the workbook, and the cut is said in the cell's note and the row's
// message; the errors CSV beside the workbook keeps the whole cell, so
// fixing the row loses nothing. Before, the workbook cut it without a word.
func TestErrorsWorkbookLongCell(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.errors.xlsx")
	long := strings.Repeat("word ", 8000) + "end" // 40,003 characters
	huge := strings.Repeat("ש", 900_000) + "סוף"  // 1.8 MB of UTF-8
	w, err := Open(Config{ReportPath: filepath.Join(dir, "in.report.csv"), ErrorsPath: path, InputHeader: []string{"id", "note", "cv"}})
	if err != nil {
		t.Fatal(err)
	}
	r := Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "too_long", Message: "note is too long"}
	if err := w.Write(&r, []string{"1", long, huge}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(WorkbookSheet)
	if len(rows) != 2 || len([]rune(rows[1][1])) != excelize.TotalCellChars || !strings.HasPrefix(long, rows[1][1]) {
		t.Fatalf("workbook row: %d cells, note of %d characters", len(rows[1]), len([]rune(rows[1][1])))
	}
	uncut := UncutPath(path)
	msg := rows[1][4]
	for _, want := range []string{"note is too long", "cell 2 (note) held 40003 characters", "cell 3 (cv) held 900003", filepath.Base(uncut)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	comments, _ := f.GetComments(WorkbookSheet)
	var noted []string
	for _, c := range comments {
		if strings.Contains(c.Text, "32,767") && strings.Contains(c.Text, filepath.Base(uncut)) {
			noted = append(noted, c.Cell)
		}
	}
	if !slices.Equal(noted, []string{"B2", "C2"}) && !slices.Equal(noted, []string{"C2", "B2"}) {
		t.Errorf("cells whose note says the cut: %q, want B2 and C2", noted)
	}
	src, err := source.Open(uncut, source.Options{})
	if err != nil {
		t.Fatalf("the errors CSV beside the workbook: %v", err)
	}
	defer src.Close()
	rec, err := src.Next()
	if err != nil || rec.Fields[1] != long || rec.Fields[2] != huge {
		t.Errorf("the errors CSV beside the workbook: %v, cells of %d and %d characters", err, len(rec.Fields[1]), len(rec.Fields[2]))
	}
}

// A workbook without a cut cell leaves no errors CSV beside it, and
// removes one an earlier run left.
func TestErrorsWorkbookNoUncutFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.errors.xlsx")
	if err := os.WriteFile(UncutPath(path), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := Open(Config{ReportPath: filepath.Join(dir, "in.report.csv"), ErrorsPath: path, InputHeader: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&Result{Row: 1, Line: 2, Outcome: Invalid, ErrorCode: "x", Message: "y"}, []string{"1"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"in.errors.xlsx", "in.report.csv"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
}
