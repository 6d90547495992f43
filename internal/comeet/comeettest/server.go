package comeettest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Defaults of Options.
const (
	// DefaultAPIKey and DefaultSecret are the credentials the server accepts
	// when Options names none.
	DefaultAPIKey = "sandbox-key"
	DefaultSecret = "sandbox-secret"
	// DefaultMaxBodySize bounds a request body; larger ones get a 413.
	DefaultMaxBodySize = 64 << 20
)

// Candidate statuses. Only "In progress" blocks a second post of the same key.
const (
	StatusInProgress = "In progress"
	StatusRejected   = "Rejected"
	StatusHired      = "Hired"
)

// Codes the server answers beyond those Comeet documents.
const (
	CodeBadRequest      = "bad_request"       // the body is not JSON of the expected shape
	CodeRequestTooLarge = "request_too_large" // the body is over MaxBodySize
	CodeServerError     = "internal_error"    // an injected 5xx
)

// Options configures a Server. The zero value is a permissive server with
// the default credentials and no rate limit.
type Options struct {
	// Secret signs the accepted tokens (HS256); DefaultSecret when empty.
	Secret string
	// APIKeys are the accepted iss values; DefaultAPIKey when empty.
	APIKeys []string
	// Positions are the known position uids; nil accepts any, an unknown
	// one gets 404 position_not_found.
	Positions []string
	// CustomFields are the known custom field names; nil accepts any, an
	// unknown one gets 400 invalid_custom_candidate_field.
	CustomFields []string
	// Rate requests per Per, counted per api key in a rolling window; a
	// request over it gets 429 too_many_requests. Zero Rate means unlimited;
	// Per defaults to a minute.
	Rate int
	Per  time.Duration
	// RetryAfterHeader makes a rate-limit 429 carry Retry-After (the wait
	// until the window has room). Comeet documents none.
	RetryAfterHeader bool
	// Latency delays every answer.
	Latency time.Duration
	// MaxFileSize bounds each resume and file, decoded; over it is 403
	// file_size_limit. comeet.DefaultMaxFileSize (Comeet's documented
	// limit) when zero.
	MaxFileSize int64
	// MaxStringLength bounds the short text fields (names, ids, email,
	// phones, source contact, address parts) in characters; zero means no
	// limit. Comeet answers string_size_limit but publishes no limits.
	MaxStringLength int
	// CheckFileTypes refuses a resume or file whose extension is off the
	// reference's allow-list, and a picture that is not an image, with 400
	// invalid_file_type. Off by default: Comeet documents no code for it.
	CheckFileTypes bool
	// MaxBodySize bounds a body; DefaultMaxBodySize when zero.
	MaxBodySize int64
	// PageSize, when set, makes GET /candidates answer pages of that many
	// candidates as {"candidates": [...], "next_page": url}; zero answers
	// one bare array.
	PageSize int
	// PositionVisibility is the account admin's choice of the positions
	// the integration sees: VisibleAll (the default), VisibleNonDiscreet
	// or VisiblePublished. GET /positions lists only those; GET
	// /positions/{uid} answers 404 for the others.
	PositionVisibility string
	// WidePatch accepts the wide list of PATCH fields
	// (comeet.WidePatchFields); the narrow list otherwise. A field outside
	// the list gets 400 bad_request.
	WidePatch bool
	// MaliciousFiles are file names POST /candidates/{uid}/files refuses
	// with 403 malicious_file, as a company's security policy would.
	MaliciousFiles []string
	// Now is the clock for tokens, the rate window and timestamps.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.Secret == "" {
		o.Secret = DefaultSecret
	}
	if len(o.APIKeys) == 0 {
		o.APIKeys = []string{DefaultAPIKey}
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = comeet.DefaultMaxFileSize
	}
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = DefaultMaxBodySize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rate > 0 && o.Per <= 0 {
		o.Per = time.Minute
	}
}

// Server is a fake Comeet listening on a real TCP address. Its methods are
// safe for concurrent use.
type Server struct {
	// URL is the base URL, http://ip:port, to give comeet.Config.BaseURL.
	URL string

	opts              Options
	listener          net.Listener
	http              *http.Server
	keys              map[string]bool
	restrictPositions bool
	fields            map[string]bool

	closeMu  sync.RWMutex
	closed   bool
	inflight sync.WaitGroup

	mu       sync.Mutex
	state    state
	faults   []Fault
	random   *randomFaults
	received []Received
}

// NewServer starts a server on a free port of 127.0.0.1. It panics only if
// no loopback port can be had, as httptest.NewServer does.
func NewServer(opts Options) *Server {
	s, err := NewServerAt("127.0.0.1:0", opts)
	if err != nil {
		panic(fmt.Sprintf("comeettest: %v", err))
	}
	return s
}

