package importer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// A re-run takes a file's digest from the ledger while the file's size and
// modification time are the ones recorded: a file rewritten with the same
// size and time keeps the old digest (proof that it was not read), and a
// new modification time has it read again.
func TestRerunReadsOnlyFilesThatChanged(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeFile("cv.pdf", []byte("%PDF-1.4 the first resume"))
	cvPath := filepath.Join(g.cfg.FilesDir, "cv.pdf")
	row := rigRow(1)
	row[5] = "cv.pdf"
	g.writeInput([][]string{row})
	_, first := g.mustRun()
	wantRigOutcomes(t, first, report.Created)
	fi, err := os.Stat(cvPath)
	if err != nil {
		t.Fatal(err)
	}

	g.writeFile("cv.pdf", []byte("%PDF-1.4 the other resume"))
	if err := os.Chtimes(cvPath, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	_, second := g.mustRun()
	wantRigOutcomes(t, second, report.Skipped)
	if msg := second[0]["message"]; strings.Contains(msg, "changed") {
		t.Errorf("same size and time: got %q, want no change seen (the file must not be read)", msg)
	}

	later := fi.ModTime().Add(time.Minute)
	if err := os.Chtimes(cvPath, later, later); err != nil {
		t.Fatal(err)
	}
	_, third := g.mustRun()
	wantRigOutcomes(t, third, report.Skipped)
	if msg := third[0]["message"]; !strings.Contains(msg, "changed") {
		t.Errorf("new modification time: got %q, want the change seen", msg)
	}
}

// A row that only waited for the rate limiter when the run was
// interrupted was never sent: the ledger has no entry for it, so history
// counts no run for it.
func TestRowWaitingForTheLimiterIsNotRecorded(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	gate, arrived := make(chan struct{}), make(chan struct{}, 8)
	var release sync.Once
	open := func() { release.Do(func() { close(gate) }) }
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-gate
		g.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Cleanup(open)

	g.writeInput(rigRows(1, 2))
	g.cfg.BaseURL = proxy.URL
	g.cfg.Concurrency = 2
	g.cfg.Rate = pace.Rate{N: 1, Per: time.Hour} // the second request waits an hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, g.cfg)
		done <- err
	}()
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("the run ended before sending: %v", err)
	}
	cancel()
	open()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("run: got %v, want ErrInterrupted", err)
	}
	lines := g.report()
	if len(lines) != 2 {
		t.Fatalf("report: got %d lines, want 2", len(lines))
	}
	l, err := ledger.OpenReadOnly(context.Background(), g.cfg.WithDefaults().LedgerPath)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	known, err := l.Lookup(context.Background(), []comeet.Key{rigKey(1), rigKey(2)})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for i, line := range lines {
		switch line["outcome"] {
		case string(report.Created):
			sent++
			if !known[i].Found || known[i].State != ledger.StateDone {
				t.Errorf("row %d, sent: got %+v, want a done entry", i+1, known[i])
			}
		default:
			if !strings.HasPrefix(line["message"], "not sent") {
				t.Errorf("row %d: got %s %q, want created or not sent", i+1, line["outcome"], line["message"])
			}
			if known[i].Found {
				t.Errorf("row %d, which only waited: got an entry %+v, want none", i+1, known[i])
			}
		}
	}
	if sent != 1 {
		t.Errorf("got %d rows sent, want 1 (the limiter holds the other an hour)", sent)
	}
}

// When the ledger cannot record (its file may not grow: a full disk), the
// run stops sending at the first failure: no row is sent without its
// pending entry, and the rows not sent say why.
// fsizeChild names the environment variable under which the test binary,
// started again by inOwnProcess, runs one test: its value is the test's
// name.
const fsizeChild = "COMEET_IMPORT_TEST_FSIZE_CHILD"

// inOwnProcess runs body in a child process of the test binary, started
// for this test alone. A cap on file sizes (capFileSizes) holds for the
// whole process, and go test's own log of the files a test opens (for its
// cache) is such a file: the child is started without that log.
func inOwnProcess(t *testing.T, body func(*testing.T)) {
	t.Helper()
	if os.Getenv(fsizeChild) == t.Name() {
		body(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), fsizeChild+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the test in its own process failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("the test did not run in its own process:\n%s", out)
	}
}

// capFileSizes caps the size of every file this process writes: past it,
// a write fails with EFBIG, as on a full disk. restore lifts the cap.
func capFileSizes(t *testing.T, limit uint64) (restore func()) {
	t.Helper()
	signal.Ignore(syscall.SIGXFSZ)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skipf("no file size limit here: %v", err)
	}
	capped := old
	capped.Cur = limit
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &capped); err != nil {
		t.Skipf("cannot cap file sizes: %v", err)
	}
	return func() {
		syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
		signal.Reset(syscall.SIGXFSZ)
	}
}

func TestLedgerWriteFailureStopsSending(t *testing.T) {
	inOwnProcess(t, ledgerWriteFailureStopsSending)
}

