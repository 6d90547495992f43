package comeet

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestDefaultCheckRetry(t *testing.T) {
	urlErr := func(err error) error { return &url.Error{Op: "Post", URL: "https://x", Err: err} }
	tests := []struct {
		name   string
		apiErr *APIError
		err    error
		want   bool
	}{
		{"429", &APIError{Status: 429, Code: CodeTooManyRequests}, nil, true},
		{"429 without code", &APIError{Status: 429}, nil, true},
		{"503 json", &APIError{Status: 503, Code: "internal_error"}, nil, true},
		{"502 html", &APIError{Status: 502, Body: "<html>"}, nil, true},
		{"500", &APIError{Status: 500}, nil, true},
		{"408", &APIError{Status: 408}, nil, true},
		{"400 required_field", &APIError{Status: 400, Code: CodeRequiredField}, nil, false},
		{"401 duplicate_candidate", &APIError{Status: 401, Code: CodeDuplicateCandidate}, nil, false},
		{"401 unknown key", &APIError{Status: 401, Code: CodeUnknownAPIKey}, nil, false},
		{"403 file_size_limit", &APIError{Status: 403, Code: CodeFileSizeLimit}, nil, false},
		{"404 position", &APIError{Status: 404, Code: CodePositionNotFound}, nil, false},
		{"409 conflict", &APIError{Status: 409, Code: CodeCandidatePostConflict}, nil, false},
		{"data code on a 5xx", &APIError{Status: 500, Code: CodeInvalidEmail}, nil, false},
		{"timeout", nil, urlErr(context.DeadlineExceeded), true},
		{"reset", nil, urlErr(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), true},
		{"refused", nil, urlErr(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), true},
		{"eof", nil, urlErr(io.EOF), true},
		{"unexpected eof", nil, urlErr(io.ErrUnexpectedEOF), true},
		{"no such host", nil, urlErr(&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}), false},
		{"dns timeout", nil, urlErr(&net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}), true},
		{"bad certificate", nil, urlErr(x509.UnknownAuthorityError{}), false},
		{"file changed", nil, urlErr(&FileChangedError{Name: "a", Size: 1}), false},
		{"unknown", nil, errors.New("something else"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultCheckRetry(context.Background(), nil, tt.apiErr, tt.err)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got retry %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultCheckRetryCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	retry, err := DefaultCheckRetry(ctx, nil, &APIError{Status: 503}, nil)
	if retry || !errors.Is(err, context.Canceled) {
		t.Errorf("got (%v, %v), want (false, context.Canceled)", retry, err)
	}
}

func TestDefaultCheckRetry2xx(t *testing.T) {
	retry, err := DefaultCheckRetry(context.Background(), &http.Response{StatusCode: 201}, nil, nil)
	if retry || err != nil {
		t.Errorf("got (%v, %v), want (false, nil)", retry, err)
	}
}

func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt    int
		retryAfter time.Duration
		rand       float64
		want       time.Duration
	}{
		{1, 0, 0, 500 * time.Millisecond},
		{1, 0, 0.5, 750 * time.Millisecond},
		{1, 0, 1, time.Second},
		{2, 0, 0, time.Second},
		{3, 0, 1, 4 * time.Second},
		{5, 0, 0, 8 * time.Second},
		{6, 0, 1, 30 * time.Second}, // 32s capped
		{100, 0, 0, 15 * time.Second},
		{0, 0, 0, 500 * time.Millisecond},
		{1, 0, -3, 500 * time.Millisecond},
		{2, 7 * time.Second, 0.9, 7 * time.Second},
		{4, 90 * time.Second, 0, 90 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("attempt %d retry-after %v rand %v", tt.attempt, tt.retryAfter, tt.rand), func(t *testing.T) {
			if got := DefaultBackoff(tt.attempt, tt.retryAfter, tt.rand); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h      string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"5", 5 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Saturday, 01-Mar-25 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Sat Mar  1 12:00:10 2025", 10 * time.Second, true},    // asctime
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0, true},              // in the past
		{"99999999999999", maxRetryAfterSeconds * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.h, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got (%v, %v), want (%v, %v)", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"5", "Sat, 01 Mar 2025 12:00:30 GMT", "-3", "", "9223372036854775807"} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, h string) {
		d, ok := ParseRetryAfter(h, now)
		if d < 0 || (!ok && d != 0) {
			t.Errorf("ParseRetryAfter(%q) = (%v, %v)", h, d, ok)
		}
	})
}
