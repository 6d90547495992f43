package comeet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
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
	// maxAnswerBody bounds how much of a 2xx answer is read (a page of a
	// list included).
	maxAnswerBody = 16 << 20
	// maxRedirects is how many redirects one request follows at most.
	maxRedirects = 3
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
	// DefaultMaxIdleConnsPerHost idle connections. Either way the client
	// follows only a redirect to the same host that keeps the method and
	// https (see checkRedirect).
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
	// Timer starts the time limit of one attempt: expired is closed when
	// the attempt must give up, and stop releases the timer. nil means a
	// timer of Timeout on the real clock; a test passes one it fires
	// itself, so that "this attempt timed out" never races the machine.
	Timer func(d time.Duration) (expired <-chan struct{}, stop func())
	// Logger gets one debug line per failed attempt: attempt number,
	// status, error code and wait. Never a credential or candidate data.
	Logger zerolog.Logger
	// Observe, when set, is called after every attempt, from the goroutine
	// that made it, with the answer's HTTP status (0 when none came) and
	// whether it was a 429. Adaptive pacing uses it to slow down before
	// the retry.
	Observe func(status int, throttled bool)
	// PatchFields are the fields UpdateCandidate may send
	// (NarrowPatchFields when nil; WidePatchFields is the other reading).
	PatchFields []string
}

// Client talks to Comeet's partner API: it creates, updates and reads
// candidates, adds their files and lists positions, every request paced by
// one limiter and retried by one policy. It is safe for concurrent use by
// many workers.
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
	timer         func(d time.Duration) (<-chan struct{}, func())
	log           zerolog.Logger
	observe       func(status int, throttled bool)
	patchFields   []string
}

// Reply is what one call came to (every page of a list included). It is
// filled in even when the call returns an error.
type Reply struct {
	// Created is Comeet's answer to a create or an update; nil unless the
	// call succeeded, and then its UID is never empty.
	Created *Created
	// Status is the HTTP status of the last attempt, 0 when it got no answer.
	Status int
	// Attempts counts the requests sent, retries and pages included.
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
		now: cfg.Now, rand: cfg.Rand, sleep: cfg.Sleep, timer: cfg.Timer, log: cfg.Logger,
		observe: cfg.Observe, patchFields: slices.Clone(cfg.PatchFields),
	}
	c.setDefaults()
	c.tokens = newTokenSource(cfg.APIKey, cfg.Secret, c.now)
	return c, nil
}

func (c *Client) setDefaults() {
	if c.http == nil {
		c.http = newHTTPClient()
	} else {
		c.http = withRedirectPolicy(c.http)
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
	if c.patchFields == nil {
		c.patchFields = NarrowPatchFields
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.timer == nil {
		c.timer = realTimer
	}
}

// realTimer is the attempt timer on the real clock.
func realTimer(d time.Duration) (<-chan struct{}, func()) {
	expired := make(chan struct{})
	t := time.AfterFunc(d, func() { close(expired) })
	return expired, func() { t.Stop() }
}

// errAttemptTimeout ends an attempt that ran out of time. It wraps
// context.DeadlineExceeded, so the retry policy treats it as a timeout.
var errAttemptTimeout = fmt.Errorf("attempt timed out: %w", context.DeadlineExceeded)

// withAttemptLimit returns ctx limited to one attempt's time: when the
// timer expires, the context is cancelled with errAttemptTimeout as its
// cause.
func (c *Client) withAttemptLimit(ctx context.Context) (context.Context, func()) {
	actx, cancel := context.WithCancelCause(ctx)
	expired, stop := c.timer(c.timeout)
	done := make(chan struct{})
	go func() {
		select {
		case <-expired:
			cancel(errAttemptTimeout)
		case <-done:
		}
	}()
	return actx, func() {
		close(done)
		stop()
		cancel(nil)
	}
}

func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * DefaultMaxIdleConnsPerHost
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
}

// withRedirectPolicy returns a copy of a caller's client that follows
// redirects by checkRedirect, whatever its own policy.
func withRedirectPolicy(hc *http.Client) *http.Client {
	own := *hc
	own.CheckRedirect = checkRedirect
	return &own
}

// checkRedirect follows a redirect only to the same host, keeping the
// method (a 307 or 308; a 301 or 302 would turn a POST into a GET) and
// https; anything else is answered to the caller as an APIError with its
// Location: a redirect from the API means a wrong base URL, and following
// it to another host would hand it the token and the candidate.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case len(via) > maxRedirects,
		!strings.EqualFold(req.URL.Host, first.URL.Host),
		req.Method != first.Method,
		first.URL.Scheme == "https" && req.URL.Scheme != "https",
		req.URL.Scheme != "https" && req.URL.Scheme != "http":
		return http.ErrUseLastResponse
	}
	return nil
}

// CheckBaseURL says why a base URL is not acceptable (user information,
// a scheme other than https, plain http to a host that is not loopback),
// without quoting a password it may hold; nil when it is. A run checks it
// before it creates anything.
func CheckBaseURL(raw string) error {
	_, err := checkBaseURL(raw)
	return err
}