// NewServerAt starts a server on addr ("127.0.0.1:8080", ":0"), for the
// sandbox command that serves it on a chosen address.
func NewServerAt(addr string, opts Options) (*Server, error) {
	opts.setDefaults()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := &Server{
		URL:               localURL(l.Addr()),
		opts:              opts,
		listener:          l,
		keys:              set(opts.APIKeys),
		restrictPositions: opts.Positions != nil,
		fields:            set(opts.CustomFields),
		state:             newState(),
	}
	for _, uid := range opts.Positions {
		s.putPositionLocked(Position{UID: uid, Name: uid, Status: comeet.PositionOpen, Published: true})
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(l) //nolint:errcheck // Serve ends with ErrServerClosed on Close
	return s, nil
}

// localURL is the base URL that reaches a server listening on addr from
// this machine. A server on every interface (0.0.0.0:8080, [::]:8080, as
// the sandbox in a container listens) is reached through the loopback
// address: the unspecified address is no place to send a request to, and
// the client takes plain http only to a loopback host.
func localURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Serve runs a server on addr until ctx ends, then closes it. Use
// NewServerAt instead to learn the URL of a ":0" address or to inspect the
// server while it runs.
func Serve(ctx context.Context, addr string, opts Options) error {
	s, err := NewServerAt(addr, opts)
	if err != nil {
		return fmt.Errorf("serve fake comeet: %w", err)
	}
	<-ctx.Done()
	s.Close()
	return nil
}

func set(values []string) map[string]bool {
	if values == nil {
		return nil
	}
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// Close stops the server: it closes the listener and every connection
// (which cancels slow answers) and returns once no request is being served.
func (s *Server) Close() {
	s.closeMu.Lock()
	already := s.closed
	s.closed = true
	s.closeMu.Unlock()
	if already {
		return
	}
	s.http.Close()
	s.inflight.Wait()
}

// ServeHTTP answers one request; the Server is an http.Handler, so it can be
// mounted elsewhere too.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		http.Error(w, "server closed", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.closeMu.RUnlock()
	defer s.inflight.Done()

	rec := Received{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.opts.Now(),
		ContentLength: r.ContentLength, Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	fault := s.takeFault()
	rec.Fault = fault.Kind
	// Reading the whole body first lets the server notice a client that
	// gives up during the delay, and then store nothing.
	ep := endpointOf(r.URL.Path)
	in := s.readBody(r, ep)
	rec.Candidate, rec.File = in.cand, in.file
	if in.patch != nil {
		rec.Fields = in.patch.keys
	}
	if err := fault.wait(r.Context(), s.opts.Latency); err != nil {
		s.record(rec)
		return
	}
	ans, faulted := s.faultAnswer(fault)
	if !faulted {
		ans = s.route(r, ep, in, &rec)
		rec.CandidateUID = ans.uid
		if fault.Kind == FaultLostReply && ans.status < 300 {
			ans = answerHTML(http.StatusBadGateway)
		}
		if fault.Kind == FaultAnswer {
			ans = rawAnswer(fault.Raw, ans.uid)
		}
	}
	rec.Status, rec.Code = ans.status, ans.code
	// The request is on record before the client can see an answer, so a
	// test that inspects the server after its client returns sees it.
	s.record(rec)
	if fault.Kind == FaultReset {
		reset(w)
		return
	}
	ans.write(w, s.opts.Now())
}

// route dispatches by method and path after the auth and rate checks:
// every call, whatever its endpoint, counts in the same rate window.
func (s *Server) route(r *http.Request, ep endpoint, in input, rec *Received) answer {
	if ep.kind == epNone {
		return answerError(http.StatusNotFound, comeet.CodeNotFound, "no such endpoint")
	}
	if !ep.allows(r.Method) {
		return answerError(http.StatusMethodNotAllowed, "method_not_allowed", "use "+strings.Join(ep.methods(), " or "))
	}
	key, ans, ok := s.authorize(r)
	rec.APIKey = key
	if !ok {
		return ans
	}
	if ans, ok := s.admit(key); !ok {
		return ans
	}
	if in.err != nil {
		return bodyError(in.err)
	}
	switch {
	case ep.kind == epCandidates && r.Method == http.MethodGet:
		return s.list(r)
	case ep.kind == epCandidates:
		return s.create(in.cand, key)
	case ep.kind == epCandidate && r.Method == http.MethodGet:
		return s.getCandidate(ep.uid)
	case ep.kind == epCandidate:
		return s.patch(ep.uid, in.patch)
	case ep.kind == epFiles && r.Method == http.MethodGet:
		return s.listFiles(ep.uid)
	case ep.kind == epFiles:
		return s.addFile(ep.uid, in.file)
	case ep.kind == epPositions:
		return s.listPositions(r)
	}
	return s.getPosition(ep.uid)
}

func bodyError(err error) answer {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return answerError(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, "request body too large")
	}
	return answerError(http.StatusBadRequest, CodeBadRequest, err.Error())
}

// create checks and stores one decoded candidate.
func (s *Server) create(cand *comeet.Candidate, key string) answer {
	if ans, ok := s.validate(cand); !ok {
		return ans
	}
	return s.store(cand, key)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
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
