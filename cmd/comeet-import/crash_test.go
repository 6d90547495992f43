package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// TestBinary builds the command and runs it as cron would: killed with
// SIGKILL at random moments and run again, interrupted with SIGINT, and
// for each exit code, against a fake Comeet in this process.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary: skipped with -short")
	}
	bin := buildBinary(t)
	t.Run("kill -9 and run again", func(t *testing.T) { testKillAndRerun(t, bin) })
	t.Run("kill -9 during --update and run again", func(t *testing.T) { testKillUpdateAndRerun(t, bin) })
	t.Run("kill -9 between the files of an update", func(t *testing.T) { testKillBetweenFiles(t, bin) })
	t.Run("SIGINT finishes in-flight rows", func(t *testing.T) { testInterrupt(t, bin) })
	t.Run("two TERMs at once are one stop", func(t *testing.T) { testSignalsTogether(t, bin) })
	t.Run("a second interrupt abandons the requests on the wire", func(t *testing.T) { testSecondInterrupt(t, bin) })
	t.Run("exit codes", func(t *testing.T) { testExitCodes(t, bin) })
	t.Run("a named pipe as a CV never blocks", func(t *testing.T) { testNamedPipeCV(t, bin) })
	t.Run("a JSON summary ends a JSON run", func(t *testing.T) { testJSONSummary(t, bin) })
	t.Run("--fail-on new", func(t *testing.T) { testFailOnNew(t, bin) })
}

// job is the binary running in the background.
type job struct {
	cmd    *exec.Cmd
	output syncBuffer
	done   chan struct{}
}

// syncBuffer is the job's output, safe to read while the process writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startJob(t *testing.T, bin string, args ...string) *job {
	t.Helper()
	j := &job{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	j.cmd.Env = envWithoutCredentials()
	j.cmd.Stdout, j.cmd.Stderr = &j.output, &j.output
	if err := j.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		j.cmd.Wait()
		close(j.done)
	}()
	return j
}

// exitCode is the job's exit status once done; -1 when a signal ended it.
func (j *job) exitCode() int { return j.cmd.ProcessState.ExitCode() }

func (j *job) killed() bool {
	ws, ok := j.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// envWithoutCredentials is this process's environment without Comeet
// credentials: with a loopback --base-url the binary uses the sandbox's. A
// race-enabled binary would sleep a second at exit; it is told not to (a
// race still makes it exit 66, which fails the exit code checks).
func envWithoutCredentials() []string {
	env := []string{"GORACE=atexit_sleep_ms=0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envAPIKey+"=") && !strings.HasPrefix(kv, envSecret+"=") &&
			!strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv)
		}
	}
	return env
}

// writeCandidates writes an input of n valid rows and returns its path.
func writeCandidates(t *testing.T, dir string, n int) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"position_uid", "partner_candidate_id", "first_name", "last_name", "email"})
	for i := 1; i <= n; i++ {
		w.Write([]string{"11.11", crashID(i), "First", fmt.Sprintf("Last%d", i), fmt.Sprintf("c%d@example.com", i)})
	}
	w.Flush()
	path := filepath.Join(dir, "candidates.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func crashID(i int) string { return fmt.Sprintf("K%04d", i) }

func crashKey(i int) comeet.Key {
	return comeet.Key{PositionUID: "11.11", PartnerCandidateID: crashID(i)}
}

// waitFor waits until cond holds or the job ends. The minute is only a
// guard against a hang, never a pace the test relies on.
func waitFor(t *testing.T, j *job, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(time.Minute)
	for !cond() {
		select {
		case <-j.done:
			t.Fatalf("the job ended before %s:\n%s", what, j.output.String())
		case <-deadline:
			t.Fatalf("no %s within a minute:\n%s", what, j.output.String())
		case <-time.After(time.Millisecond):
		}
	}
}

// waitForRequests waits until the server has answered n requests in all,
// or the job ends.
func waitForRequests(t *testing.T, srv *comeettest.Server, n int, j *job) {
	t.Helper()
	// Only a guard against a hang: a busy machine may take long to start.
	deadline := time.After(2 * time.Minute)
	for len(srv.Requests()) < n {
		select {
		case <-j.done:
			return
		case <-deadline:
			t.Fatalf("the server got %d requests in 2 minutes, want %d", len(srv.Requests()), n)
		case <-time.After(time.Millisecond):
		}
	}
}

// readReport reads the report's lines (header excluded), past the
// byte-order mark of a workbook's report.
func readReport(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("report %s: %v\n%s", path, err, data)
	}
	var lines []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, name := range recs[0] {
			m[name] = rec[i]
		}
		lines = append(lines, m)
	}
	return lines
}

