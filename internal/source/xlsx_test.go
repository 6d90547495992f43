package source

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// cells sets each cell of a sheet; a nil map value leaves the sheet empty.
type cells map[string]any

// workbook writes an .xlsx with the sheets in order and returns its path.
func workbook(t *testing.T, sheets []string, content map[string]cells, styles map[string]excelize.Style) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for ref, v := range content[name] {
			if err := f.SetCellValue(name, ref, v); err != nil {
				t.Fatal(err)
			}
			if st, ok := styles[name+"!"+ref]; ok {
				id, err := f.NewStyle(&st)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle(name, ref, ref, id); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "candidates.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptr[T any](v T) *T { return &v }

func TestOpenXLSX(t *testing.T) {
	date := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	content := map[string]cells{
		"Candidates": {
			"A1": "first_name", "B1": "last_name", "C1": "phone", "D1": "score", "E1": "applied", "F1": "notes",
			"A2": "Ann", "B2": "Lee", "C2": "0528644246", "D2": 3.5, "E2": date, "F2": "two\nlines",
			"A4": "Bob", "C4": 972528644246,
			"A5": "Eve", "B5": "Ng", "G5": "surplus",
			"A6": "Dan", "C6": "1E5", "D6": 1234567890123,
		},
		"Other": {"A1": "x", "B1": "y", "A2": "1", "B2": "2"},
	}
	styles := map[string]excelize.Style{
		"Candidates!E2": {CustomNumFmt: ptr("yyyy-mm-dd")},
		"Candidates!C4": {NumFmt: 11}, // 0.00E+00
	}
	path := workbook(t, []string{"Candidates", "Other"}, content, styles)

	tests := []struct {
		name   string
		opts   Options
		header []string
		want   []rec
	}{
		{
			name:   "first sheet",
			header: []string{"first_name", "last_name", "phone", "score", "applied", "notes"},
			want: []rec{
				{1, 2, []string{"Ann", "Lee", "0528644246", "3.5", "2024-03-05", "two\nlines"}, ""},
				{2, 4, []string{"Bob", "", "972528644246", "", "", ""}, ""},
				{3, 5, []string{"Eve", "Ng", "", "", "", "", "surplus"}, "line 5: 7 cells, header has 6"},
				{4, 6, []string{"Dan", "", "1E5", "1234567890123", "", ""}, ""},
			},
		},
		{
			name:   "sheet by name, any case",
			opts:   Options{Sheet: "other"},
			header: []string{"x", "y"},
			want:   []rec{{1, 2, []string{"1", "2"}, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(path, tt.opts)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			if !slices.Equal(r.Header(), tt.header) {
				t.Errorf("Header: got %q, want %q", r.Header(), tt.header)
			}
			checkRecords(t, readAll(t, r), tt.want)
		})
	}
}

func TestOpenXLSXErrors(t *testing.T) {
	path := workbook(t, []string{"Data", "Empty", "HeaderOnly", "Dup"}, map[string]cells{
		"Data":       {"A1": "a", "A2": "1"},
		"HeaderOnly": {"A1": "a", "B1": "b"},
		"Dup":        {"A1": "Email", "B1": "email", "A2": "1"},
	}, nil)
	tests := []struct {
		name string
		opts Options
		is   error
		msg  string
	}{
		{"unknown sheet", Options{Sheet: "Nope"}, nil, `open workbook candidates.xlsx: no sheet "Nope"; the sheets are "Data", "Empty", "HeaderOnly", "Dup"`},
		{"empty sheet", Options{Sheet: "Empty"}, ErrEmpty, `read workbook candidates.xlsx, sheet "Empty": input is empty: no header line`},
		{"header only", Options{Sheet: "HeaderOnly"}, ErrNoRows, `read workbook candidates.xlsx, sheet "HeaderOnly": input has a header but no data rows`},
		{"duplicate header", Options{Sheet: "Dup"}, nil, `read workbook candidates.xlsx, sheet "Dup": line 1: header has duplicate column names: "Email" (columns 1, 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(path, tt.opts)
			if err == nil {
				r.Close()
				t.Fatalf("Open: got no error, want %q", tt.msg)
			}
			if err.Error() != tt.msg || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("got %q, want %q (is %v)", err, tt.msg, tt.is)
			}
		})
	}
}

func TestOpenFormat(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		path string
		opts Options
		msg  string // "" when Open succeeds
	}{
		{filepath.Join(dir, "old.xls"), Options{}, "open old.xls: old .xls workbooks are not supported; save it as .xlsx or CSV"},
		{filepath.Join(dir, "export.dat"), Options{}, `open export.dat: unknown extension ".dat"; name the format (csv or xlsx)`},
		{filepath.Join(dir, "export.dat"), Options{Format: "csv"}, ""},
		{filepath.Join(dir, "missing.csv"), Options{}, "open input: open " + filepath.Join(dir, "missing.csv") + ": no such file or directory"},
		{StdinPath, Options{Format: "xlsx"}, "open input: xlsx cannot be read from standard input"},
		{filepath.Join(dir, "a.csv"), Options{Format: "ods"}, `open input: unknown format "ods" (want "csv" or "xlsx")`},
	}
	writeFile(t, filepath.Join(dir, "export.dat"), "a,b\n1,2\n")
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path)+tt.opts.Format, func(t *testing.T) {
			r, err := Open(tt.path, tt.opts)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				r.Close()
				return
			}
			if err == nil || err.Error() != tt.msg {
				t.Errorf("got %v, want %q", err, tt.msg)
			}
		})
	}
}

func TestIsScientific(t *testing.T) {
	for in, want := range map[string]bool{
		"9.73E+11": true, "1E5": true, "1e-07": true, "-2.5E+03": true,
		"E5": false, "Eve": false, "12E": false, "1.5": false, "0528644246": false, "3E+x": false,
	} {
		if got := isScientific(in); got != want {
			t.Errorf("isScientific(%q): got %v, want %v", in, got, want)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A workbook's sheet says how many rows it has below the header, for a
// progress total, without its rows being read; for a sheet whose dimension
// names one cell (excelize's), its last row is found while the sheet's XML
// is scanned for its merged ranges and links.
func TestSheetRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"id", "name"})
	for r := 2; r <= 10; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		f.SetSheetRow("Sheet1", cell, &[]any{r, "x"})
	}
	// As Excel and LibreOffice write it (excelize's own rows leave "A1").
	if err := f.SetSheetDimension("Sheet1", "A1:B10"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.SheetRows(); got != 9 {
		t.Errorf("SheetRows() = %d, want 9 below the header", got)
	}
	f.SetSheetDimension("Sheet1", "A1")
	f.SaveAs(path)
	r2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if got := r2.SheetRows(); got != 9 {
		t.Errorf("SheetRows() = %d for a dimension of one cell, want 9 from the rows the sheet holds", got)
	}
}

// rowStart reads a row's number from its start tag, prefixed or not, and
// counts on from the last for a row without one.
func TestRowStart(t *testing.T) {
	for chunk, want := range map[string]int{
		`<row r="650" spans="1:13">`: 650, `<x:row r="7">`: 7, "\n<row>": 5, `<row r="3"/>`: 3,
		`<c r="A9" t="s">`: 4, `</row>`: 4, `a &gt; b</t>`: 4, `<rowBreaks count="1">`: 4,
	} {
		if got := rowStart([]byte(chunk), 4); got != want {
			t.Errorf("rowStart(%q, 4) = %d, want %d", chunk, got, want)
		}
	}
}
