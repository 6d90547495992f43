package comeet_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// countingWaiter counts Wait calls.
type countingWaiter struct{ n atomic.Int64 }

func (w *countingWaiter) Wait(ctx context.Context) error {
	w.n.Add(1)
	return ctx.Err()
}

// sleepRecorder records the waits between attempts instead of sleeping.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleepRecorder) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

type harness struct {
	srv    *comeettest.Server
	client *comeet.Client
	sleeps *sleepRecorder
	waiter *countingWaiter
}

func newHarness(t *testing.T, opts comeettest.Options, edit func(*comeet.Config)) *harness {
	t.Helper()
	srv := comeettest.NewServer(opts)
	t.Cleanup(srv.Close)
	h := &harness{srv: srv, sleeps: &sleepRecorder{}, waiter: &countingWaiter{}}
	cfg := comeet.Config{
		BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret,
		Limiter: h.waiter, Sleep: h.sleeps.Sleep, Rand: func() float64 { return 0.5 },
		// No attempt runs out of time unless a test fires the timer: on a
		// busy machine a real limit could expire after the server created
		// the candidate, and the retry would then meet a 409.
		Timer: neverExpires,
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := comeet.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	h.client = client
	return h
}

func fileOnDisk(t *testing.T, name string, data []byte) *comeet.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return &comeet.File{Name: name, Path: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func bobby(t *testing.T) *comeet.Candidate {
	return &comeet.Candidate{
		PositionUID: "11.11", PartnerCandidateID: "1111A", FirstName: "Bobby", LastName: "Chauck",
		Email: "bobby@example.com", ProspectStatus: "Interested",
		Resume:        fileOnDisk(t, "bobby_cv.docx", bytes.Repeat([]byte("cv\x00"), 50_000)),
		Links:         []comeet.Link{{URL: "https://www.github.com/bobbyc"}},
		SourceContact: &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
		Address:       &comeet.Address{Country: "US", City: "New York"},
		CustomFields:  map[string]string{"field1": "value1"},
	}
}

func TestCreateCandidate(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	cand := bobby(t)
	reply, err := h.client.CreateCandidate(context.Background(), cand)
	if err != nil {
		t.Fatalf("CreateCandidate: %v", err)
	}
	if reply.Created == nil || reply.Created.UID == "" || reply.Status != http.StatusCreated || reply.Attempts != 1 {
		t.Fatalf("got reply %+v, want a created uid after 1 attempt", reply)
	}
	stored, ok := h.srv.Candidate(reply.Created.UID)
	if !ok {
		t.Fatalf("server has no candidate %s", reply.Created.UID)
	}
	got := stored.Candidate
	if got.FirstName != "Bobby" || got.Address.City != "New York" || got.CustomFields["field1"] != "value1" {
		t.Errorf("stored %+v, want the fields sent", got)
	}
	wantLength, _ := cand.ContentLength()
	if got := h.srv.Requests()[0].ContentLength; got != wantLength {
		t.Errorf("request Content-Length: got %d, want %d (not chunked)", got, wantLength)
	}
	if got.Resume.Size != cand.Resume.Size || got.Resume.SHA256 != cand.Resume.SHA256 {
		t.Errorf("resume arrived as %d bytes %s, want %d bytes %s",
			got.Resume.Size, got.Resume.SHA256, cand.Resume.Size, cand.Resume.SHA256)
	}
}

func TestCreateCandidateConflict(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	first, err := h.client.CreateCandidate(context.Background(), bobby(t))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	var apiErr *comeet.APIError
	if !errors.As(err, &apiErr) || !apiErr.Conflict() {
		t.Fatalf("got %v, want a conflict APIError", err)
	}
	if apiErr.CandidateUID != first.Created.UID || reply.Status != http.StatusConflict || reply.Attempts != 1 {
		t.Errorf("got uid %q status %d attempts %d, want uid %q status 409 attempts 1",
			apiErr.CandidateUID, reply.Status, reply.Attempts, first.Created.UID)
	}
}

func TestCreateCandidateRetries(t *testing.T) {
	tests := []struct {
		name          string
		faults        []comeettest.Fault
		wantAttempts  int
		wantThrottled int
		wantWaits     []time.Duration
	}{
		{"429 then success", []comeettest.Fault{{Kind: comeettest.FaultThrottle}}, 2, 1,
			[]time.Duration{750 * time.Millisecond}},
		{"retry-after honoured", []comeettest.Fault{{Kind: comeettest.FaultThrottle, RetryAfter: "7"}}, 2, 1,
			[]time.Duration{7 * time.Second}},
		{"retry-after capped", []comeettest.Fault{{Kind: comeettest.FaultThrottle, RetryAfter: "3600"}}, 2, 1,
			[]time.Duration{comeet.DefaultMaxRetryAfter}},
		{"5xx twice", []comeettest.Fault{{Kind: comeettest.FaultServerError, Count: 2}}, 3, 0,
			[]time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}},
		{"html page", []comeettest.Fault{{Kind: comeettest.FaultHTMLPage}}, 2, 0,
			[]time.Duration{750 * time.Millisecond}},
		{"connection reset", []comeettest.Fault{{Kind: comeettest.FaultReset}}, 2, 0,
			[]time.Duration{750 * time.Millisecond}},
		{"expired token renewed without waiting", []comeettest.Fault{{Kind: comeettest.FaultExpiredToken}}, 2, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{}, nil)
			h.srv.Inject(tt.faults...)
			reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
			if err != nil {
				t.Fatalf("CreateCandidate: %v", err)
			}
			if reply.Attempts != tt.wantAttempts || reply.Throttled != tt.wantThrottled || reply.Status != 201 {
				t.Errorf("got attempts %d throttled %d status %d, want %d %d 201",
					reply.Attempts, reply.Throttled, reply.Status, tt.wantAttempts, tt.wantThrottled)
			}
			if got := h.sleeps.Waits(); !equalDurations(got, tt.wantWaits) {
				t.Errorf("got waits %v, want %v", got, tt.wantWaits)
			}
			if got := h.waiter.n.Load(); got != int64(tt.wantAttempts) {
				t.Errorf("limiter waited %d times, want once per attempt (%d)", got, tt.wantAttempts)
			}
			if got := len(h.srv.Candidates()); got != 1 {
				t.Errorf("server holds %d candidates, want 1", got)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCreateCandidateGivesUp(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) { c.MaxAttempts = 4 })
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Status: 502, Count: 10})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	var apiErr *comeet.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 502 {
		t.Fatalf("got %v, want the last 502 as an APIError", err)
	}
	if reply.Attempts != 4 || reply.Status != 502 || h.waiter.n.Load() != 4 {
		t.Errorf("got attempts %d status %d limiter waits %d, want 4 502 4",
			reply.Attempts, reply.Status, h.waiter.n.Load())
	}
	if got := len(h.sleeps.Waits()); got != 3 {
		t.Errorf("got %d waits, want 3 (between 4 attempts)", got)
	}
}

