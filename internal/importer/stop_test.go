package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
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
	for _, l := range lines {
		counts[l["outcome"]]++
	}
	notSent := counts[string(report.NotSent)]
	if notSent < invalid/2 {
		t.Errorf("got %v: want most of the %d rows after the stop not_sent, unchecked", counts, invalid)
	}
	errorsFile := readCSVMaps(t, cfg.WithDefaults().ErrorsPath)
	if len(errorsFile) != counts[string(report.Invalid)]+counts[string(report.Failed)] {
		t.Errorf("errors file: %d rows, want only the %d invalid and failed", len(errorsFile), counts["invalid"]+counts["failed"])
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
// period is for requests on the wire, not for waits.
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
		if o := report.Outcome(l["outcome"]); o != report.Failed && o != report.NotSent || l["error_code"] != codeInterrupted {
			t.Errorf("row %s: got %s %s (%s), want interrupted", l["row"], o, l["error_code"], l["message"])
		}
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
