package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/report"
)

// TestValidateSummaryFile: --summary writes the JSON summary with the exit
// code, the counts and the files the run wrote.
func TestValidateSummaryFile(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, "in.csv", []byte("position_uid;partner_candidate_id;first_name;last_name;email\r\n"+
		"11.11;A1;Dana;Levi;dana@example.com\r\n11.11;A2;Ann;Lee;not-an-address\r\n"))
	sumPath, htmlPath := filepath.Join(dir, "summary.json"), filepath.Join(dir, "report.html")
	rep, errs := filepath.Join(dir, "r.csv"), filepath.Join(dir, "e.csv")
	_, stderr, code := execute(t, "validate", "--no-ledger", "--log-level", "error", "--progress", "none",
		"--report", rep, "--errors", errs, "--summary", sumPath, "--html", htmlPath, in)
	if code != exitRowsFailed {
		t.Fatalf("got exit %d, want %d\n%s", code, exitRowsFailed, stderr)
	}
	b, err := os.ReadFile(sumPath)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		SchemaVersion int              `json:"schema_version"`
		Command       string           `json:"command"`
		ExitCode      int              `json:"exit_code"`
		InputRows     int              `json:"input_rows"`
		Counts        map[string]int   `json:"counts"`
		TopProblems   []report.Problem `json:"top_problems"`
		Report        string           `json:"report"`
		Errors        string           `json:"errors"`
		Ledger        string           `json:"ledger"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != report.SummarySchemaVersion || got.Command != "validate" || got.ExitCode != exitRowsFailed ||
		got.InputRows != 2 || got.Counts["valid"] != 1 || got.Counts["invalid"] != 1 ||
		got.Report != rep || got.Errors != errs || got.Ledger != "" || len(got.TopProblems) != 1 {
		t.Fatalf("got summary %s", b)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil || !strings.Contains(string(page), "not-an-address") || !strings.Contains(string(page), "<h1>in.csv</h1>") {
		t.Fatalf("got HTML page (%v):\n%s", err, page)
	}
}

// TestValidateWorkbookErrorsDefault: a workbook input gets an errors
// workbook beside it by default.
func TestValidateWorkbookErrorsDefault(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "phone"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"11.11", "A1", "Dana", "Levi", "not-an-address", "0589254563"})
	in := filepath.Join(dir, "in.xlsx")
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := execute(t, "validate", "--no-ledger", "--log-level", "error", "--progress", "none", in)
	if code != exitRowsFailed {
		t.Fatalf("got exit %d, want %d\n%s", code, exitRowsFailed, stderr)
	}
	wb, err := excelize.OpenFile(filepath.Join(dir, "in.errors.xlsx"))
	if err != nil {
		t.Fatalf("errors workbook: %v", err)
	}
	defer wb.Close()
	if v, _ := wb.GetCellValue(report.WorkbookSheet, "F2"); v != "0589254563" {
		t.Fatalf("got phone %q, want the leading zero kept", v)
	}
	if v, _ := wb.GetCellValue(report.WorkbookSheet, "G2"); v != "invalid_email" {
		t.Fatalf("got error_code %q, want invalid_email", v)
	}
}

// TestSummaryOutputsRefused: a --summary or --html naming the input is
// refused before anything is read or written.
func TestSummaryOutputsRefused(t *testing.T) {
	body := []byte("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n")
	in := writeFile(t, "in.csv", body)
	for _, flag := range []string{"--summary", "--html"} {
		_, stderr, code := execute(t, "validate", "--no-ledger", "--progress", "none", flag, in, in)
		if code != exitConfig {
			t.Errorf("%s: got exit %d, want %d\n%s", flag, code, exitConfig, stderr)
		}
		if b, _ := os.ReadFile(in); string(b) != string(body) {
			t.Fatalf("%s: the input was overwritten: %q", flag, b)
		}
	}
}
