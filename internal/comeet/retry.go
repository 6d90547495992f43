package comeet

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Retry defaults.
const (
	// DefaultMaxAttempts is how many times one candidate is sent at most.
	DefaultMaxAttempts = 5
	// DefaultBackoffBase is the wait after the first failed attempt, before jitter.
	DefaultBackoffBase = time.Second
	// DefaultBackoffMax caps the exponential wait between attempts.
	DefaultBackoffMax = 30 * time.Second
	// DefaultMaxRetryAfter caps a Retry-After the server asks for.
	DefaultMaxRetryAfter = 2 * time.Minute
)

// CheckRetryFunc decides whether a failed attempt is sent again. It gets the
// answer (resp, nil when there was none), the decoded APIError for a non-2xx
// answer, and the transport error. A non-nil error stops the retries and is
// returned instead of the attempt's own failure.
type CheckRetryFunc func(ctx context.Context, resp *http.Response, apiErr *APIError, err error) (bool, error)

// BackoffFunc returns how long to wait before the next attempt. attempt is the
// number of attempts made so far (1 after the first failure), retryAfter the
// server's Retry-After already capped (zero when none), and rand a uniform
// number in [0, 1) for jitter.
type BackoffFunc func(attempt int, retryAfter time.Duration, rand float64) time.Duration

// DefaultCheckRetry retries 429s, 5xx and 408 answers, timeouts, and
// connections that were reset, refused or closed before an answer. Anything
// else is final: a 4xx is the data's fault and will not change.
func DefaultCheckRetry(ctx context.Context, resp *http.Response, apiErr *APIError, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		return transientNetError(err), nil
	}
	if apiErr != nil {
		return apiErr.Retryable(), nil
	}
	return false, nil
}

// transientNetError reports a transport failure that may pass: a timeout, a
// reset, refused or aborted connection, or a connection closed mid-answer.
// DNS failures, TLS certificate errors and malformed requests are final.
func transientNetError(err error) bool {
	var certErr *x509.CertificateInvalidError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr) {
		return false
	}
	var fileErr *FileChangedError
	if errors.As(err, &fileErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	// The transport reports a connection that died before the answer in
	// words only.
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "server closed")
}

// DefaultBackoff honours retryAfter when the server sent one, and otherwise
// waits exponentially (DefaultBackoffBase doubled per attempt, capped at
// DefaultBackoffMax) with equal jitter: half the wait is fixed, half random,
// so workers that failed together do not come back together.
func DefaultBackoff(attempt int, retryAfter time.Duration, rand float64) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	wait := DefaultBackoffMax
	if attempt < 1 {
		attempt = 1
	}
	if shift := attempt - 1; shift < 30 {
		wait = min(DefaultBackoffBase<<shift, DefaultBackoffMax)
	}
	rand = min(max(rand, 0), 1)
	half := wait / 2
	return half + time.Duration(rand*float64(wait-half))
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
// A date in the past gives zero. ok is false for an empty or unreadable value.
func ParseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfterSeconds) {
			secs = maxRetryAfterSeconds
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// maxRetryAfterSeconds keeps a huge delay-seconds from overflowing a Duration.
const maxRetryAfterSeconds = 1 << 32

// notApplied reports a failure that proves the request had no effect on the
// server: a 429 (refused before any work), or no connection at all. A call
// that must not be repeated blindly (once) is retried only after these.
func notApplied(apiErr *APIError, err error) bool {
	if apiErr != nil {
		return apiErr.Throttled()
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED)
}