// crashRows is the size of the input the kill test imports.
const crashRows = 60

func testKillAndRerun(t *testing.T, bin string) {
	srv := comeettest.NewServer(comeettest.Options{Latency: 5 * time.Millisecond})
	defer srv.Close()
	dir := t.TempDir()
	input := writeCandidates(t, dir, crashRows)
	args := []string{"import", "--base-url", srv.URL, "--rate", "200/1s", "--concurrency", "4", "--log-level", "error", input}

	reportPath := filepath.Join(dir, "candidates.report.csv")
	previous := []byte("last night's report\n")
	if err := os.WriteFile(reportPath, previous, 0o600); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	kills := killAtRandom(t, bin, srv, args, rand.New(rand.NewPCG(4, 2024)), 4)
	if kills < 2 {
		t.Fatalf("only %d runs were killed mid-way: the test proves little", kills)
	}
	checkKilledOutputs(t, reportPath, previous)
	final := startJob(t, bin, args...)
	<-final.done
	if final.exitCode() != exitOK {
		t.Fatalf("final run: exit %d, want 0\n%s", final.exitCode(), final.output.String())
	}
	if _, err := os.Stat(reportPath + report.PartialSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a finished run left %s%s behind: %v", reportPath, report.PartialSuffix, err)
	}
	counts := checkFinalReport(t, readReport(t, reportPath))
	for i := 1; i <= crashRows; i++ {
		if got := srv.CreatedCount(crashKey(i)); got != 1 {
			t.Errorf("%s: created %d times, want exactly 1", crashID(i), got)
		}
	}
	t.Logf("%d kills, then a full run, in %s: final report %v; %d requests at the server",
		kills, time.Since(start).Round(time.Millisecond), counts, len(srv.Requests()))
}

