package source

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// saveBook writes f under a temporary directory and returns the path.
func saveBook(t *testing.T, f *excelize.File) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openAll opens path and returns the reader and all its records.
func openAll(t *testing.T, path string, opts Options) (*Reader, []Record) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var recs []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r, recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// sheetBook has a hidden sheet first, a very hidden one, then two visible
// ones; active is the 0-based tab Excel opens on.
func sheetBook(t *testing.T, active int) string {
	t.Helper()
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Lookup"))
	for _, name := range []string{"Secret", "Candidates", "Archive"} {
		_, err := f.NewSheet(name)
		must(t, err)
	}
	for _, name := range []string{"Lookup", "Secret", "Candidates", "Archive"} {
		must(t, f.SetSheetRow(name, "A1", &[]any{"email", "sheet"}))
		must(t, f.SetSheetRow(name, "A2", &[]any{"a@example.com", name}))
	}
	f.SetActiveSheet(3) // excelize hides no selected sheet
	must(t, f.SetSheetVisible("Lookup", false))
	must(t, f.SetSheetVisible("Secret", false, true)) // very hidden
	f.SetActiveSheet(active)
	return saveBook(t, f)
}

func TestSheetChoice(t *testing.T) {
	tests := []struct {
		name   string
		active int
		sheet  string
		want   string
		others []string
	}{
		{"active sheet", 3, "", "Archive", []string{"Lookup", "Secret", "Candidates"}},
		{"active sheet is hidden: first visible", 0, "", "Candidates", []string{"Lookup", "Secret", "Archive"}},
		{"active sheet is very hidden: first visible", 1, "", "Candidates", []string{"Lookup", "Secret", "Archive"}},
		{"hidden sheet by name", 3, "lookup", "Lookup", []string{"Secret", "Candidates", "Archive"}},
		{"very hidden sheet by name", 3, "Secret", "Secret", []string{"Lookup", "Candidates", "Archive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, recs := openAll(t, sheetBook(t, tt.active), Options{Sheet: tt.sheet})
			if r.Sheet() != tt.want || !slices.Equal(r.OtherSheets(), tt.others) {
				t.Fatalf("sheet %q, others %q; want %q, %q", r.Sheet(), r.OtherSheets(), tt.want, tt.others)
			}
			if len(recs) != 1 || recs[0].Fields[1] != tt.want {
				t.Fatalf("records %v, want the row of %q", recs, tt.want)
			}
			if note := r.SheetNote(); !strings.Contains(note, `sheet "`+tt.want+`" was read`) || !strings.Contains(note, quoteAll(tt.others)) {
				t.Errorf("SheetNote() = %q", note)
			}
		})
	}
}

func TestSheetNoteDelimited(t *testing.T) {
	r, err := NewReader(strings.NewReader("a\n1\n"), Options{})
	must(t, err)
	if r.Sheet() != "" || r.OtherSheets() != nil || r.SheetNote() != "" {
		t.Errorf("delimited text names a sheet: %q %q %q", r.Sheet(), r.OtherSheets(), r.SheetNote())
	}
}

// cellBook is a workbook as agencies send them: a Position merged down over
// a group, "LinkedIn profile" labels carrying links, dates shown the
// American way, phones typed as numbers, a formula never calculated.
func cellBook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	const s = "Sheet1"
	must(t, f.SetSheetRow(s, "A1", &[]any{"Position", "Name", "LinkedIn", "Applied", "Phone", "Score", "Id"}))
	must(t, f.SetSheetRow(s, "A2", &[]any{"Backend", "Dana", "LinkedIn profile", time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC), 501234567, nil, "0042"}))
	must(t, f.SetSheetRow(s, "B3", &[]any{"Omer", "https://www.linkedin.com/in/omer", time.Date(2025, 3, 22, 14, 30, 0, 0, time.UTC), "0529876543"}))
	must(t, f.SetSheetRow(s, "B4", &[]any{"Noa"}))
	must(t, f.SetSheetRow(s, "A5", &[]any{"Frontend", "Lior"}))
	must(t, f.MergeCell(s, "A2", "A4"))
	must(t, f.SetCellHyperLink(s, "C2", "https://www.linkedin.com/in/dana", "External"))
	must(t, f.SetCellHyperLink(s, "C5", "Sheet1!A1", "Location")) // internal: not a target
	must(t, f.SetCellValue(s, "C5", "see above"))
	must(t, f.SetCellFormula(s, "F2", "=LEN(B2)"))
	must(t, f.SetCellFormula(s, "F3", "=LEN(B3)"))
	must(t, f.SetCellValue(s, "F4", 2))
	var us, dt int
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 1}) // 0: not General
	must(t, err)
	must(t, f.SetCellStyle(s, "F4", "F4", whole))
	us, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("mm-dd-yy")})
	must(t, err)
	must(t, f.SetCellStyle(s, "D2", "D3", us))
	dt, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("m/d/yyyy h:mm")})
	must(t, err)
	must(t, f.SetCellStyle(s, "D3", "D3", dt))
	return saveBook(t, f)
}

