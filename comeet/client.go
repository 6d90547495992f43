package comeet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Client defaults.
const (
	// DefaultBaseURL is Comeet's API.
	DefaultBaseURL = "https://api.comeet.co"
	// DefaultTimeout bounds one attempt: connecting, sending the body and
	// reading the answer.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxIdleConnsPerHost keeps a connection per worker alive between
	// requests, for well over any sensible number of workers.
	DefaultMaxIdleConnsPerHost = 64
	// maxAnswerBody bounds how much of a 2xx answer is read.
	maxAnswerBody = 1 << 20
)

// Waiter paces requests. *rate.Limiter from golang.org/x/time/rate satisfies
// it; one Waiter is shared by every worker so they share one budget.
type Waiter interface {
	Wait(ctx context.Context) error
}

// Config configures a Client. Only APIKey and Secret are required.
type Config struct {
	// BaseURL is the API root; empty means DefaultBaseURL. It must be https
	// unless the host is a loopback address (the fake server in tests).
	BaseURL string
	// APIKey is the customer's key (the token's iss); Secret is the
	// partner secret the token is signed with. Neither is ever logged.
	APIKey, Secret string
	// HTTPClient sends the requests; nil means one with keep-alive and
	// DefaultMaxIdleConnsPerHost idle connections, that follows no redirect.
	HTTPClient *http.Client
	// Limiter is waited on before every attempt, retries included; nil
	// means unpaced.
	Limiter Waiter
	// MaxAttempts is how many times one candidate is sent at most
	// (DefaultMaxAttempts when zero). A resend with a fresh token after a
	// 401 is not counted.
	MaxAttempts int
	// Timeout bounds each attempt (DefaultTimeout when zero).
	Timeout time.Duration
	// CheckRetry and Backoff are the retry policy (DefaultCheckRetry and
	// DefaultBackoff when nil).
	CheckRetry CheckRetryFunc
	Backoff    BackoffFunc
	// MaxRetryAfter caps a Retry-After the server asks for
	// (DefaultMaxRetryAfter when zero).
	MaxRetryAfter time.Duration
	// Now, Rand and Sleep are the clock, the jitter source and the wait
	// between attempts; nil means time.Now, math/rand/v2 and a timer that
	// stops when ctx is done.
	Now   func() time.Time
	Rand  func() float64
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets one debug line per failed attempt: attempt number,
	// status, error code and wait. Never a credential or candidate data.
	Logger zerolog.Logger
	// Observe, when set, is called after every attempt, from the goroutine
	// that made it, with the answer's HTTP status (0 when none came) and
	// whether it was a 429. Adaptive pacing uses it to slow down before
	// the retry.
	Observe func(status int, throttled bool)
}

// Client sends candidates to Comeet. It is safe for concurrent use by many
// workers.
type Client struct {
	endpoint      string // BaseURL without a trailing slash
	http          *http.Client
	tokens        *tokenSource
	limiter       Waiter
	maxAttempts   int
	timeout       time.Duration
	checkRetry    CheckRetryFunc
	backoff       BackoffFunc
	maxRetryAfter time.Duration
	now           func() time.Time
	rand          func() float64
	sleep         func(ctx context.Context, d time.Duration) error
	log           zerolog.Logger
	observe       func(status int, throttled bool)
}

// Reply is what sending one candidate came to. It is filled in even when
// CreateCandidate returns an error.
type Reply struct {
	// Created is Comeet's answer; its UID is empty when a 2xx came with a
	// body that could not be read.
	Created *Created
	// Status is the HTTP status of the last attempt, 0 when it got no answer.
	Status int
	// Attempts counts the requests sent.
	Attempts int
	// Throttled counts the 429 answers among them.
	Throttled int
}

// NewClient checks cfg and returns a Client. It fails for a missing key or
// secret and for a base URL that is not https (plain http is allowed only to
// a loopback host).
func NewClient(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	endpoint, err := checkBaseURL(base)
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	if err := checkCredential("api key", cfg.APIKey); err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	if err := checkCredential("secret", cfg.Secret); err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	c := &Client{
		endpoint: endpoint, http: cfg.HTTPClient, limiter: cfg.Limiter,
		maxAttempts: cfg.MaxAttempts, timeout: cfg.Timeout,
		checkRetry: cfg.CheckRetry, backoff: cfg.Backoff, maxRetryAfter: cfg.MaxRetryAfter,
		now: cfg.Now, rand: cfg.Rand, sleep: cfg.Sleep, log: cfg.Logger,
		observe: cfg.Observe,
	}
	c.setDefaults()
	c.tokens = newTokenSource(cfg.APIKey, cfg.Secret, c.now)
	return c, nil
}