// writeSyncCandidates writes an input of n valid rows with a phone, in
// version v of the sheet: each version gives every row another phone, and
// every third row another last name.
func writeSyncCandidates(t *testing.T, dir string, n, v int) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "phone"})
	for i := 1; i <= n; i++ {
		w.Write(syncCandidate(i, v))
	}
	w.Flush()
	path := filepath.Join(dir, "candidates.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// syncCandidate is row i of version v of the sheet.
func syncCandidate(i, v int) []string {
	last := fmt.Sprintf("Last%d", i)
	if i%3 == 0 {
		last = fmt.Sprintf("Last%d-v%d", i, v)
	}
	return []string{"11.11", crashID(i), "First", last, fmt.Sprintf("c%d@example.com", i), fmt.Sprintf("+1 555 %d%04d", v, i)}
}

// testKillAndRerun's --update twin: the sheet changes every candidate (and
// gains new ones), the update run is killed at random moments and then run
// to its end. No candidate is created twice, and each one in Comeet holds
// what the sheet says: an update applied twice is the same as once.
func testKillUpdateAndRerun(t *testing.T, bin string) {
	const created, grown = crashRows, crashRows + 15
	srv := comeettest.NewServer(comeettest.Options{Latency: 5 * time.Millisecond})
	defer srv.Close()
	dir := t.TempDir()
	input := writeSyncCandidates(t, dir, created, 1)
	args := []string{"import", "--base-url", srv.URL, "--rate", "200/1s", "--concurrency", "4", "--log-level", "error", "--update", input}
	first := startJob(t, bin, args...)
	<-first.done
	if first.exitCode() != exitOK {
		t.Fatalf("first run: exit %d, want 0\n%s", first.exitCode(), first.output.String())
	}

	writeSyncCandidates(t, dir, grown, 2)
	kills := killAtRandom(t, bin, srv, args, rand.New(rand.NewPCG(7, 2026)), 4)
	if kills < 2 {
		t.Fatalf("only %d runs were killed mid-way: the test proves little", kills)
	}
	final := startJob(t, bin, args...)
	<-final.done
	if final.exitCode() != exitOK {
		t.Fatalf("final run: exit %d, want 0\n%s", final.exitCode(), final.output.String())
	}
	lines := readReport(t, filepath.Join(dir, "candidates.report.csv"))
	if len(lines) != grown {
		t.Fatalf("final report: got %d lines, want %d", len(lines), grown)
	}
	counts := map[string]int{}
	for i, l := range lines {
		counts[l["outcome"]]++
		switch report.Outcome(l["outcome"]) {
		case report.Updated, report.Skipped, report.Created, report.Conflict:
		default:
			t.Errorf("row %d: got %s (%s), want updated, skipped, created or conflict", i+1, l["outcome"], l["message"])
		}
	}
	// What Comeet holds, read back as verify would: GET /candidates/{uid}.
	client, err := comeet.NewClient(comeet.Config{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*comeet.Record{}
	for _, st := range srv.Candidates() {
		rec, _, err := client.GetCandidate(t.Context(), st.UID)
		if err != nil {
			t.Fatalf("GET %s: %v", st.UID, err)
		}
		byID[st.Candidate.PartnerCandidateID] = rec
	}
	for i := 1; i <= grown; i++ {
		if got := srv.CreatedCount(crashKey(i)); got != 1 {
			t.Errorf("%s: created %d times, want exactly 1", crashID(i), got)
		}
		want := syncCandidate(i, 2)
		c, ok := byID[crashID(i)]
		if !ok {
			t.Errorf("%s: not in Comeet", crashID(i))
			continue
		}
		if c.PartnerCandidateID != crashID(i) || c.LastName != want[3] || c.Phone != want[5] {
			t.Errorf("%s: Comeet holds %q, %q; want the sheet's %q, %q", crashID(i), c.LastName, c.Phone, want[3], want[5])
		}
	}
	t.Logf("%d kills during the update, then a full run: final report %v; %d requests at the server",
		kills, counts, len(srv.Requests()))
}

// checkKilledOutputs checks what killed runs leave: the previous report
// intact, this run's partial one beside it, and no errors file (the rows
// were all valid).
func checkKilledOutputs(t *testing.T, reportPath string, previous []byte) {
	t.Helper()
	if got, err := os.ReadFile(reportPath); err != nil || !bytes.Equal(got, previous) {
		t.Errorf("after the kills: got report %q (%v), want the previous one intact", got, err)
	}
	partial, err := os.ReadFile(reportPath + report.PartialSuffix)
	if err != nil || !bytes.HasPrefix(partial, []byte("row,line,")) {
		t.Errorf("after the kills: got partial report %.40q (%v), want this run's", partial, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(reportPath), "candidates.errors.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after the kills: an errors file exists (%v), want none", err)
	}
}

// killAtRandom starts the import up to n times and kills each run with
// SIGKILL after a random number of answers and a random moment more, so
// the kill lands while requests and ledger writes are in flight. It returns
// how many runs the kill ended (a run may finish first).
func killAtRandom(t *testing.T, bin string, srv *comeettest.Server, args []string, rng *rand.Rand, n int) int {
	t.Helper()
	kills := 0
	for range n {
		target := len(srv.Requests()) + 1 + rng.IntN(10)
		j := startJob(t, bin, args...)
		waitForRequests(t, srv, target, j)
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		j.cmd.Process.Signal(syscall.SIGKILL)
		<-j.done
		if !j.killed() {
			t.Logf("a run ended by itself (exit %d) before the kill", j.exitCode())
			return kills
		}
		kills++
	}
	return kills
}

// checkFinalReport checks that the report has one line per input row, in
// order, each created, conflict or skipped, and returns the outcomes' counts.
func checkFinalReport(t *testing.T, lines []map[string]string) map[string]int {
	t.Helper()
	if len(lines) != crashRows {
		t.Fatalf("final report: got %d lines, want %d", len(lines), crashRows)
	}
	counts := map[string]int{}
	for i, l := range lines {
		counts[l["outcome"]]++
		switch report.Outcome(l["outcome"]) {
		case report.Created, report.Conflict, report.Skipped:
		default:
			t.Errorf("row %d: got %s (%s), want created, conflict or skipped", i+1, l["outcome"], l["message"])
		}
		if l["row"] != fmt.Sprint(i+1) || l["partner_candidate_id"] != crashID(i+1) {
			t.Errorf("line %d: got row %s id %s, want row %d id %s", i+1, l["row"], l["partner_candidate_id"], i+1, crashID(i+1))
		}
	}
	return counts
}

func testInterrupt(t *testing.T, bin string) {
	const rows = 40
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	// The first four rows are answered; from the fifth on, requests are held
	// at the server until the job has said it is interrupted. So the signal
	// always comes while rows are on the wire and others wait, whatever the
	// machine's speed.
	release := make(chan struct{})
	let := sync.OnceFunc(func() { close(release) })
	defer let()
	held := make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Count: 4},
		comeettest.Fault{Kind: comeettest.FaultHold, Count: rows, Release: release,
			Arrived: sync.OnceFunc(func() { close(held) })})
	dir := t.TempDir()
	input := writeCandidates(t, dir, rows)
	j := startJob(t, bin, "import", "--base-url", srv.URL, "--rate", "200/1s", "--concurrency", "4",
		"--log-level", "warn", "--log-format", "json", "--progress", "none", input)
	waitFor(t, j, "a request held at the server", func() bool {
		select {
		case <-held:
			return true
		default:
			return false
		}
	})
	j.cmd.Process.Signal(os.Interrupt)
	waitFor(t, j, "the job to log its interruption", func() bool { return strings.Contains(j.output.String(), "interrupted") })
	let() // nothing is sent after the interruption: the held requests may go
	<-j.done
	if got := j.exitCode(); got != exitInterrupted {
		t.Fatalf("got exit %d, want %d\n%s", got, exitInterrupted, j.output.String())
	}
	lines := readReport(t, filepath.Join(dir, "candidates.report.csv"))
	if len(lines) != rows {
		t.Fatalf("got %d report lines, want %d (every row read)", len(lines), rows)
	}
	interrupted := 0
	for i, l := range lines {
		atServer := srv.CreatedCount(crashKey(i+1)) == 1
		switch {
		case l["outcome"] == string(report.Created) && atServer:
		case l["outcome"] == string(report.NotSent) && l["error_code"] == "interrupted" && !atServer:
			interrupted++
		default:
			t.Errorf("row %d: got %s (%s), and at the server: %v; want created rows to be exactly those in Comeet, the others not_sent",
				i+1, l["outcome"], l["message"], atServer)
		}
	}
	if interrupted == 0 {
		t.Error("no row was interrupted: the signal came too late to test anything")
	}
	if !strings.Contains(j.output.String(), "rows in") {
		t.Errorf("no summary was printed:\n%s", j.output.String())
	}
}

func testExitCodes(t *testing.T, bin string) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	base := []string{"import", "--base-url", srv.URL, "--rate", "none", "--log-level", "error"}
	tests := []struct {
		name     string
		args     func(dir, input string) []string
		badEmail bool
		hold     bool // hold the ledger as another run would
		rows     int  // rows of the input; 3 when zero
		faults   []comeettest.Fault
		shell    string // run the binary under sh -c shell, with its arguments
		wantCode int
		wantText string
		noText   string // what the output must not say
	}{
		{name: "clean run", wantCode: exitOK, wantText: "3 created",
			args: func(_, in string) []string { return append(base, in) }},
		{name: "an invalid row", badEmail: true, wantCode: exitRowsFailed, wantText: "1 invalid",
			args: func(_, in string) []string { return append(base, in) }},
		{name: "bad flag value", wantCode: exitConfig, wantText: "--rate",
			args: func(_, in string) []string { return append(base, "--rate", "fast", in) }},
		{name: "unknown flag", wantCode: exitConfig, wantText: "unknown flag",
			args: func(_, in string) []string { return append(base, "--fast", in) }},
		{name: "missing credentials", wantCode: exitConfig, wantText: envAPIKey,
			args: func(_, in string) []string {
				return []string{"import", "--base-url", "https://api.comeet.example", in}
			}},
		{name: "ledger held by another run", hold: true, wantCode: exitConfig, wantText: "another run is using the ledger",
			args: func(_, in string) []string { return append(base, in) }},
		{name: "a mistyped command", wantCode: exitConfig, wantText: `comeet-import: unknown command "valdiate"; did you mean validate?`,
			noText: "comeet-import comeet-import",
			args:   func(_, in string) []string { return []string{"valdiate", in} }},
		{name: "the positions list answered 5xx", wantCode: exitBroken, wantText: "comeet unreachable", noText: "configuration error",
			faults: []comeettest.Fault{{Kind: comeettest.FaultServerError, Count: 2}},
			args: func(_, in string) []string {
				return append(base, "--check-positions", "--max-attempts", "2", "--log-format", "json", in)
			}},
		{name: "Comeet unreachable from the start", wantCode: exitBroken, wantText: "comeet unreachable",
			faults: []comeettest.Fault{{Kind: comeettest.FaultServerError, Count: 3}},
			args:   func(_, in string) []string { return append(base, "--max-attempts", "1", "--concurrency", "1", in) }},
		{name: "the report cannot be written (file size limit)", rows: 300, shell: "ulimit -f 16; exec \"$@\"", wantCode: exitBroken,
			wantText: "file too large",
			args:     func(_, in string) []string { return append(base, "--no-ledger", in) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			input := writeCandidates(t, dir, max(tt.rows, 3))
			srv.Inject(tt.faults...)
			defer srv.ClearFaults()
			if tt.badEmail {
				data, _ := os.ReadFile(input)
				os.WriteFile(input, bytes.Replace(data, []byte("c2@example.com"), []byte("c2-at-example"), 1), 0o600)
			}
			if tt.hold {
				l, err := ledger.Open(context.Background(), filepath.Join(dir, importer.DefaultLedgerName))
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
			}
			before := len(srv.Requests())
			cmd := exec.Command(bin, tt.args(dir, input)...)
			if tt.shell != "" {
				cmd = exec.Command("sh", append([]string{"-c", tt.shell, "sh", bin}, tt.args(dir, input)...)...)
			}
			cmd.Env = envWithoutCredentials()
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("got exit %d, want %d\n%s", code, tt.wantCode, out)
			}
			if !strings.Contains(string(out), tt.wantText) {
				t.Errorf("output does not mention %q:\n%s", tt.wantText, out)
			}
			if tt.noText != "" && strings.Contains(string(out), tt.noText) {
				t.Errorf("output says %q:\n%s", tt.noText, out)
			}
			if tt.wantCode == exitConfig && len(srv.Requests()) != before {
				t.Errorf("a configuration error sent %d requests, want 0", len(srv.Requests())-before)
			}
		})
	}
}

