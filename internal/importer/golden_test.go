package importer

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the run writes")

// goldenCase is one messy input and how to read it.
type goldenCase struct {
	name    string
	input   func(t *testing.T) string
	source  source.Options
	mapping string
}

func testdataFile(name string) func(*testing.T) string {
	return func(*testing.T) string { return filepath.Join("testdata", name) }
}

var goldenCases = []goldenCase{
	// A UTF-8 file with a BOM, ';' and CRLF, multi-line notes, Hebrew and
	// accented names, a ragged row and a broken quote in the middle, an
	// invalid byte, and every local rule broken at least once.
	{name: "messy-utf8", input: testdataFile("messy-utf8.csv"), mapping: "messy.mapping.csv"},
	// Hebrew in Windows-1255, as old Israeli exports are.
	{name: "messy-1255", input: testdataFile("messy-1255.csv"), source: source.Options{Encoding: "windows-1255"}},
	// Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated.
	{name: "messy-utf16", input: testdataFile("messy-utf16.txt")},
	// A workbook, with numbers, a phone kept as text, and an empty row.
	{name: "messy-xlsx", input: writeWorkbook},
}

// TestGoldenReports checks the report and the errors file of validate on
// each messy input against testdata/<name>.golden; -update rewrites them.
func TestGoldenReports(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := dryConfig(t, tc.input(t))
			cfg.Source = tc.source
			if tc.mapping != "" {
				cfg.MappingFile = filepath.Join("testdata", tc.mapping)
			}
			sum := mustRun(t, cfg)
			checkGolden(t, tc.name, runText(t, cfg, sum.Counts))
		})
	}
}

// TestGoldenImport imports the UTF-8 sample into the fake Comeet: the rows
// validate calls valid are created, with the uids the server hands out in
// order, and nothing else is sent.
func TestGoldenImport(t *testing.T) {
	srv := newTestServer(t, comeettest.Options{})
	cfg := importConfig(dryConfig(t, filepath.Join("testdata", "messy-utf8.csv")), srv)
	cfg.MappingFile = filepath.Join("testdata", "messy.mapping.csv")
	sum := mustRun(t, cfg)
	checkGolden(t, "messy-utf8-import", runText(t, cfg, sum.Counts))
	if got, want := len(srv.Requests()), sum.Counts[report.Created]; got != want {
		t.Errorf("got %d requests, want %d (one per created row)", got, want)
	}
}

// runText is what a golden file holds: the counts, the report and the
// errors file.
func runText(t *testing.T, cfg Config, counts report.Counts) string {
	t.Helper()
	return "counts: " + countsLine(counts) + "\n" +
		"== report ==\n" + readFile(t, cfg.ReportPath) +
		"== errors ==\n" + readFile(t, cfg.ErrorsPath)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update after review):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 5; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			shown++
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl + "\n")
		}
	}
	return b.String()
}

// writeWorkbook writes the workbook sample: the same kind of rows as the
// CSV samples, with the cell types a spreadsheet really has.
func writeWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	rows := [][]any{
		{"Partner Candidate ID", "position_uid", "First Name", "Last Name", "E-mail", "Mobile Phone", "Prospect Status", "Address Country", "Note"},
		{1001, "11.11", "Ana", "Lima", "ana@example.com", "0528644246", "Interested", "BR", "line one\nline two"},
		{1002, "11.11", "Åsa", "Öberg", "ASA@EXAMPLE.SE", "", "contacted", "se", ""},
		{},
		{1003, "11.11", "Ngozi", "", "ngozi@example.ng", "", "", "NG", ""},
		{1004, "11.11", "Kenji", "Sato", "kenji@example", "", "Maybe", "JP", ""},
		{1001, "11.11", "Ana", "Lima", "", "", "", "", "a duplicate"},
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "candidates.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
