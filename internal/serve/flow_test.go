package serve

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
)

// templateSheet writes n rows named as the API fields; rows whose number
// bad says have an e-mail without a domain.
func templateSheet(t *testing.T, n int, bad func(i int) bool) string {
	rows := []string{"position_uid,partner_candidate_id,first_name,last_name,email"}
	for i := 1; i <= n; i++ {
		email := fmt.Sprintf("p%d@example.com", i)
		if bad(i) {
			email = fmt.Sprintf("p%d@", i)
		}
		rows = append(rows, fmt.Sprintf("11.11,T%d,Noa%d,Katz,%s", i, i, email))
	}
	return csvFile(t, t.TempDir(), "sheet.csv", rows...)
}

// uploadRun uploads sheet and returns the run's id.
func (p *page) uploadRun(t *testing.T, c *http.Client, sheet string) string {
	t.Helper()
	body, ct := uploadBody(t, map[string]string{"sheet": sheet})
	resp := p.post(t, c, "/runs", ct, body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: got %d, want 303", resp.StatusCode)
	}
	return strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/runs/"), "/columns")
}

func (p *page) form(t *testing.T, c *http.Client, path string, v url.Values) *http.Response {
	t.Helper()
	return p.post(t, c, path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

func (p *page) get(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	resp, err := c.Get(p.base + path)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, resp)
}

func TestTheGridIsPagedAndFiltered(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := p.login(t)
	id := p.uploadRun(t, c, templateSheet(t, 500, func(i int) bool { return i%2 == 0 }))
	rowsOf := func(html string) int { return strings.Count(html, `<tr id="row-`) }
	for _, tc := range []struct {
		path  string
		rows  int
		words string
	}{
		{"/runs/" + id + "/review", 200, "250 rows, page 1 of 2"},
		{"/runs/" + id + "/review?page=2", 50, "250 rows, page 2 of 2"},
		{"/runs/" + id + "/review?page=9", 50, "page 2 of 2"},
		{"/runs/" + id + "/review?all=1&page=3", 100, "500 rows, page 3 of 3"},
	} {
		html := p.get(t, c, tc.path)
		if got := rowsOf(html); got != tc.rows || !strings.Contains(html, tc.words) {
			t.Errorf("GET %s: got %d rows, want %d and %q", tc.path, got, tc.rows, tc.words)
		}
	}
	html := p.get(t, c, "/runs/"+id+"/review")
	if !strings.Contains(html, `<tr id="row-2"`) || strings.Contains(html, `<tr id="row-1"`) {
		t.Error("the rows that need work: want row 2 (bad), not row 1 (valid)")
	}
	if !strings.Contains(html, `<li><b>250</b> email: invalid_email <span class="hint">(row 2)</span></li>`) {
		t.Errorf("the counts do not say the invalid rows by problem:\n%s", html[:min(len(html), 3000)])
	}
}

// TestTheRunFolderIsTheCLIsInput edits a cell and leaves a row out on the
// page, then sends the run folder's corrected sheet with its mapping
// through importer.Run as `import` does; and a page started again on the
// same state folder finds the edits.
func TestTheRunFolderIsTheCLIsInput(t *testing.T) {
	fake := fakeComeet(t)
	cfg := testConfig(t, fake)
	p := startPage(t, cfg)
	c := p.login(t)
	id := p.uploadRun(t, c, templateSheet(t, 10, func(i int) bool { return i == 3 || i == 4 }))
	resp := p.form(t, c, "/runs/"+id+"/cell", url.Values{"row": {"3"}, "col": {"4"}, "value": {"p3@example.com"}})
	if row := readAll(t, resp); !strings.Contains(row, `class="valid`) {
		t.Fatalf("edited row 3: got %s, want it valid", row)
	}
	resp = p.form(t, c, "/runs/"+id+"/leave-out", url.Values{"row": {"4"}, "out": {"1"}})
	resp.Body.Close()
	corrected := p.get(t, c, "/runs/"+id+"/download/corrected.csv")
	if !strings.Contains(corrected, "p3@example.com") || strings.Contains(corrected, "T4,") {
		t.Fatalf("corrected sheet: want row 3 fixed and row 4 left out:\n%s", corrected)
	}
	dir := filepath.Join(cfg.StateDir, runsDir, id)
	run := cfg.Run
	run.Input, run.MappingFile = filepath.Join(dir, correctedFile), filepath.Join(dir, mappingFile)
	run.LedgerPath = ledgerPath(cfg.StateDir, fake.URL, comeettest.DefaultAPIKey) // the page's, as its command says
	res, err := importer.Run(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Counts["created"]; got != 9 || len(fake.Candidates()) != 9 {
		t.Errorf("import of the run folder: got %d created, %d in Comeet, want 9", got, len(fake.Candidates()))
	}
	again := startPage(t, cfg)
	c = again.login(t)
	again.get(t, c, "/runs/"+id+"/download/report.csv") // waits for the check of the reopened run
	html := again.get(t, c, "/runs/"+id+"/review?all=1")
	if !strings.Contains(html, `value="p3@example.com"`) || !regexp.MustCompile(`id="row-4"[^>]*class="[^"]*out`).MatchString(html) {
		t.Error("a page started again does not show the run's edit and the row left out")
	}
	if !strings.Contains(html, "<b>9</b> skipped") || !strings.Contains(html, "Send 0 candidates") {
		t.Error("a page started again does not show the rows the command line sent as skipped")
	}
}

func TestSendChecksTheAccountFirst(t *testing.T) {
	fake := fakeComeet(t)
	cfg := testConfig(t, fake)
	cfg.Run.Secret = "not-the-secret"
	p := startPage(t, cfg)
	c := p.login(t)
	id := p.uploadRun(t, c, templateSheet(t, 5, func(int) bool { return false }))
	resp := p.form(t, c, "/runs/"+id+"/send", nil)
	html := readAll(t, resp)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(html, "Comeet did not accept the check, nothing was sent") {
		t.Errorf("send with a wrong secret: got %d, want 409 with the check's answer", resp.StatusCode)
	}
	if strings.Contains(html, "not-the-secret") {
		t.Error("the page shows the secret")
	}
	if n := len(fake.Candidates()); n != 0 {
		t.Errorf("%d candidates sent after a failed check", n)
	}
}

// TestStopEndsASendCleanly holds Comeet at a gate, stops the send, and
// finds the report written and the run's end told.
func TestStopEndsASendCleanly(t *testing.T) {
	fake := fakeComeet(t)
	cfg := testConfig(t, fake)
	cfg.Run.Concurrency = 2
	cfg.Run.Grace = time.Millisecond // the held requests are cut at once
	p := startPage(t, cfg)
	c := p.login(t)
	id := p.uploadRun(t, c, templateSheet(t, 20, func(int) bool { return false }))
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	arrived := make(chan struct{}, 100)
	fake.Inject(comeettest.Fault{Kind: comeettest.FaultNone}, // the check
		comeettest.Fault{Kind: comeettest.FaultHold, Count: 100, Release: gate, Arrived: func() { arrived <- struct{}{} }})
	resp := p.form(t, c, "/runs/"+id+"/send", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: got %d, want 303", resp.StatusCode)
	}
	<-arrived
	resp = p.form(t, c, "/runs/"+id+"/stop", nil)
	resp.Body.Close()
	html := p.get(t, c, "/runs/"+id+"/review")
	if !strings.Contains(html, "stopped: the rows not reached were not sent") || !strings.Contains(html, `data-phase="idle"`) {
		t.Errorf("after stop: want the run ended and said stopped")
	}
	report, err := os.ReadFile(filepath.Join(cfg.StateDir, runsDir, id, reportFile))
	if err != nil || strings.Count(string(report), "\n") != 21 {
		t.Errorf("report after stop: %v, %d lines; want the header and 20 rows", err, strings.Count(string(report), "\n"))
	}
	if n := len(fake.Candidates()); n != 0 {
		t.Errorf("%d candidates stored while Comeet held every request", n)
	}
}

// TestANoteOfTheProposalAddsItsLines: a recruiter's name without an
// e-mail is not proposed; the note beside the column offers the lines that
// send it, and one press adds them to mapping.csv.
func TestANoteOfTheProposalAddsItsLines(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	p := startPage(t, cfg)
	c := p.login(t)
	sheet := csvFile(t, t.TempDir(), "s.csv", "position_uid,partner_candidate_id,first_name,last_name,email,Recruiter",
		"11.11,R1,Noa,Katz,noa@example.com,Ruth Ben-Ami")
	id := p.uploadRun(t, c, sheet)
	html := p.get(t, c, "/runs/"+id+"/columns")
	if !strings.Contains(html, `formaction="?note=0"`) {
		t.Fatalf("the columns page offers no note's lines:\n%s", html)
	}
	form := url.Values{}
	for i, f := range []string{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", ""} {
		form.Set(fmt.Sprintf("field-%d", i), f)
	}
	resp := p.form(t, c, "/runs/"+id+"/columns?note=0", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add the note's lines: got %d, want 303", resp.StatusCode)
	}
	m, err := os.ReadFile(filepath.Join(cfg.StateDir, runsDir, id, mappingFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"source_contact.full_name,Recruiter,", "source_contact.email,,recruiting@agency.example"} {
		if !strings.Contains(string(m), line) {
			t.Errorf("mapping.csv lacks %q:\n%s", line, m)
		}
	}
}

// TestARunWhoseMappingIsBrokenStillOpens: a sheet no column of which the
// proposal places, reopened by a page started again, and a mapping.csv
// broken by hand, open on the columns page with the fault told.
func TestARunWhoseMappingIsBrokenStillOpens(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	p := startPage(t, cfg)
	c := p.login(t)
	id := p.uploadRun(t, c, csvFile(t, t.TempDir(), "odd.csv", "foo,bar", "1,2"))
	for _, mode := range []os.FileMode{statMode(t, cfg.StateDir), statMode(t, filepath.Join(cfg.StateDir, runsDir, id))} {
		if mode.Perm() != 0o700 {
			t.Errorf("state folder mode %v, want 0700", mode.Perm())
		}
	}
	os.WriteFile(filepath.Join(cfg.StateDir, runsDir, id, mappingFile), []byte("field,column\nfrist_name,foo\n"), 0o600)
	again := startPage(t, cfg)
	c = again.login(t)
	resp, err := c.Get(again.base + "/runs/" + id)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/runs/"+id+"/columns" {
		t.Errorf("reopening a run with a broken mapping: sent to %q, want its columns", loc)
	}
	if html := again.get(t, c, "/runs/"+id+"/columns"); !strings.Contains(html, "frist_name") || !strings.Contains(html, `id="columns"`) {
		t.Error("the columns page does not tell the mapping's fault")
	}
}

func statMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode()
}

// TestPositionsAreTypedWithoutTheAccountsList: without credentials the
// page cannot list the positions, says so, and takes a typed uid.
func TestPositionsAreTypedWithoutTheAccountsList(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	cfg.Run.APIKey, cfg.Run.Secret = "", ""
	p := startPage(t, cfg)
	c := p.login(t)
	sheet := csvFile(t, t.TempDir(), "s.csv", "position_uid,partner_candidate_id,first_name,last_name", "Designer,R1,Noa,Katz")
	id := p.uploadRun(t, c, sheet)
	html := p.get(t, c, "/runs/"+id+"/values")
	if !strings.Contains(html, "no credentials") || !strings.Contains(html, `<input name="send-position_uid-0"`) {
		t.Fatalf("values page without credentials: want the reason and a box for the uid")
	}
	resp := p.form(t, c, "/runs/"+id+"/values", url.Values{"value-position_uid-0": {"Designer"}, "send-position_uid-0": {"22.22"}})
	resp.Body.Close()
	m, _ := os.ReadFile(filepath.Join(cfg.StateDir, runsDir, id, mappingFile))
	if !strings.Contains(string(m), "position_uid,,,Designer,22.22") {
		t.Errorf("mapping.csv lacks the typed uid:\n%s", m)
	}
}

// TestABadZipIsRefusedAtUpload: the zip is opened with --files-dir's
// guards when it arrives, so a broken one is told at once and leaves no run.
func TestABadZipIsRefusedAtUpload(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	p := startPage(t, cfg)
	c := p.login(t)
	dir := t.TempDir()
	sheet := csvFile(t, dir, "s.csv", "position_uid,partner_candidate_id,first_name,last_name", "11.11,R1,Noa,Katz")
	zip := csvFile(t, dir, "cvs.zip", "this is not a zip")
	body, ct := uploadBody(t, map[string]string{"sheet": sheet, "files": zip})
	resp := p.post(t, c, "/runs", ct, body)
	if html := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, "files: ") {
		t.Errorf("upload with a broken zip: got %d, want 400 naming the files", resp.StatusCode)
	}
	if runs := listRuns(cfg.StateDir); len(runs) != 0 {
		t.Errorf("a refused upload left %d runs", len(runs))
	}
}