// heldImport starts an import of rows rows whose first four requests are
// answered and the next ones held at the server until release is closed
// (never, when release is nil), and returns once a request is held.
func heldImport(t *testing.T, bin string, rows int, release <-chan struct{}) (*job, *comeettest.Server, string) {
	t.Helper()
	srv := comeettest.NewServer(comeettest.Options{})
	t.Cleanup(srv.Close)
	held := make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Count: 4},
		comeettest.Fault{Kind: comeettest.FaultHold, Count: rows, Release: release,
			Arrived: sync.OnceFunc(func() { close(held) })})
	dir := t.TempDir()
	input := writeCandidates(t, dir, rows)
	j := startJob(t, bin, "import", "--base-url", srv.URL, "--rate", "200/1s", "--concurrency", "4",
		"--log-level", "warn", "--progress", "none", input)
	waitFor(t, j, "a request held at the server", func() bool {
		select {
		case <-held:
			return true
		default:
			return false
		}
	})
	return j, srv, dir
}

// checkStopped checks what a stopped run leaves: exit 130, its summary
// printed, the report committed with one line per row (no .partial left),
// the rows created exactly those in Comeet, and the rows never sent
// not_sent, logged in one line, none in the errors file.
func checkStopped(t *testing.T, j *job, srv *comeettest.Server, dir string, rows int) map[string]int {
	t.Helper()
	out := j.output.String()
	if got := j.exitCode(); got != exitInterrupted {
		t.Fatalf("got exit %d, want %d\n%s", got, exitInterrupted, out)
	}
	if !strings.Contains(out, "rows in") {
		t.Errorf("no summary was printed:\n%s", out)
	}
	reportPath := filepath.Join(dir, "candidates.report.csv")
	if _, err := os.Stat(reportPath + report.PartialSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stop left %s%s behind: %v", reportPath, report.PartialSuffix, err)
	}
	lines := readReport(t, reportPath)
	if len(lines) != rows {
		t.Fatalf("got %d report lines, want %d", len(lines), rows)
	}
	counts := map[string]int{}
	for i, l := range lines {
		counts[l["outcome"]]++
		atServer := srv.CreatedCount(crashKey(i+1)) == 1
		if created := l["outcome"] == string(report.Created); created != atServer {
			t.Errorf("row %d: got %s (%s), and at the server: %v", i+1, l["outcome"], l["message"], atServer)
		}
	}
	if counts[string(report.NotSent)] == 0 {
		t.Errorf("got %v: no row was left not_sent, the stop came too late to test anything", counts)
	}
	if n := strings.Count(out, `"outcome":"not_sent"`); n > 0 {
		t.Errorf("got %d log lines for rows not sent, want one line for all", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "candidates.errors.csv")); counts[string(report.Failed)] == 0 && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an errors file was written (%v) though no row failed: not_sent rows are not rows to fix", err)
	}
	return counts
}