func TestCreateCandidateFinalErrors(t *testing.T) {
	tests := []struct {
		name     string
		opts     comeettest.Options
		edit     func(*comeet.Candidate)
		wantCode string
	}{
		{"unknown position", comeettest.Options{Positions: []string{"22.22"}}, nil, comeet.CodePositionNotFound},
		{"bad email", comeettest.Options{}, func(c *comeet.Candidate) { c.Email = "not-an-email" }, comeet.CodeInvalidEmail},
		{"unknown custom field", comeettest.Options{CustomFields: []string{"other"}}, nil, comeet.CodeInvalidCustomField},
		{"file too large", comeettest.Options{MaxFileSize: 1000}, nil, comeet.CodeFileSizeLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts, nil)
			cand := bobby(t)
			if tt.edit != nil {
				tt.edit(cand)
			}
			reply, err := h.client.CreateCandidate(context.Background(), cand)
			var apiErr *comeet.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tt.wantCode {
				t.Fatalf("got %v, want code %s", err, tt.wantCode)
			}
			if reply.Attempts != 1 || !apiErr.Invalid() {
				t.Errorf("got %d attempts, invalid %v; want 1 attempt, invalid", reply.Attempts, apiErr.Invalid())
			}
		})
	}
}

func TestCreateCandidateLostReplyThenConflict(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultLostReply})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	var apiErr *comeet.APIError
	if !errors.As(err, &apiErr) || !apiErr.Conflict() {
		t.Fatalf("got %v, want the 409 that follows a lost reply", err)
	}
	stored := h.srv.Candidates()
	if len(stored) != 1 || apiErr.CandidateUID != stored[0].UID || reply.Attempts != 2 {
		t.Errorf("got uid %q after %d attempts and %d stored, want the stored uid after 2",
			apiErr.CandidateUID, reply.Attempts, len(stored))
	}
}

