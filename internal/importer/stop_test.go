package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// runGuarded runs cfg under ctx and fails the test if the run has not
// returned within a minute: a guard against a hang, not a pace the test
// relies on (each run here ends in milliseconds when it works).
func runGuarded(t *testing.T, ctx context.Context, cfg Config) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the run did not end within a minute of its stop")
		return nil
	}
}

// syncLog is a logger's output, safe to read while the run writes it.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// A stop while rows are on the wire: the rows never reached are not
// checked (the invalid ones among them are not reported invalid), they are
// not_sent in the report, one line each, out of the errors file, and the
// log says how many in one line.
func TestStopLeavesTheRestNotSent(t *testing.T) {
	const valid, invalid = 4, 3000
	rows := testRows(valid)
	for i := range invalid {
		rows = append(rows, fmt.Sprintf("11.11,B%d,First,Last,not-an-email,", i))
	}
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	release, held := make(chan struct{}), make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Count: valid, Release: release,
		Arrived: sync.OnceFunc(func() { close(held) })})
	cfg := testConfig(writeInput(t, testHeader, rows), srv)
	var log syncLog
	cfg.Logger = zerolog.New(&log)
	var streamed []int // the rows OnRow saw, for the page
	notSentStreamed := 0
	cfg.OnRow = func(res *report.Result, _ []string) {
		streamed = append(streamed, res.Row)
		if res.Outcome == report.NotSent {
			notSentStreamed++
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-held
		cancel()
		for !strings.Contains(log.String(), "interrupted") {
			time.Sleep(time.Millisecond)
		}
		close(release) // the rows on the wire are answered after the stop
	}()
	if err := runGuarded(t, ctx, cfg); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != valid+invalid {
		t.Fatalf("got %d report lines, want %d", len(lines), valid+invalid)
	}
	counts := map[string]int{}
	for i, l := range lines {
		counts[l["outcome"]]++
		if want := fmt.Sprintf("B%d", i-valid); i >= valid && l["partner_candidate_id"] != want {
			t.Errorf("row %d: got id %q, want %q, also when it was not checked", i+1, l["partner_candidate_id"], want)
		}
	}
	notSent := counts[string(report.NotSent)]
	if notSent < invalid/2 {
		t.Errorf("got %v: want most of the %d rows after the stop not_sent, unchecked", counts, invalid)
	}
	errorsFile := readCSVMaps(t, cfg.WithDefaults().ErrorsPath)
	if len(errorsFile) != counts[string(report.Invalid)]+counts[string(report.Failed)] {
		t.Errorf("errors file: %d rows, want only the %d invalid and failed", len(errorsFile), counts["invalid"]+counts["failed"])
	}
	if len(streamed) != valid+invalid || notSentStreamed != notSent {
		t.Errorf("OnRow saw %d rows (%d not_sent), want every row (%d not_sent)", len(streamed), notSentStreamed, notSent)
	}
	for i, r := range streamed {
		if r != i+1 {
			t.Fatalf("OnRow's row %d is row %d: want input order", i+1, r)
		}
	}
	out := log.String()
	if n := strings.Count(out, `"outcome":"not_sent"`); n != 0 {
		t.Errorf("got %d log lines for rows not sent, want none (one line says how many)", n)
	}
	if want := fmt.Sprintf(`"rows":%d,"message":"not sent: the run stopped`, notSent); !strings.Contains(out, want) {
		t.Errorf("log lacks %s:\n%.2000s", want, out)
	}
}

