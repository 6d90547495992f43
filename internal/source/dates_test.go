package source

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestDateLayout(t *testing.T) {
	tests := []struct {
		pattern string
		in      string
		want    string // "" when in is not a date in the pattern
	}{
		{"MM/DD/YYYY", "03/21/2025", "2025-03-21"},
		{"MM/DD/YYYY", "3/21/2025", "2025-03-21"},
		{"MM/DD/YYYY", " 12/01/2024 ", "2024-12-01"},
		{"MM/DD/YYYY", "21/03/2025", ""}, // no 21st month
		{"MM/DD/YYYY", "03/21/2025 extra", ""},
		{"MM-DD-YY", "03-21-25", "2025-03-21"},
		{"dd.mm.yyyy", "21.03.2025", "2025-03-21"},
		{"D MMM YYYY", "21 Mar 2025", "2025-03-21"},
		{"DD MMMM YYYY", "05 March 2025", "2025-03-05"},
		{"YYYY-MM-DD", "2025-03-21", "2025-03-21"},
		{"01/02/2006", "03/21/2025", "2025-03-21"}, // a Go layout
		{"02.01.2006", "21.03.2025", "2025-03-21"},
		{"MM/DD/YYYY", "0528644246", ""},
		{"MM/DD/YYYY", "", ""},
	}
	for _, tt := range tests {
		d, err := ParseDateLayout(tt.pattern)
		if err != nil {
			t.Fatalf("ParseDateLayout(%q): %v", tt.pattern, err)
		}
		got, ok := d.ISO(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: ISO(%q) = %q, %v; want %q", tt.pattern, tt.in, got, ok, tt.want)
		}
	}
}

func TestDateLayoutErrors(t *testing.T) {
	for pattern, want := range map[string]string{
		"":             "date format is empty",
		"MM/YYYY":      `date format "MM/YYYY" needs a year, a month and a day`,
		"MM/DD/YYYY Q": `date format "MM/DD/YYYY Q": "Q" is not a part of a date`,
	} {
		_, err := ParseDateLayout(pattern)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDateLayout(%q) = %v, want %q", pattern, err, want)
		}
	}
	if _, err := NewReader(strings.NewReader("a\n1\n"), Options{DateFormat: "MM/YYYY"}); err == nil {
		t.Error("NewReader took a date format without a day")
	}
}

// With a date format, delimited text and text cells of a workbook give
// ISO dates; other cells are kept as written.
func TestReaderDateFormat(t *testing.T) {
	r, err := NewReader(strings.NewReader("name,applied,phone\nDana,03/21/2025,0528644246\nOmer,12/1/2024,\n"), Options{DateFormat: "MM/DD/YYYY"})
	must(t, err)
	recs := readAll(t, r)
	if len(recs) != 2 || recs[0].Fields[1] != "2025-03-21" || recs[0].Fields[2] != "0528644246" || recs[1].Fields[1] != "2024-12-01" {
		t.Errorf("records %+v", recs)
	}

	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"name", "applied"}))
	must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"Dana", "21.03.2025"}))
	must(t, f.SetSheetRow("Sheet1", "A3", &[]any{"Omer", "1.12.2024"}))
	_, recs = openAll(t, saveBook(t, f), Options{DateFormat: "DD.MM.YYYY"})
	if len(recs) != 2 || recs[0].Fields[1] != "2025-03-21" || recs[1].Fields[1] != "2024-12-01" {
		t.Errorf("workbook records %+v", recs)
	}
}