// neverExpires is an attempt timer that never fires.
func neverExpires(time.Duration) (<-chan struct{}, func()) { return nil, func() {} }

// gatedTimer is an attempt timer the test fires: the first attempt's limit
// expires when fire is closed, later attempts never run out of time.
func gatedTimer(fire <-chan struct{}) func(time.Duration) (<-chan struct{}, func()) {
	var calls atomic.Int64
	return func(time.Duration) (<-chan struct{}, func()) {
		if calls.Add(1) == 1 {
			return fire, func() {}
		}
		return nil, func() {}
	}
}

// The first attempt is held at the server until its time limit expires;
// the client gives up on it and the second attempt creates the candidate.
// Nothing races a clock: the limit expires only once the server holds the
// request, and the held request is never stored.
func TestCreateCandidateTimeoutRetried(t *testing.T) {
	arrived := make(chan struct{})
	h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) { c.Timer = gatedTimer(arrived) })
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Arrived: sync.OnceFunc(func() { close(arrived) })})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	if err != nil {
		t.Fatalf("CreateCandidate: %v", err)
	}
	if reply.Attempts != 2 || reply.Created == nil || reply.Created.UID == "" {
		t.Errorf("got %d attempts and %+v, want 2 attempts and a created candidate", reply.Attempts, reply.Created)
	}
	if got := len(h.srv.Candidates()); got != 1 {
		t.Errorf("got %d candidates stored, want 1", got)
	}
	if waits := h.sleeps.Waits(); len(waits) != 1 {
		t.Errorf("got waits %v, want one backoff after the timeout", waits)
	}
}

// An attempt that runs out of time on its last try is a timeout, not an
// interruption: the importer tells the two apart.
func TestCreateCandidateTimeoutIsNotCanceled(t *testing.T) {
	arrived := make(chan struct{})
	h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) {
		c.Timer = gatedTimer(arrived)
		c.MaxAttempts = 1
	})
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Arrived: sync.OnceFunc(func() { close(arrived) })})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a deadline error that is not context.Canceled", err)
	}
	if reply.Attempts != 1 || len(h.srv.Candidates()) != 0 {
		t.Errorf("got %d attempts and %d stored, want 1 attempt and nothing stored", reply.Attempts, len(h.srv.Candidates()))
	}
}