// A worker waiting on a long Retry-After lets go at the stop: the grace
// period is for requests on the wire, not for waits. A row Comeet answered
// only with 429s was not created: it is not_sent, not a row to fix.
func TestStopEndsARetryWait(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	throttled := make(chan struct{})
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultThrottle, RetryAfter: "3600", Count: 2,
		Arrived: sync.OnceFunc(func() { close(throttled) })})
	cfg := testConfig(writeInput(t, testHeader, testRows(2)), srv)
	cfg.Grace = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-throttled
		cancel()
	}()
	if err := runGuarded(t, ctx, cfg); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	for _, l := range readCSVMaps(t, cfg.WithDefaults().ReportPath) {
		if o := report.Outcome(l["outcome"]); o != report.NotSent || l["error_code"] != codeInterrupted {
			t.Errorf("row %s: got %s %s (%s), want not_sent interrupted", l["row"], o, l["error_code"], l["message"])
		}
	}
	if _, err := os.Stat(cfg.WithDefaults().ErrorsPath); err == nil {
		t.Error("an errors file lists rows that only need a re-run")
	}
}

// Config.Hurry cuts the grace period short: requests held on the wire are
// abandoned, and the report is still written whole.
func TestHurryAbandonsRequestsOnTheWire(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	held := make(chan struct{})
	// A nil Release holds each request until the client gives up.
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Count: 10, Arrived: sync.OnceFunc(func() { close(held) })})
	cfg := testConfig(writeInput(t, testHeader, testRows(10)), srv)
	cfg.Grace = time.Hour
	hurry := make(chan struct{})
	cfg.Hurry = hurry
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-held
		cancel()
		close(hurry)
	}()
	if err := runGuarded(t, ctx, cfg); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != 10 {
		t.Fatalf("got %d report lines, want 10", len(lines))
	}
	failed := 0
	for _, l := range lines {
		switch report.Outcome(l["outcome"]) {
		case report.Failed:
			failed++ // on the wire when abandoned: it may have arrived
		case report.NotSent:
		default:
			t.Errorf("row %s: got %s (%s), want failed or not_sent", l["row"], l["outcome"], l["message"])
		}
		if l["error_code"] != codeInterrupted {
			t.Errorf("row %s: got code %q, want %q", l["row"], l["error_code"], codeInterrupted)
		}
	}
	if failed == 0 {
		t.Error("no row was on the wire when the run was hurried: the test proves little")
	}
}

// A Comeet that answers nothing but 5xx from the start stops the run after
// unreachableRows rows: the rest are not sent, and the run says Comeet was
// unreachable (the command exits 3).
func TestUnreachableAtStartStopsTheRun(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Count: 1000})
	cfg := testConfig(writeInput(t, testHeader, testRows(50)), srv)
	cfg.MaxAttempts, cfg.Concurrency = 1, 1
	_, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if !errors.Is(err, ErrUnreachable) || errors.As(err, &ce) {
		t.Fatalf("got %v, want ErrUnreachable, not a configuration error", err)
	}
	counts := map[report.Outcome]int{}
	for _, l := range readCSVMaps(t, cfg.WithDefaults().ReportPath) {
		counts[report.Outcome(l["outcome"])]++
	}
	if counts[report.Failed] != unreachableRows || counts[report.NotSent] != 50-unreachableRows {
		t.Errorf("got %v, want %d failed and the rest not_sent", counts, unreachableRows)
	}
}

// Once Comeet has answered, later failures are rows that failed: the run
// goes on with the others.
func TestAnsweredOnceGoesOn(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone}, comeettest.Fault{Kind: comeettest.FaultServerError, Count: 1000})
	cfg := testConfig(writeInput(t, testHeader, testRows(10)), srv)
	cfg.MaxAttempts, cfg.Concurrency = 1, 1
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatalf("got %v, want the run to end normally", err)
	}
	if n := len(srv.Requests()); n != 10 {
		t.Errorf("got %d requests, want every row tried", n)
	}
}

// The positions list that Comeet does not serve (5xx through every retry)
// is Comeet unreachable, not a configuration error.
func TestPositionsUnavailableIsNoConfigError(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Count: 1000})
	cfg := testConfig(writeInput(t, testHeader, testRows(2)), srv)
	cfg.MaxAttempts, cfg.CheckPositions = 2, true
	_, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if !errors.Is(err, ErrUnreachable) || errors.As(err, &ce) {
		t.Fatalf("got %v, want ErrUnreachable, not a configuration error", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("got %d requests, want the list's 2 attempts and no row sent", n)
	}
}