// Two TERMs a few milliseconds apart (GNU timeout signals the process,
// then its group; kill -TERM twice) are one stop: the requests on the wire
// finish, the report and the ledger are written, and a re-run creates
// nothing twice.
func testSignalsTogether(t *testing.T, bin string) {
	const rows = 40
	release := make(chan struct{})
	let := sync.OnceFunc(func() { close(release) })
	defer let()
	j, srv, dir := heldImport(t, bin, rows, release)
	j.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(time.Millisecond)
	j.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, j, "the job to log its interruption", func() bool { return strings.Contains(j.output.String(), "interrupted") })
	let() // the held requests may be answered: nothing new is sent
	<-j.done
	if strings.Contains(j.output.String(), "interrupted again") {
		t.Errorf("two signals together were taken as two:\n%s", j.output.String())
	}
	counts := checkStopped(t, j, srv, dir, rows)

	again := startJob(t, bin, "import", "--base-url", srv.URL, "--rate", "none", "--log-level", "error",
		filepath.Join(dir, "candidates.csv"))
	<-again.done
	if again.exitCode() != exitOK {
		t.Fatalf("re-run: exit %d, want 0\n%s", again.exitCode(), again.output.String())
	}
	for i := 1; i <= rows; i++ {
		if got := srv.CreatedCount(crashKey(i)); got != 1 {
			t.Errorf("%s: created %d times, want exactly 1", crashID(i), got)
		}
	}
	t.Logf("stopped with %v", counts)
}

// A second interrupt after the first was told abandons the requests held
// on the wire, and the report and the ledger are still written.
func testSecondInterrupt(t *testing.T, bin string) {
	const rows = 40
	j, srv, dir := heldImport(t, bin, rows, nil) // held until the client gives up
	j.cmd.Process.Signal(os.Interrupt)
	waitFor(t, j, "the job to log its interruption", func() bool { return strings.Contains(j.output.String(), "interrupted") })
	time.Sleep(sameStop + 100*time.Millisecond) // later than the same stop: a person pressing again
	j.cmd.Process.Signal(os.Interrupt)
	<-j.done
	if !strings.Contains(j.output.String(), "interrupted again") {
		t.Errorf("the second interrupt was not told:\n%s", j.output.String())
	}
	counts := checkStopped(t, j, srv, dir, rows)
	if counts[string(report.Failed)] == 0 {
		t.Errorf("got %v: no row was abandoned on the wire", counts)
	}
}