func TestWorkbookCells(t *testing.T) {
	_, recs := openAll(t, cellBook(t), Options{})
	want := []struct {
		fields []string
		notes  *CellNotes
	}{
		{[]string{"Backend", "Dana", "LinkedIn profile", "2025-03-21", "501234567", "", "0042"},
			&CellNotes{Links: map[int]string{2: "https://www.linkedin.com/in/dana"}, Numbers: []int{4}, Uncomputed: []int{5}}},
		{[]string{"Backend", "Omer", "https://www.linkedin.com/in/omer", "2025-03-22T14:30:00", "0529876543", "", ""},
			&CellNotes{Uncomputed: []int{5}}},
		{[]string{"Backend", "Noa", "", "", "", "2", ""}, nil},
		{[]string{"Frontend", "Lior", "see above", "", "", "", ""}, nil},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if !slices.Equal(recs[i].Fields, w.fields) {
			t.Errorf("row %d: fields %q, want %q", i+1, recs[i].Fields, w.fields)
		}
		if !reflect.DeepEqual(recs[i].Notes, w.notes) {
			t.Errorf("row %d: notes %+v, want %+v", i+1, recs[i].Notes, w.notes)
		}
		if recs[i].Err != nil {
			t.Errorf("row %d: %v", i+1, recs[i].Err)
		}
	}
}

func TestIsDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, "mm-dd-yy": true, "d mmm yyyy": true, "[$-409]dd/mm/yyyy": true,
		"0.00": false, "h:mm": false, `"day"0`: false, "#,##0": false, `0\d`: false, "@": false,
	} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

// A sheet with more merged ranges or hyperlinked cells than the reader
// keeps is refused with a clear error, not read into memory without bound.
func TestSheetTailBounds(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"a", "b"}))
	for row := 2; row <= 9; row += 2 {
		top, _ := excelize.CoordinatesToCellName(1, row)
		bottom, _ := excelize.CoordinatesToCellName(1, row+1)
		must(t, f.SetCellValue("Sheet1", top, "x"))
		must(t, f.MergeCell("Sheet1", top, bottom))
		must(t, f.SetCellHyperLink("Sheet1", "B"+top[1:], "https://example.com/"+top, "External")) // on an empty cell
	}
	path := saveBook(t, f)
	for _, tt := range []struct {
		bound *int
		want  string
	}{
		{&maxMerges, "more than 3 merged ranges"},
		{&maxLinks, "more than 3 hyperlink"},
	} {
		old := *tt.bound
		*tt.bound = 3
		_, err := Open(path, Options{})
		*tt.bound = old
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
	_, recs := openAll(t, path, Options{})
	// Rows 2 to 8: row 9 has no cell of its own, and the sheet ends with row 8.
	if len(recs) != 7 || recs[1].Fields[0] != "x" || recs[1].Notes != nil || recs[2].Notes == nil || recs[2].Notes.Links[1] != "https://example.com/A4" {
		t.Errorf("records %+v", recs)
	}
}

// A header cell merged down over data rows gives them nothing: a header is
// no value.
func TestMergedHeaderIsNoValue(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Email"}))
	must(t, f.SetSheetRow("Sheet1", "B2", &[]any{"a@example.com"}))
	must(t, f.SetSheetRow("Sheet1", "A3", &[]any{"Dana", "b@example.com"}))
	must(t, f.MergeCell("Sheet1", "A1", "A2"))
	_, recs := openAll(t, saveBook(t, f), Options{})
	if len(recs) != 2 || recs[0].Fields[0] != "" || recs[1].Fields[0] != "Dana" {
		t.Errorf("records %+v", recs)
	}
}

// rawBook writes a workbook package by hand, as some programs write it:
// rows and cells without their r attribute.
func rawBook(t *testing.T, sheetData string) string {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
		"xl/worksheets/data.xml":     `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`,
	}
	path := filepath.Join(t.TempDir(), "raw.xlsx")
	f, err := os.Create(path)
	must(t, err)
	zw := zip.NewWriter(f)
	for name, body := range parts {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	must(t, f.Close())
	return path
}

func TestRowsWithoutReferences(t *testing.T) {
	path := rawBook(t, `<row><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>applied</t></is></c><c t="inlineStr"><is><t>phone</t></is></c></row>`+
		`<row><c t="inlineStr"><is><t>Dana</t></is></c><c s="1"><v>45737</v></c><c><v>501234567</v></c></row>`+
		`<row><c t="inlineStr"><is><t>Omer</t></is></c><c s="1"><f>TODAY()</f></c><c t="inlineStr"><is><t>0529876543</t></is></c></row>`)
	r, recs := openAll(t, path, Options{})
	if r.Sheet() != "Export" {
		t.Errorf("sheet %q", r.Sheet())
	}
	if len(recs) != 2 {
		t.Fatalf("records %+v", recs)
	}
	if !slices.Equal(recs[0].Fields, []string{"Dana", "2025-03-21", "501234567"}) || !reflect.DeepEqual(recs[0].Notes, &CellNotes{Numbers: []int{2}}) {
		t.Errorf("row 1: %q %+v", recs[0].Fields, recs[0].Notes)
	}
	if !slices.Equal(recs[1].Fields, []string{"Omer", "", "0529876543"}) || !reflect.DeepEqual(recs[1].Notes, &CellNotes{Uncomputed: []int{1}}) {
		t.Errorf("row 2: %q %+v", recs[1].Fields, recs[1].Notes)
	}
}