// blockingReader gives its text, then blocks until the test ends, and says
// when a read blocks.
type blockingReader struct {
	text    string
	blocked chan struct{}
	once    sync.Once
	end     <-chan struct{}
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if r.text != "" {
		n := copy(p, r.text)
		r.text = r.text[n:]
		return n, nil
	}
	r.once.Do(func() { close(r.blocked) })
	<-r.end
	return 0, errors.New("the test ended")
}

// An interruption while the header is read is an interruption, not a
// configuration error.
func TestInterruptWhileReadingTheHeader(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	end := make(chan struct{})
	defer close(end)
	in := &blockingReader{text: "position_uid,partner", blocked: make(chan struct{}), end: end}
	cfg := testConfig(Stdin, srv)
	cfg.Stdin, cfg.ReportPath = in, filepath.Join(t.TempDir(), "report.csv")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-in.blocked
		cancel()
	}()
	type ran struct {
		res Result
		err error
	}
	done := make(chan ran, 1)
	go func() {
		res, err := Run(ctx, cfg)
		done <- ran{res, err}
	}()
	var got ran
	select {
	case got = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the run did not end within a minute of its stop")
	}
	var ce *ConfigError
	if !errors.Is(got.err, ErrInterrupted) || errors.As(got.err, &ce) {
		t.Fatalf("got %v, want ErrInterrupted alone", got.err)
	}
	// Nothing was written: no path is named ("report: PATH" was printed).
	if got.res.Paths != (Paths{}) {
		t.Errorf("got paths %+v of files never written", got.res.Paths)
	}
}

// failingReader gives its text, then fails.
type failingReader struct{ text string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.text == "" {
		return 0, errors.New("device went away")
	}
	n := copy(p, r.text)
	r.text = r.text[n:]
	return n, nil
}

// An input that breaks midway ends the run with its error, which is no
// configuration error (the command exits 3); the rows read are reported.
func TestInputBrokenMidway(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	cfg := testConfig(Stdin, srv)
	cfg.Stdin = &failingReader{text: testHeader + "\n" + strings.Join(testRows(3), "\n") + "\n"}
	cfg.ReportPath = filepath.Join(t.TempDir(), "report.csv")
	_, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) || errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "device went away") {
		t.Fatalf("got %v, want the input's own error", err)
	}
	if lines := readCSVMaps(t, cfg.ReportPath); len(lines) != 3 {
		t.Errorf("got %d report lines, want the 3 rows read", len(lines))
	}
}

// Updates waiting for the limiter when the run stops were never sent:
// they are not_sent, not failed.
func TestStopLeavesWaitingUpdatesNotSent(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Update = true
	rows := syncRows(1, 6)
	g.createSync(rows)
	for _, r := range rows {
		r[6] = "+1 555 0199" // a phone: sent with PATCH
	}
	g.writeInputWith(syncHeader, rows)
	arrived := make(chan struct{})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Arrived: sync.OnceFunc(func() { close(arrived) })})
	g.cfg.Rate = pace.Rate{N: 1, Per: time.Hour} // the first goes; the others wait
	g.cfg.Grace = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	if err := runGuarded(t, ctx, g.cfg); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	counts := map[string]int{}
	for _, l := range g.report() {
		counts[l["outcome"]]++
		if l["attempts"] == "0" && l["outcome"] != string(report.NotSent) {
			t.Errorf("row %s: never sent, got %s %s (%s), want not_sent", l["row"], l["outcome"], l["error_code"], l["message"])
		}
	}
	if counts[string(report.NotSent)] == 0 {
		t.Errorf("got %v: no update was left waiting", counts)
	}
}
