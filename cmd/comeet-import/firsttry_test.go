package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// firstTryHeader is a Workable export's header, as a new user brings it.
var firstTryHeader = []string{"ID", "Name", "Email", "Phone", "Job", "Stage", "Created at", "Country",
	"Recruiter", "Owner", "Owner Email", "Summary", "Resume"}

// firstTryWrong are the rows a person must fix, by candidate number: the
// run must refuse exactly these.
var firstTryWrong = map[int]string{
	17:  "a single word for a name",
	44:  "an e-mail without a domain",
	101: "a job no position bears",
	202: "a closed position",
	303: "the id of row 302 again",
	404: "no id",
	505: "an e-mail with a space",
}

// writeFirstTryWorkbook writes a Workable-shaped export of n candidates:
// a styled header, names as people write them (commas, capitals, titles,
// suffixes, particles), job titles for positions, pipeline stages, phones
// stored as numbers, dates, countries with placeholders and "Korea", six
// blank rows and a "Total:" footer. It returns the CV file names used.
func writeFirstTryWorkbook(t *testing.T, path string, n int) []string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Candidates"
	f.SetSheetName("Sheet1", sheet)
	style, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]any, len(firstTryHeader))
	for i, h := range firstTryHeader {
		head[i] = excelize.Cell{Value: h, StyleID: style}
	}
	sw.SetRow("A1", head)
	names := []string{"Dana Levi", "Levi, Omer", "LEVI Noa", "Dr. Kenji Patel", "Mr. Avi Biton", "de la Cruz Maria",
		"Tal Ron Jr.", "Chloé Müller", "Mrs Sarah O'Neil", "Prof. Anna von der Heide", "João da Silva", "Noa Ben David"}
	jobs := []string{"Backend Engineer", "Designer", "QA Engineer", "backend engineer"}
	stages := []string{"Sourced", "Contacted", "Applied", "Phone screen", "Interview", "Offer", "Hired", "Disqualified"}
	countries := []string{"Israel", "UK", "Remote", "N/A", "Korea", "Germany", "", "United States", "Russia", "Vietnam"}
	var cvs []string
	line := 2
	for i := 1; i <= n; i++ {
		name := names[i%len(names)]
		email := fmt.Sprintf("cand%d@example.com", i)
		id := any(fmt.Sprintf("W-%04d", i))
		job := jobs[i%len(jobs)]
		switch i {
		case 17:
			name = "Madonna"
		case 44:
			email = "cand44@"
		case 101:
			job = "Astronaut"
		case 202:
			job = "Night Nurse"
		case 303:
			id, job = "W-0302", jobs[302%len(jobs)]
		case 404:
			id = ""
		case 505:
			email = "cand 505@example.com"
		}
		cv := ""
		if i%3 != 0 {
			cv = fmt.Sprintf("cv_%04d.pdf", i)
			cvs = append(cvs, cv)
		}
		recruiter, owner, ownerEmail := "", "", ""
		if i%4 == 0 {
			recruiter = "Ruth Cohen"
		}
		if i%2 == 0 {
			owner, ownerEmail = "Yael Mor", "yael@agency.example"
		}
		row := []any{id, name, email, 972521000000 + i, job, stages[i%len(stages)],
			excelize.Cell{Value: time.Date(2024, 1, 1+i%28, 0, 0, 0, 0, time.UTC), StyleID: dateStyle},
			countries[i%len(countries)], recruiter, owner, ownerEmail, "Met at a meetup", cv}
		sw.SetRow(fmt.Sprintf("A%d", line), row)
		line++
		if i%100 == 50 { // blank rows in the middle, as exports leave them
			line++
		}
	}
	sw.SetRow(fmt.Sprintf("A%d", line+1), []any{"Total:", n})
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return cvs
}