// checkBaseURL returns the base URL without a trailing slash, or why it is
// not acceptable.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the text, which may hold a password
		}
		return "", fmt.Errorf("base url: not a URL: %w", err)
	}
	switch {
	case u.Host == "":
		return "", fmt.Errorf("base url %q: no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("base url %q: credentials in the url are not allowed", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("base url %q: a query or fragment is not allowed", raw)
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopbackHost(u.Hostname()):
	case u.Scheme == "http":
		return "", fmt.Errorf("base url %q: https is required (plain http only to a loopback host)", raw)
	default:
		return "", fmt.Errorf("base url %q: scheme %q is not https", raw, u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
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
// *APIError when Comeet answered (a 409 conflict included), an
// *UncertainError when a 2xx came that is not a candidate with a uid (it is
// not retried: the candidate may exist), a *FileChangedError when a file
// changed on disk, or the context's error when ctx ended first.
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
	res, err := c.do(ctx, request{op: "post candidate", method: http.MethodPost, path: "/candidates", body: b,
		beforeSend: o.beforeSend, beforeRetry: o.beforeRetry}, &reply)
	if err != nil {
		return reply, err
	}
	reply.Created, err = decodeCandidate(res.status, res.resp.Header, res.data)
	if err != nil {
		return reply, fmt.Errorf("post candidate: %w", err)
	}
	return reply, nil
}

// request is one API call: what to send, and whether it may be sent again
// after a failure that leaves its effect unknown.
type request struct {
	op                  string // names the call in errors: "post candidate"
	method, path, query string
	body                *body
	// once marks a call that nothing on the server deduplicates (a file
	// added): after a failure it is sent again only when the answer proves
	// it was not applied (a 429, a refused token, no connection).
	once bool
	// beforeSend runs once, after the rate limiter let the first attempt
	// go and before it leaves (BeforeSend).
	beforeSend func(ctx context.Context) error
	// beforeRetry runs before an attempt is sent again after one that may
	// have been applied (BeforeRetry).
	beforeRetry func(ctx context.Context) error
}

// takeBeforeSend returns the hook once: only the first attempt runs it.
func (rq *request) takeBeforeSend() func(ctx context.Context) error {
	fn := rq.beforeSend
	rq.beforeSend = nil
	return fn
}

// do sends the request, retrying by the client's policy, and returns the
// 2xx answer or the last failure, prefixed with the call's name.
func (c *Client) do(ctx context.Context, rq request, reply *Reply) (attemptResult, error) {
	reauthorized := false
	for tries := 1; ; tries++ {
		res, err := c.attempt(ctx, rq.method, rq.path, rq.query, rq.body, reply, rq.takeBeforeSend())
		if err != nil {
			return res, fmt.Errorf("%s: %w", rq.op, err)
		}
		if res.err == nil && res.apiErr == nil {
			return res, nil
		}
		if res.apiErr != nil && res.apiErr.tokenRejected() && !reauthorized {
			reauthorized = true
			c.tokens.Invalidate(res.token)
			tries--
			continue
		}
		if rq.once && !notApplied(res.apiErr, res.err) {
			return res, c.finalError(rq.op, tries, res.failure())
		}
		wait, err := c.nextWait(ctx, tries, res)
		if err != nil {
			return res, c.finalError(rq.op, tries, err)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return res, fmt.Errorf("%s: wait to retry: %w", rq.op, err)
		}
		if rq.beforeRetry != nil && !notApplied(res.apiErr, res.err) {
			if err := rq.beforeRetry(ctx); err != nil {
				return res, fmt.Errorf("%s: %w", rq.op, err)
			}
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

func (c *Client) finalError(op string, tries int, err error) error {
	if tries > 1 {
		return fmt.Errorf("%s: %d attempts: %w", op, tries, err)
	}
	return fmt.Errorf("%s: %w", op, err)
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
	beforeSend, beforeRetry func(ctx context.Context) error
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

// BeforeRetry has CreateCandidate call fn before it sends the candidate
// again after an attempt that may have created it (no answer, a 5xx, an
// answer cut short): fn looks for the candidate that attempt may have
// made. When fn returns an error, nothing more is sent and CreateCandidate
// returns it (wrapped), so that a candidate found is not created twice.
func BeforeRetry(fn func(ctx context.Context) error) CreateOption {
	return func(o *createOptions) { o.beforeRetry = fn }
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
	actx, cancel := c.withAttemptLimit(ctx)
	defer cancel()
	req, src, err := c.newRequest(actx, method, path, query, token, b)
	if err != nil {
		return attemptResult{err: err, token: token}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if bodyErr := src.Err(); bodyErr != nil {
			err = bodyErr
		} else if cause := context.Cause(actx); errors.Is(cause, errAttemptTimeout) {
			// Not the transport's "context canceled": a timeout is no
			// interruption.
			err = fmt.Errorf("%w after %s", cause, c.timeout)
		}
		return attemptResult{err: err, token: token}
	}
	defer resp.Body.Close()
	res := attemptResult{status: resp.StatusCode, resp: resp, token: token}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// A body cut short is judged by the caller: for a create it is an
		// uncertain outcome, never a success without a uid.
		res.data, _ = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBody))
		return res
	}
	res.apiErr = readAPIError(resp.StatusCode, resp.Header, resp.Body, c.now())
	if res.apiErr.Location != "" {
		if loc, err := resp.Location(); err == nil {
			res.apiErr.Location = loc.Redacted()
		}
	}
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