func (c *Client) setDefaults() {
	if c.http == nil {
		c.http = newHTTPClient()
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.checkRetry == nil {
		c.checkRetry = DefaultCheckRetry
	}
	if c.backoff == nil {
		c.backoff = DefaultBackoff
	}
	if c.maxRetryAfter <= 0 {
		c.maxRetryAfter = DefaultMaxRetryAfter
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
}

func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * DefaultMaxIdleConnsPerHost
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	return &http.Client{
		Transport: t,
		// A redirect from the API means a wrong base URL; following it
		// would turn a POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkBaseURL returns the base URL without a trailing slash, or why it is
// not acceptable.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base url: %w", err)
	}
	switch {
	case u.Host == "":
		return "", fmt.Errorf("base url %q: no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("base url %q: credentials in the url are not allowed", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("base url %q: a query or fragment is not allowed", raw)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return "", fmt.Errorf("base url %q: https is required (plain http only to a loopback host)", raw)
	default:
		return "", fmt.Errorf("base url %q: scheme %q is not https", raw, u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkCredential(name, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty", name)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("%s has leading or trailing white space", name)
	}
	return nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// CreateCandidate posts one candidate, retrying by the client's policy. It
// returns the created candidate, or the last failure: errors.As finds an
// *APIError when Comeet answered (a 409 conflict included), a
// *FileChangedError when a file changed on disk, or the context's error
// when ctx ended first.
func (c *Client) CreateCandidate(ctx context.Context, cand *Candidate, opts ...CreateOption) (Reply, error) {
	var reply Reply
	var o createOptions
	for _, opt := range opts {
		opt(&o)
	}
	b, err := cand.body()
	if err != nil {
		return reply, fmt.Errorf("post candidate: %w", err)
	}
	reauthorized := false
	for tries := 1; ; tries++ {
		res, err := c.attempt(ctx, http.MethodPost, "/candidates", "", b, &reply, o.takeBeforeSend())
		if err != nil {
			return reply, fmt.Errorf("post candidate: %w", err)
		}
		if res.err == nil && res.apiErr == nil {
			reply.Created = decodeCreated(res.data)
			return reply, nil
		}
		if res.apiErr != nil && res.apiErr.tokenRejected() && !reauthorized {
			reauthorized = true
			c.tokens.Invalidate(res.token)
			tries--
			continue
		}
		wait, err := c.nextWait(ctx, tries, res)
		if err != nil {
			return reply, c.finalError(tries, err)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return reply, fmt.Errorf("post candidate: wait to retry: %w", err)
		}
	}
}

// nextWait asks the policy whether to try again and how long to wait; an
// error means stop, and is the error to return.
func (c *Client) nextWait(ctx context.Context, tries int, res attemptResult) (time.Duration, error) {
	failure := res.failure()
	retry, err := c.checkRetry(ctx, res.resp, res.apiErr, res.err)
	switch {
	case err != nil:
		return 0, errors.Join(err, failure)
	case !retry || tries >= c.maxAttempts:
		return 0, failure
	}
	var retryAfter time.Duration
	if res.apiErr != nil {
		retryAfter = min(res.apiErr.RetryAfter, c.maxRetryAfter)
	}
	wait := c.backoff(tries, retryAfter, c.rand())
	c.log.Debug().Int("attempt", tries).Int("status", res.status).Str("code", res.code()).
		Dur("wait", wait).Msg("comeet: attempt failed, retrying")
	return wait, nil
}

func (c *Client) finalError(tries int, err error) error {
	if tries > 1 {
		return fmt.Errorf("post candidate: %d attempts: %w", tries, err)
	}
	return fmt.Errorf("post candidate: %w", err)
}

// attemptResult is one request's outcome. err is a failure to get an answer
// (transport, timeout, a file that changed); apiErr a non-2xx answer.
type attemptResult struct {
	status int
	resp   *http.Response // body already closed
	data   []byte         // the 2xx body
	apiErr *APIError
	err    error
	token  string
}

func (r attemptResult) failure() error {
	if r.apiErr != nil {
		return r.apiErr
	}
	return r.err
}

func (r attemptResult) code() string {
	if r.apiErr != nil {
		return r.apiErr.Code
	}
	return ""
}

// CreateOption adjusts one CreateCandidate call.
type CreateOption func(*createOptions)

type createOptions struct {
	beforeSend func(ctx context.Context) error
}

// takeBeforeSend returns the hook once: it runs before the first attempt
// only.
func (o *createOptions) takeBeforeSend() func(ctx context.Context) error {
	fn := o.beforeSend
	o.beforeSend = nil
	return fn
}

// BeforeSend has CreateCandidate call fn once, after the rate limiter let
// the first attempt go and right before its request leaves: the importer
// records there that the row is about to be sent, so that a row that only
// waited for the limiter is never counted as sent. When fn fails, nothing
// is sent and CreateCandidate returns fn's error (wrapped), with 0
// attempts.
func BeforeSend(fn func(ctx context.Context) error) CreateOption {
	return func(o *createOptions) { o.beforeSend = fn }
}

// attempt waits for the limiter, runs before (when not nil) and sends one
// request, counting it in reply. The returned error is the limiter's (ctx
// ended) or before's: no request was sent.
func (c *Client) attempt(ctx context.Context, method, path, query string, b *body, reply *Reply, before func(context.Context) error) (attemptResult, error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return attemptResult{}, fmt.Errorf("wait for rate limiter: %w", err)
		}
	}
	if before != nil {
		if err := before(ctx); err != nil {
			return attemptResult{}, fmt.Errorf("before sending: %w", err)
		}
	}
	reply.Attempts++
	res := c.send(ctx, method, path, query, b)
	reply.Status = res.status
	throttled := res.apiErr != nil && res.apiErr.Throttled()
	if throttled {
		reply.Throttled++
	}
	if c.observe != nil {
		c.observe(res.status, throttled)
	}
	return res, nil
}

// send makes one request under the per-attempt timeout and reads its answer.
func (c *Client) send(ctx context.Context, method, path, query string, b *body) attemptResult {
	token, err := c.tokens.Token()
	if err != nil {
		return attemptResult{err: err}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, src, err := c.newRequest(actx, method, path, query, token, b)
	if err != nil {
		return attemptResult{err: err, token: token}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if bodyErr := src.Err(); bodyErr != nil {
			err = bodyErr
		}
		return attemptResult{err: err, token: token}
	}
	defer resp.Body.Close()
	res := attemptResult{status: resp.StatusCode, resp: resp, token: token}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// The candidate exists whatever happens to the rest of the body.
		res.data, _ = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBody))
		return res
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	res.apiErr = DecodeAPIError(resp.StatusCode, resp.Header, data, c.now())
	return res
}

func (c *Client) newRequest(ctx context.Context, method, path, query, token string, b *body) (*http.Request, *bodySource, error) {
	u := c.endpoint + path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	src := &bodySource{b: b}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = b.length
		req.GetBody = src.GetBody
		req.Body, _ = src.GetBody()
	}
	return req, src, nil
}

// bodySource hands the transport a fresh reader of the body for every send
// and remembers the last, so a file error is reported as itself.
type bodySource struct {
	b    *body
	mu   sync.Mutex
	last *bodyReader
}

func (s *bodySource) GetBody() (io.ReadCloser, error) {
	r := s.b.reader()
	s.mu.Lock()
	s.last = r
	s.mu.Unlock()
	return r, nil
}

// Err is the error the last body reader met, if any.
func (s *bodySource) Err() error {
	s.mu.Lock()
	r := s.last
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Err()
}

// decodeCreated reads a 2xx body; one that is empty or not JSON still means
// the candidate was created, with its uid unknown.
func decodeCreated(data []byte) *Created {
	var created Created
	if err := json.Unmarshal(data, &created); err != nil {
		return &Created{}
	}
	return &created
}
