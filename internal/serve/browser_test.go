package serve

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/mapping"
)

// The browser tests drive one headless Chromium, shared by every test of
// the package (each gets a tab of its own), through the page as a person
// uses it. Every wait is for a condition of the page, bounded by stepWait.

// stepWait bounds one step of a browser test: far beyond what a step
// takes, so that only a page that never gets there fails.
const stepWait = 2 * time.Minute

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// chromiumPath finds Debian's chromium, or another Chrome on the PATH.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newTab opens a tab in the shared browser. Without a browser the test
// fails in CI (CI=true), which must install one, and is skipped elsewhere.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium on the PATH: CI must install it (apt-get install -y chromium)")
		}
		t.Skip("no Chromium on the PATH (apt-get install chromium): the page's browser tests are skipped")
	}
	browser.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1400, 1000))
		if os.Geteuid() == 0 {
			opts = append(opts, chromedp.NoSandbox) // Chromium refuses its sandbox to root (CI)
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		browser.ctx, browser.cancel = ctx, func() { cancel(); cancelAlloc() }
		browser.err = chromedp.Do(ctx) // starts the browser
	})
	if browser.err != nil {
		t.Fatalf("start Chromium: %v", browser.err)
	}
	tab, cancel := chromedp.NewContext(browser.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tab
}

// do runs steps in the tab within stepWait.
func do(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, stepWait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		shot(t, tab, "failed")
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the tab (awaiting a promise).
func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, stepWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript condition of the page holds. A page
// that navigates meanwhile (a form sent, a reload at a run's end) ends a
// poll; it starts again on the new page.
func waitFor(t *testing.T, tab context.Context, what, cond string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, stepWait)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepWait)))
		if err == nil {
			return
		}
		if ctx.Err() != nil || !navigated(err) {
			shot(t, tab, "failed")
			t.Fatalf("wait for %s: %v", what, err)
		}
	}
}

// navigated reports an error of a script whose page went away.
func navigated(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "navigated or closed") || strings.Contains(msg, "context was destroyed") ||
		strings.Contains(msg, "Cannot find context")
}

// submit clicks a button that sends a form, and waits for the next page to
// hold sel.
func submit(t *testing.T, tab context.Context, button, sel string) {
	t.Helper()
	eval[bool](t, tab, `window.leaving = true`)
	do(t, tab, "click "+button, chromedp.Click(chromedp.ID(button)))
	waitFor(t, tab, sel+" after "+button, fmt.Sprintf(`!window.leaving && document.readyState === 'complete' && !!document.querySelector(%q)`, sel))
}