func ledgerWriteFailureStopsSending(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	const rows = 300
	g.writeInput(rigRows(1, rows))
	g.cfg.Concurrency = 2
	ledgerPath := g.cfg.WithDefaults().LedgerPath
	l, err := ledger.Open(context.Background(), ledgerPath) // made before files are capped
	if err != nil {
		t.Fatal(err)
	}
	l.Close()

	// The ledger outgrows the cap; the report stays far below it.
	restore := capFileSizes(t, 96<<10)
	_, err = Run(context.Background(), g.cfg)
	restore()

	if !errors.Is(err, ErrLedger) || !errors.Is(err, ledger.ErrWrite) {
		t.Fatalf("run: got %v, want ErrLedger wrapping ledger.ErrWrite", err)
	}
	lines := g.report()
	if len(lines) != rows {
		t.Fatalf("report: got %d lines, want %d", len(lines), rows)
	}
	created, notSent, refused := 0, 0, 0
	for _, line := range lines {
		switch {
		case line["outcome"] == string(report.Created):
			created++
		case strings.HasPrefix(line["message"], "not sent"):
			notSent++
		}
		// The first write to fail may be a row's pending entry (the row
		// is not sent) or its answer (the row is created, and says the
		// ledger could not record it): which one depends on timing.
		if line["error_code"] == "ledger" || strings.Contains(line["message"], "the ledger could not record this answer") {
			refused++
		}
	}
	// Only the rows in flight when the ledger failed tried to record;
	// the rest were stopped without trying.
	if refused < 1 || refused > g.cfg.Concurrency {
		t.Errorf("got %d rows whose ledger write failed, want 1 to %d (the rows in flight)", refused, g.cfg.Concurrency)
	}
	if notSent == 0 {
		t.Errorf("no row says it was not sent; got %d created of %d", created, rows)
	}
	// Every POST belongs to a row reported created: none left after the
	// failure without its pending entry.
	if got := g.posts(); got != created {
		t.Errorf("server got %d POSTs, want %d (the rows reported created)", got, created)
	}
}

// A report that cannot be written (a full disk) stops the sending at once:
// the rows on the wire finish, the rows waiting are not sent, and the run
// says why. Without a ledger, so that only the report meets the cap.
func TestReportWriteFailureStopsSending(t *testing.T) {
	inOwnProcess(t, func(t *testing.T) {
		g := newRig(t, comeettest.Options{})
		const rows = 2000
		g.writeInput(rigRows(1, rows))
		g.cfg.Concurrency = 2
		g.cfg.NoLedger = true
		restore := capFileSizes(t, 16<<10) // a few hundred report lines
		_, err := Run(context.Background(), g.cfg)
		restore()
		if !errors.Is(err, ErrReport) {
			t.Fatalf("run: got %v, want ErrReport", err)
		}
		// The report's lines are cut where the disk filled; every POST
		// after that belongs to a row that was already on its way.
		if got := g.posts(); got >= rows/2 {
			t.Errorf("server got %d POSTs of %d rows: the run went on sending after the report failed", got, rows)
		}
	})
}

// Issue 16: a full disk replaced the previous good report with a 0-byte
// file, left .partial files beside it, and the summary counted one row
// created while a dozen were. The previous report and errors file stay
// whole, the partial files are removed, and the summary counts the rows
// as they really went: every POST is a created row in it. Import and
// validate alike.
func TestFullDiskKeepsThePreviousReport(t *testing.T) {
	for _, dry := range []bool{false, true} {
		name := "import"
		if dry {
			name = "validate"
		}
		t.Run(name, func(t *testing.T) {
			inOwnProcess(t, func(t *testing.T) { fullDiskKeepsThePreviousReport(t, dry) })
		})
	}
}

func fullDiskKeepsThePreviousReport(t *testing.T, dry bool) {
	g := newRig(t, comeettest.Options{})
	const rows = 3000
	g.writeInput(rigRows(1, rows))
	g.cfg.Concurrency = 2
	g.cfg.NoLedger = true
	g.cfg.DryRun = dry
	cfg := g.cfg.WithDefaults()
	previous := map[string]string{
		cfg.ReportPath: "row,line,outcome\n1,2,created\n",
		cfg.ErrorsPath: "position_uid,error_code,message\n11.11,x,y\n",
	}
	for path, text := range previous {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	restore := capFileSizes(t, 16<<10) // a few hundred report lines
	res, err := Run(context.Background(), g.cfg)
	restore()
	if !errors.Is(err, ErrReport) {
		t.Fatalf("run: got %v, want ErrReport", err)
	}
	for path, text := range previous {
		if got, err := os.ReadFile(path); err != nil || string(got) != text {
			t.Errorf("%s: got %.80q (%v), want the previous one whole", filepath.Base(path), got, err)
		}
	}
	if res.Paths.Report != "" || res.ReportPath != "" {
		t.Errorf("the result names the report %q (%q), which this run did not write", res.Paths.Report, res.ReportPath)
	}
	left, _ := filepath.Glob(filepath.Join(g.dir, "*"+report.PartialSuffix))
	if len(left) > 0 {
		t.Errorf("partial files left: %q", left)
	}
	counts := res.Counts
	if dry {
		// The dry run checked every row; only its report was lost.
		if counts[report.Valid] != rows {
			t.Errorf("summary counts %v, want %d valid", counts, rows)
		}
		return
	}
	if got := g.posts(); got == 0 || counts[report.Created] != got {
		t.Errorf("summary: %d created, %d rows in all; the server got %d POSTs", counts[report.Created], counts.Total(), got)
	}
}