func TestCreateCandidateCanceled(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultSlow, Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(h.srv.Requests()) == 0 && h.srv.PendingFaults() > 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err := h.client.CreateCandidate(ctx, bobby(t))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

// A cancellation during the wait before a retry ends the wait at once. The
// wait is held at a gate (it returns only when the context ends), and the
// test cancels once the client is waiting: no deadline races the machine.
func TestCreateCandidateCanceledDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waited []time.Duration
	h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			waited = append(waited, d) // the client's own goroutine
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
	})
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultThrottle, RetryAfter: "60"})
	reply, err := h.client.CreateCandidate(ctx, bobby(t))
	if !errors.Is(err, context.Canceled) || reply.Attempts != 1 || reply.Throttled != 1 {
		t.Errorf("got (%+v, %v), want context.Canceled after 1 throttled attempt", reply, err)
	}
	if len(waited) != 1 || waited[0] < 60*time.Second {
		t.Errorf("got waits %v, want one of at least the 60 s Retry-After", waited)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	const key, secret = "customer-key-9f1", "partner-secret-77a"
	h := newHarness(t, comeettest.Options{APIKeys: []string{key}, Secret: secret}, func(c *comeet.Config) {
		c.APIKey, c.Secret = key, secret
		c.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
	})
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Count: 2},
		comeettest.Fault{Kind: comeettest.FaultExpiredToken})
	if _, err := h.client.CreateCandidate(context.Background(), bobby(t)); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Count(out, "\n") < 2 {
		t.Fatalf("got logs %q, want a line per failed attempt", out)
	}
	for _, secretish := range []string{key, secret, "Bearer", "eyJ", "Bobby", "bobby@example.com"} {
		if strings.Contains(out, secretish) {
			t.Errorf("logs contain %q: %s", secretish, out)
		}
	}
}

func TestCreateCandidateFileChanged(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	cand := bobby(t)
	cand.Resume.Size += 10 // the file on disk is now shorter than attached
	reply, err := h.client.CreateCandidate(context.Background(), cand)
	var changed *comeet.FileChangedError
	if !errors.As(err, &changed) {
		t.Fatalf("got %v, want a FileChangedError", err)
	}
	if reply.Attempts != 1 || len(h.srv.Candidates()) != 0 {
		t.Errorf("got %d attempts and %d stored, want 1 and 0", reply.Attempts, len(h.srv.Candidates()))
	}
}