// shot saves a screenshot of the window to $SERVE_SCREENSHOTS, when
// set, for a person to look at.
func shot(t *testing.T, tab context.Context, name string) {
	dir := os.Getenv("SERVE_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tab, stepWait)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

// TestPageTakesAnExportIntoComeet is the person: a 600-row ATS
// export with a zip of CVs, through the page alone, into the fake Comeet.
func TestPageTakesAnExportIntoComeet(t *testing.T) {
	const rows = 600
	tab := newTab(t)
	fake := fakeComeet(t)
	cfg := testConfig(t, fake)
	p := startPage(t, cfg)
	sheet, cvs := writeExport(t, t.TempDir(), rows)

	// Start: the URL's secret becomes a cookie and leaves the address.
	do(t, tab, "open the page", chromedp.Navigate(p.URL()), chromedp.WaitVisible(chromedp.ID("upload")))
	if href := eval[string](t, tab, "location.href"); href != p.base+"/" {
		t.Errorf("address after the secret: got %s, want %s/", href, p.base)
	}
	shot(t, tab, "0-start")

	// Drop the workbook and the zip.
	do(t, tab, "upload", chromedp.SetUploadFiles(chromedp.ID("sheet"), []string{sheet}),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{cvs}),
	)
	submit(t, tab, "start", "#columns")
	shot(t, tab, "1-columns")
	want := map[string]string{"Full Name": mapping.FullName, "E-mail": "email", "Candidate ID": "partner_candidate_id",
		"CV": "resume", "Job": "position_uid"}
	for col, field := range want {
		if got := eval[string](t, tab, fmt.Sprintf(`document.querySelector('select[data-column=%q]').value`, col)); got != field {
			t.Errorf("column %q proposed as %q, want %q", col, got, field)
		}
	}

	// Change columns' fields: Years becomes a custom field, Stage feeds
	// the status (whether or not the proposal saw it).
	do(t, tab, "match columns", chromedp.SetValue(chromedp.CSS(`select[data-column="Years"]`), customField),
		chromedp.SetValue(chromedp.CSS(`select[data-column="Stage"]`), "prospect_status"))
	submit(t, tab, "save-columns", "#values-form")
	shot(t, tab, "2-values")

	// Map a status no table knows, and check the positions' names.
	if got := eval[string](t, tab, `document.querySelector('select[data-value="Product Designer"]').value`); got != "22.22" {
		t.Errorf("position \"Product Designer\" pre-filled as %q, want 22.22 (its uid in the account)", got)
	}
	if got := eval[string](t, tab, `document.querySelector('select[data-value="Pending HR"]').value`); got != "" {
		t.Errorf("status \"Pending HR\" pre-filled as %q, want nothing", got)
	}
	do(t, tab, "match values", chromedp.SetValue(chromedp.CSS(`select[data-value="Pending HR"]`), "Responded"))
	submit(t, tab, "save-values", "#bar")
	waitFor(t, tab, "row 5's bad e-mail marked", `!!document.querySelector('#row-5 td.bad .why')`)
	shot(t, tab, "3-review")
	if n := eval[int](t, tab, `document.querySelectorAll('#grid tbody tr').length`); n != 3 {
		t.Errorf("rows that need work: got %d, want 3 (rows 5, 7 and 11)", n)
	}

	// Fix a bad cell in place; leave a row out.
	eval[bool](t, tab, `(() => { const i = document.querySelector('#row-5 td.bad input');
		i.value = 'person5@example.com'; i.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitFor(t, tab, "row 5 checked again", `!!document.querySelector('#row-5.valid')`)
	do(t, tab, "leave row 7 out", chromedp.Click(chromedp.CSS(`#row-7 button.leave`)), chromedp.WaitVisible(chromedp.CSS(`#row-7.out`)))
	waitFor(t, tab, "the counts", `document.querySelector('#counts .valid b').textContent === '598'`)
	shot(t, tab, "4-fixed")

	// Send, with the fake held at a gate midway so the progress shows.
	gate := make(chan struct{})
	fake.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Count: 300}, comeettest.Fault{Kind: comeettest.FaultHold, Release: gate})
	submit(t, tab, "send", "#bar")
	waitFor(t, tab, "progress shown", `document.getElementById('progress-text').textContent.startsWith('Sending: ')`)
	shot(t, tab, "5-sending")
	close(gate)
	waitFor(t, tab, "the run's end", idleWith(`/^Sent/`))
	shot(t, tab, "6-sent")
	if got := len(fake.Candidates()); got != rows-2 {
		t.Errorf("candidates in Comeet: got %d, want %d (600 less one invalid, one left out)", got, rows-2)
	}
	last := eval[string](t, tab, `document.getElementById('last').textContent`)
	if !strings.Contains(last, "598 created") || !strings.Contains(last, "1 invalid") {
		t.Errorf("summary: got %q, want 598 created and 1 invalid", last)
	}
	checkStored(t, fake)

	// Download the errors workbook and the mapping.
	m := eval[string](t, tab, `fetch(document.getElementById('dl-mapping').href).then(r => r.text())`)
	for _, line := range []string{"custom_fields.Years,Years,", "prospect_status,,,Pending HR,Responded", "position_uid,,,Product Designer,22.22"} {
		if !strings.Contains(m, line) {
			t.Errorf("mapping.csv lacks %q:\n%s", line, m)
		}
	}
	xlsx := eval[string](t, tab, `fetch(document.getElementById('dl-errors').href).then(r => r.status + ' ' + r.headers.get('Content-Disposition'))`)
	if !strings.HasPrefix(xlsx, "200 attachment") {
		t.Errorf("errors workbook download: got %q", xlsx)
	}
	checkErrorsWorkbook(t, filepath.Join(cfg.StateDir, runsDir, listRuns(cfg.StateDir)[0].ID, errorsFile))

	// Come back: the run is listed, reopens, and a second send skips
	// what the ledger says is done.
	do(t, tab, "the runs", chromedp.Navigate(p.base+"/"), chromedp.WaitVisible(chromedp.ID("runs")))
	shot(t, tab, "7-runs")
	eval[bool](t, tab, `window.leaving = true`)
	do(t, tab, "reopen", chromedp.Click(chromedp.CSS("#runs tbody a")))
	waitFor(t, tab, "the reopened run", `!window.leaving && document.readyState === 'complete' && !!document.querySelector('#bar')`)
	shot(t, tab, "8-reopened")
	eval[bool](t, tab, `(() => { const i = document.querySelector('#row-11 td.bad input');
		i.value = 'person11@example.com'; i.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitFor(t, tab, "row 11 fixed", `!!document.querySelector('#row-11.valid') && document.getElementById('send').textContent === 'Send 1 candidate to Comeet'`)
	submit(t, tab, "send", "#bar")
	waitFor(t, tab, "the second run's end", idleWith(`/^Sent.*1 created.*598 skipped/`))
	if got := len(fake.Candidates()); got != rows-1 {
		t.Errorf("candidates after sending again: got %d, want %d", got, rows-1)
	}
}

// idleWith is the condition of a review page rendered with no run going
// on, whose last run's words match re.
func idleWith(re string) string {
	return fmt.Sprintf(`document.readyState === 'complete' && document.getElementById('bar')?.dataset.phase === 'idle' && %s.test(document.getElementById('last').textContent)`, re)
}

// checkStored looks at one candidate as Comeet got it: its name split, its
// status mapped, its position by uid, its CV from the zip.
func checkStored(t *testing.T, fake *comeettest.Server) {
	t.Helper()
	for _, c := range fake.Candidates() {
		cand := c.Candidate
		if cand.PartnerCandidateID != "C0010" {
			continue
		}
		if cand.FirstName != "Dana10" || cand.LastName != "Levi" || cand.ProspectStatus != "Responded" ||
			cand.PositionUID != "11.11" || cand.Resume == nil || cand.Resume.Name != "cv-10.pdf" {
			t.Errorf("row 10 in Comeet: got %s %s, status %q, position %q, resume %+v", cand.FirstName, cand.LastName,
				cand.ProspectStatus, cand.PositionUID, cand.Resume)
		}
		return
	}
	t.Error("row 10 (C0010) is not in Comeet")
}

// checkErrorsWorkbook reads the errors workbook: the one invalid row.
func checkErrorsWorkbook(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("errors workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], " "), "person11@@example.com") {
		t.Errorf("errors workbook rows: got %q, want the header and row 11", rows)
	}
}