// writeFirstTryZip writes the CVs as an export's zip holds them: in
// export/resumes/<year>/ folders, with a Mac's __MACOSX copies beside.
func writeFirstTryZip(t *testing.T, path string, cvs []string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, cv := range cvs {
		year := 2021 + i%4
		for _, name := range []string{fmt.Sprintf("export/resumes/%d/%s", year, cv), fmt.Sprintf("__MACOSX/export/resumes/%d/._%s", year, cv)} {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "%%PDF-1.4\n%% CV of %s\n%%%%EOF\n", cv)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Issue 17, the first try: a new user proposes a mapping for a Workable
// export, uses it unedited, and imports with its CVs' zip into an account
// whose positions are named like the export's jobs. Every row that is not
// really wrong is created, with its CV, its position's uid, its name
// without title and its country; only the rows a person must fix are
// refused, and the outputs are in the recruiter's terms.
func TestFirstTryWorkableExport(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Positions: []string{}})
	t.Cleanup(srv.Close)
	srv.AddPosition("31.A7", "Backend Engineer", comeet.PositionOpen)
	srv.AddPosition("31.B2", "Designer", comeet.PositionOpen)
	srv.AddPosition("31.C3", "QA Engineer", comeet.PositionOpen)
	srv.AddPosition("31.D4", "Night Nurse", comeet.PositionClosed)
	dir := t.TempDir()
	input := filepath.Join(dir, "workable-export.xlsx")
	const n = 641
	cvs := writeFirstTryWorkbook(t, input, n)
	zipPath := filepath.Join(dir, "resumes.zip")
	writeFirstTryZip(t, zipPath, cvs)

	mappingPath := filepath.Join(dir, "mapping.csv")
	code, out, err := executeCmd(t, "mapping", "-o", mappingPath, input)
	if code != exitOK {
		t.Fatalf("mapping: exit %d (%v)\n%s", code, err, out)
	}
	for _, s := range []string{`column "Job" holds position names`, `in column "Country": placeholders, sent without a country`,
		`column "Stage" holds pipeline stages`} {
		if !strings.Contains(out, s) {
			t.Errorf("mapping's notes do not say %q:\n%s", s, out)
		}
	}

	// With the credentials, the proposal writes what each name resolves to.
	resolved := filepath.Join(dir, "mapping-resolved.csv")
	if code, out, err := executeCmd(t, "mapping", "--check-positions", "--base-url", srv.URL, "-o", resolved, input); code != exitOK {
		t.Fatalf("mapping --check-positions: exit %d (%v)\n%s", code, err, out)
	}
	if b, _ := os.ReadFile(resolved); !strings.Contains(strings.ToLower(string(b)), "position_uid,,,backend engineer,31.a7,") ||
		!strings.Contains(string(b), "position_uid,,,QA Engineer,31.C3,") || strings.Contains(string(b), "31.D4") {
		t.Errorf("mapping --check-positions wrote no value lines for the position names:\n%s", b)
	}

	code, out, err = executeCmd(t, "import", input, "--mapping", mappingPath, "--files-dir", zipPath,
		"--base-url", srv.URL, "--rate", "none", "--progress", "none", "--log-level", "error")
	if code != exitRowsFailed {
		t.Fatalf("import: exit %d (%v), want %d for the rows to fix\n%s", code, err, exitRowsFailed, out)
	}
	reportPath := filepath.Join(dir, "workable-export.report.csv")
	if raw, err := os.ReadFile(reportPath); err != nil || !bytes.HasPrefix(raw, []byte("\uFEFF")) {
		t.Errorf("the report of a workbook does not start with a byte-order mark (%v)", err)
	}
	lines := readReport(t, reportPath)
	created, byID, outcomes := 0, map[string]map[string]string{}, map[string]int{}
	for _, l := range lines {
		if l["outcome"] == "created" {
			created++
		}
		outcomes[l["outcome"]]++
		if _, seen := byID[l["partner_candidate_id"]]; !seen {
			byID[l["partner_candidate_id"]] = l
		}
	}
	t.Logf("first try: %d of %d candidates created; outcomes %v", created, n, outcomes)
	// The rows to fix are invalid; the "Total:" footer is no candidate.
	if outcomes["invalid"] != len(firstTryWrong) {
		t.Errorf("%d rows invalid, want %d", outcomes["invalid"], len(firstTryWrong))
	}
	if last := lines[len(lines)-1]; last["outcome"] != "skipped" || last["message"] != fmt.Sprintf(`a footer ("Total: %d"), not a candidate: not sent`, n) {
		t.Errorf("the footer: %s %q, want it skipped as a footer", last["outcome"], last["message"])
	}
	for _, l := range lines {
		msg := l["message"]
		if l["outcome"] != "invalid" {
			continue
		}
		// One vocabulary: the sheet's columns, the value as typed, rows
		// as Excel numbers them.
		if strings.Contains(msg, "full_name: column") || strings.Contains(msg, "position_uid is required") {
			t.Errorf("line %s: %q speaks the API's terms", l["line"], msg)
		}
		if l["error_code"] == "duplicate_row" && !strings.Contains(msg, "row 306 has the same id") {
			t.Errorf("line %s: %q, want it to name row 306, where Excel shows the first", l["line"], msg)
		}
	}
	for i, why := range firstTryWrong {
		id := fmt.Sprintf("W-%04d", i)
		if i == 404 {
			continue // no id to find it by
		}
		if i == 303 {
			continue // the second of two rows with one id
		}
		if l := byID[id]; l["outcome"] != "invalid" {
			t.Errorf("row of candidate %d (%s): %s %q, want invalid", i, why, l["outcome"], l["message"])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "workable-export.errors.xlsx")); err != nil {
		t.Errorf("no errors workbook: %v", err)
	}
	checkFirstTryCandidates(t, srv, len(cvs))
	if msg := byID["W-0002"]["message"]; !strings.Contains(msg, `Country "Remote": a placeholder: sent without a country`) {
		t.Errorf("row of candidate 2: message %q, want the placeholder noted", msg)
	}
}

// checkFirstTryCandidates checks what Comeet holds: positions by uid,
// names without titles, countries as codes, CVs attached.
func checkFirstTryCandidates(t *testing.T, srv *comeettest.Server, cvs int) {
	t.Helper()
	withCV := 0
	for _, st := range srv.Candidates() {
		c := st.Candidate
		if !comeet.LooksLikeUID(c.PositionUID) {
			t.Errorf("candidate %s sent with position %q", c.PartnerCandidateID, c.PositionUID)
		}
		if strings.HasSuffix(c.FirstName, ".") || c.FirstName == "Mr" || c.FirstName == "de" {
			t.Errorf("candidate %s: first name %q", c.PartnerCandidateID, c.FirstName)
		}
		if c.PartnerCandidateID == "W-0003" && (c.FirstName != "Kenji" || c.LastName != "Patel") {
			t.Errorf("Dr. Kenji Patel sent as %q %q %q", c.FirstName, c.MiddleName, c.LastName)
		}
		if c.PartnerCandidateID == "W-0004" && (c.Address == nil || c.Address.Country != "KR") {
			t.Errorf("Korea sent as %+v", c.Address)
		}
		if c.Resume != nil {
			withCV++
		}
	}
	if withCV < cvs-len(firstTryWrong) {
		t.Errorf("%d candidates have their CV, want at least %d", withCV, cvs-len(firstTryWrong))
	}
}