func TestCreateCandidateTokenRenewal(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := newHarness(t, comeettest.Options{Now: clock}, func(c *comeet.Config) { c.Now = clock })
	if _, err := h.client.CreateCandidate(context.Background(), bobby(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(comeet.TokenLifetime + time.Minute) // the cached token has expired
	mu.Unlock()
	cand := bobby(t)
	cand.PartnerCandidateID = "2222B"
	reply, err := h.client.CreateCandidate(context.Background(), cand)
	if err != nil || reply.Attempts != 1 {
		t.Fatalf("got (%+v, %v), want created in 1 attempt with a fresh token", reply, err)
	}
}

func TestConcurrentWorkers(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.SetRandomFaults(comeettest.RandomFaults{Seed: 7, P5xx: 0.1, PReset: 0.1, P429: 0.1})
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := range 24 {
		wg.Go(func() {
			cand := bobby(t)
			cand.PartnerCandidateID = "p" + strings.Repeat("x", i)
			if _, err := h.client.CreateCandidate(context.Background(), cand); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var apiErr *comeet.APIError
		if !errors.As(err, &apiErr) || !apiErr.Retryable() {
			t.Errorf("got %v, want only transient failures after retries", err)
		}
	}
	if got := len(h.srv.Candidates()); got < 20 {
		t.Errorf("got %d candidates, want most of 24", got)
	}
}

func TestNewClientValidation(t *testing.T) {
	tests := []struct {
		name, url, key, secret string
		ok                     bool
	}{
		{"default url", "", "k", "s", true},
		{"https", "https://api.example.com/", "k", "s", true},
		{"http loopback v4", "http://127.0.0.1:8080", "k", "s", true},
		{"http loopback v6", "http://[::1]:8080", "k", "s", true},
		{"http localhost", "http://localhost:1", "k", "s", true},
		{"http remote", "http://api.comeet.co", "k", "s", false},
		{"http private address", "http://10.0.0.1", "k", "s", false},
		{"ftp", "ftp://api.comeet.co", "k", "s", false},
		{"no host", "https://", "k", "s", false},
		{"user in url", "https://u:p@api.comeet.co", "k", "s", false},
		{"unparsable", "https://%zz", "k", "s", false},
		{"empty key", "", "", "s", false},
		{"empty secret", "", "k", "", false},
		{"key with a newline", "", "k\n", "s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := comeet.NewClient(comeet.Config{BaseURL: tt.url, APIKey: tt.key, Secret: tt.secret})
			if (err == nil) != tt.ok {
				t.Errorf("got error %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		secret    string
		fault     *comeettest.Fault
		wantCause string
	}{
		{"ok", comeettest.DefaultAPIKey, comeettest.DefaultSecret, nil, ""},
		{"wrong key", "nope", comeettest.DefaultSecret, nil, comeet.CauseAPIKey},
		{"wrong secret", comeettest.DefaultAPIKey, "nope", nil, comeet.CauseSecret},
		{"expired", comeettest.DefaultAPIKey, comeettest.DefaultSecret,
			&comeettest.Fault{Kind: comeettest.FaultExpiredToken}, comeet.CauseClock},
		{"server error", comeettest.DefaultAPIKey, comeettest.DefaultSecret,
			&comeettest.Fault{Kind: comeettest.FaultServerError}, comeet.CauseServer},
		{"reset", comeettest.DefaultAPIKey, comeettest.DefaultSecret,
			&comeettest.Fault{Kind: comeettest.FaultReset}, comeet.CauseNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) { c.APIKey, c.Secret = tt.key, tt.secret })
			if tt.fault != nil {
				h.srv.Inject(*tt.fault)
			}
			err := h.client.Check(context.Background())
			var checkErr *comeet.CheckError
			switch {
			case tt.wantCause == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.wantCause != "" && !errors.As(err, &checkErr):
				t.Fatalf("got %v, want a CheckError", err)
			case tt.wantCause != "" && checkErr.Cause != tt.wantCause:
				t.Errorf("got cause %q (%v), want %q", checkErr.Cause, err, tt.wantCause)
			}
		})
	}
}

func TestCheckWrongURL(t *testing.T) {
	gone := comeettest.NewServer(comeettest.Options{})
	gone.Close() // nothing listens on its port any more
	other := comeettest.NewServer(comeettest.Options{})
	defer other.Close()
	tests := []struct{ name, url, wantCause string }{
		{"nothing listening", gone.URL, comeet.CauseNetwork},
		{"wrong path", other.URL + "/v9", comeet.CauseURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, err := comeet.NewClient(comeet.Config{BaseURL: tt.url, APIKey: "k", Secret: "s"})
			if err != nil {
				t.Fatal(err)
			}
			var checkErr *comeet.CheckError
			if err := client.Check(context.Background()); !errors.As(err, &checkErr) || checkErr.Cause != tt.wantCause {
				t.Errorf("got %v, want cause %s", err, tt.wantCause)
			}
		})
	}
}

// BenchmarkCreateCandidate6MB sends candidates with a 6 MiB resume from 8
// workers through the fake server in the same process, and reports the
// process's peak resident memory: streaming keeps it flat however many rows.
func BenchmarkCreateCandidate6MB(b *testing.B) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	client, err := comeet.NewClient(comeet.Config{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey,
		Secret: comeettest.DefaultSecret})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "cv.pdf")
	if err := os.WriteFile(path, bytes.Repeat([]byte("0123456789abcdef"), 6<<20/16), 0o600); err != nil {
		b.Fatal(err)
	}
	resume := &comeet.File{Name: "cv.pdf", Size: 6 << 20, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
	var next atomic.Int64
	b.SetBytes(6 << 20)
	b.SetParallelism(4) // 8 workers on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			cand := &comeet.Candidate{PositionUID: "1", FirstName: "A", LastName: "B", Resume: resume,
				PartnerCandidateID: fmt.Sprintf("p%d", next.Add(1))}
			if _, err := client.CreateCandidate(context.Background(), cand); err != nil {
				b.Error(err)
			}
		}
	})
	if kib, ok := peakRSSKiB(); ok {
		b.ReportMetric(float64(kib)/1024, "peak-rss-MiB")
	}
}

// peakRSSKiB reads the process's peak resident set (Linux only).
func peakRSSKiB() (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			_, err := fmt.Sscan(rest, &kib)
			return kib, err == nil
		}
	}
	return 0, false
}
