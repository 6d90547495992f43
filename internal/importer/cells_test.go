package importer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// agencyBook writes a workbook as an agency sends it: a hidden lookup sheet
// first, the candidates on the active sheet with the position merged down
// over the group, a "LinkedIn profile" label carrying the link, a phone
// typed as a number, and formulas no program has calculated.
func agencyBook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Lookup"))
	_, err := f.NewSheet("Candidates")
	must(err)
	must(f.SetSheetRow("Lookup", "A1", &[]any{"code", "status"}))
	must(f.SetSheetRow("Lookup", "A2", &[]any{"1", "Lead"}))
	const s = "Candidates"
	must(f.SetSheetRow(s, "A1", &[]any{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "linkedin_url", "phone", "Calc"}))
	must(f.SetSheetRow(s, "A2", &[]any{"11.11", "A1", "Dana", "Levi", "dana@example.com", "LinkedIn profile", 501234567}))
	must(f.SetSheetRow(s, "B3", &[]any{"A2", "Omer", "Katz", "omer@example.com", "https://www.linkedin.com/in/omer", "0529876543"}))
	must(f.SetSheetRow(s, "B4", &[]any{"A3", "Noa", nil, "noa@example.com"}))
	must(f.SetCellValue(s, "E3", "e-mail"))
	must(f.SetCellHyperLink(s, "E3", "mailto:Omer@Example.com?subject=Hello", "External"))
	must(f.MergeCell(s, "A2", "A4"))
	must(f.SetCellHyperLink(s, "F2", "https://www.linkedin.com/in/dana-levi", "External"))
	must(f.SetCellFormula(s, "H2", "=LEN(C2)")) // not mapped: no problem
	must(f.SetCellFormula(s, "D4", "=UPPER(C4)"))
	f.SetActiveSheet(1)
	must(f.SetSheetVisible("Lookup", false))
	path := filepath.Join(t.TempDir(), "agency.xlsx")
	must(f.SaveAs(path))
	must(f.Close())
	return path
}

func TestWorkbookAsExcelShowsIt(t *testing.T) {
	srv := newTestServer(t, comeettest.Options{})
	cfg := importConfig(dryConfig(t, agencyBook(t)), srv)
	cfg.FilesDir = ""
	mustRun(t, cfg)
	got := srv.Candidates()
	if len(got) != 2 {
		t.Fatalf("got %d candidates, want 2", len(got))
	}
	dana, omer := got[0].Candidate, got[1].Candidate
	if omer.Email != "omer@example.com" {
		t.Errorf("email %q: want the mailto link's address", omer.Email)
	}
	if dana.LinkedInURL != "https://www.linkedin.com/in/dana-levi" || omer.LinkedInURL != "https://www.linkedin.com/in/omer" {
		t.Errorf("linkedin_url %q, %q: want the hyperlink's target, then the cell's URL", dana.LinkedInURL, omer.LinkedInURL)
	}
	if dana.PositionUID != "11.11" || omer.PositionUID != "11.11" {
		t.Errorf("position_uid %q, %q: want the merged cell's value in every row", dana.PositionUID, omer.PositionUID)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != 3 {
		t.Fatalf("report has %d rows, want 3", len(lines))
	}
	want := []struct{ outcome, code, message string }{
		{"created", "", `warning: column "phone" (cell G2): 501234567 is a number in the workbook, so a leading 0 or + may be lost; format the column as Text`},
		{"created", "", ""},
		{"invalid", codeUncomputed, `column "last_name" (cell D4) is a formula with no saved value: open the workbook in Excel and save it, or paste the values`},
	}
	for i, w := range want {
		l := lines[i]
		if l["outcome"] != w.outcome || l["error_code"] != w.code || l["message"] != w.message {
			t.Errorf("row %d: %s %s %q, want %s %s %q", i+1, l["outcome"], l["error_code"], l["message"], w.outcome, w.code, w.message)
		}
	}
}

// A mapped column the sheet lacks: the error names the sheet that was read
// and the others, hidden ones included, since the column may be there.
func TestMissingColumnNamesSheets(t *testing.T) {
	cfg := dryConfig(t, agencyBook(t))
	cfg.MappingFile = writeFile(t, filepath.Join(t.TempDir(), "mapping.csv"),
		"field,column,default\nposition_uid,position_uid,\npartner_candidate_id,partner_candidate_id,\nfirst_name,first_name,\nlast_name,last_name,\nemail,Email Address,\n")
	_, err := Run(context.Background(), cfg)
	if err == nil {
		t.Fatal("Run: no error, want the missing column")
	}
	want := `sheet "Candidates" was read (the workbook also has "Lookup"; name one with --sheet)`
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"Email Address"`) {
		t.Errorf("error %q\nwant it to name the column and say %q", err, want)
	}
}

// A file read as UTF-8 whose first lines mostly are not stops the run as a
// configuration error (exit 2) naming its probable encoding, instead of
// making every row invalid.
func TestWrongEncodingIsConfigError(t *testing.T) {
	hebrew, err := charmap.Windows1255.NewEncoder().String(
		"position_uid,partner_candidate_id,first_name,last_name,email\n" +
			"11.11,H1,דנה,לוי,dana@example.com\n11.11,H2,משה,כהן,moshe@example.com\n11.11,H3,רותי,אברהם,ruti@example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	cfg := dryConfig(t, writeFile(t, filepath.Join(t.TempDir(), "in.csv"), hebrew))
	cfg.Source.Encoding = "utf-8"
	_, err = Run(context.Background(), cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "it is probably windows-1255 (Hebrew): use --encoding windows-1255") {
		t.Fatalf("got %v, want a configuration error naming windows-1255", err)
	}
	// Detected, the same file is read as it was written.
	cfg.Source.Encoding = ""
	mustRun(t, cfg)
	lines := readCSVMaps(t, cfg.ReportPath)
	if len(lines) != 3 || lines[0]["first_name"] != "דנה" || lines[2]["last_name"] != "אברהם" {
		t.Errorf("report %v", lines)
	}
}

// Issue 17: phones that Excel wrote into a CSV in scientific notation lost
// their digits: each row is warned, naming the cell; other numbers and
// phones pass without a word.
func TestScientificPhonesInACSVAreWarned(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	rows := syncRows(1, 3)
	rows[0][6] = "9.72521E+11"
	rows[1][6] = "9.7e11"
	rows[2][6] = "972521234567"
	g.writeInputWith(syncHeader, rows)
	g.cfg.DryRun = true
	if _, err := Run(t.Context(), g.cfg); err != nil {
		t.Fatal(err)
	}
	lines := g.report()
	for i, cell := range []string{"G2", "G3"} {
		msg := lines[i]["message"]
		if lines[i]["outcome"] != "valid" || !strings.Contains(msg, "(cell "+cell+")") || !strings.Contains(msg, "scientific notation") {
			t.Errorf("row %d: %s %q, want a valid row warned about cell %s", i+1, lines[i]["outcome"], msg, cell)
		}
	}
	if msg := lines[2]["message"]; msg != "" {
		t.Errorf("row 3: message %q, want none", msg)
	}
}

func TestIsScientific(t *testing.T) {
	for s, want := range map[string]bool{
		"9.72521E+11": true, "9.7e11": true, "1E+12": true, "9.72521E-03": true,
		"972521234567": false, "E+11": false, "9.7E": false, "+972 52": false, "1.2.3E4": false, "Eve": false,
	} {
		if got := isScientific(s); got != want {
			t.Errorf("isScientific(%q) = %v, want %v", s, got, want)
		}
	}
}
