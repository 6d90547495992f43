package comeettest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// FaultKind is a way for the server to misbehave.
type FaultKind int

// The faults a Server can be told to produce.
const (
	FaultNone FaultKind = iota
	// FaultServerError answers Status (503 when zero) with a JSON error
	// body, or with an HTML page when HTML is set.
	FaultServerError
	// FaultThrottle answers 429 too_many_requests, with a Retry-After
	// header when RetryAfter is set.
	FaultThrottle
	// FaultReset closes the connection without answering.
	FaultReset
	// FaultSlow waits Delay (or until the client gives up), then answers
	// normally.
	FaultSlow
	// FaultHTMLPage answers 502 with a gateway's text/html page.
	FaultHTMLPage
	// FaultExpiredToken answers 401 token_expired whatever the token.
	FaultExpiredToken
	// FaultLostReply handles the request normally (the candidate IS
	// created) but answers 502: the client cannot know it succeeded.
	FaultLostReply
	// FaultHold keeps the request waiting until Release is closed, then
	// answers normally. A client that gives up first (its attempt timed
	// out, or it was cancelled) leaves nothing stored. It is the gate a
	// test holds a "slow" server at instead of racing a deadline.
	FaultHold
	// FaultAnswer answers Raw instead of the request (a proxy's page, a
	// redirect, a huge 409), or, with Apply, handles the request normally
	// first (the candidate IS created) and then answers Raw.
	FaultAnswer
)

var faultNames = map[FaultKind]string{
	FaultNone: "none", FaultServerError: "server-error", FaultThrottle: "throttle",
	FaultReset: "reset", FaultSlow: "slow", FaultHTMLPage: "html-page",
	FaultExpiredToken: "expired-token", FaultLostReply: "lost-reply",
	FaultHold: "hold", FaultAnswer: "answer",
}

func (k FaultKind) String() string {
	if name, ok := faultNames[k]; ok {
		return name
	}
	return "unknown"
}

// Fault is a misbehaviour for the next Count requests.
type Fault struct {
	Kind FaultKind
	// Count is how many requests it applies to; zero means one.
	Count int
	// Status is FaultServerError's status; 503 when zero.
	Status int
	// HTML makes FaultServerError answer an HTML page.
	HTML bool
	// RetryAfter is FaultThrottle's Retry-After header value (seconds or an
	// HTTP date); empty sends none.
	RetryAfter string
	// Delay is FaultSlow's wait.
	Delay time.Duration
	// Release ends FaultHold's wait when it is closed; a nil Release holds
	// the request until the client gives up or the server closes.
	Release <-chan struct{}
	// Arrived, when set, is called once per request that takes this fault,
	// as soon as its body has been read: a test learns that the request is
	// in the server's hands without polling.
	Arrived func()
	// Raw is FaultAnswer's answer; Apply handles the request first.
	Raw   RawAnswer
	Apply bool
}

// RawAnswer is an answer given as is. Its body may hold {{uid}}, replaced
// by the uid of the candidate the request created or named (with Apply).
type RawAnswer struct {
	Status      int
	ContentType string
	Header      http.Header
	Body        []byte
}

func (f Fault) delay() time.Duration {
	if f.Kind == FaultSlow {
		return f.Delay
	}
	return 0
}

// wait holds a request as the fault says, on top of the server's latency:
// FaultSlow for its Delay, FaultHold until Release. It returns ctx's error
// when the client gave up (or the server closed) first.
func (f Fault) wait(ctx context.Context, latency time.Duration) error {
	if f.Arrived != nil {
		f.Arrived()
	}
	if err := sleep(ctx, latency+f.delay()); err != nil {
		return err
	}
	if f.Kind != FaultHold {
		return nil
	}
	select {
	case <-f.Release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Inject queues faults. Every request, whatever its path, takes the next one
// from the queue until the queue is empty; then the random faults, if any,
// apply.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		f.Count = max(f.Count, 1)
		s.faults = append(s.faults, f)
	}
}

// ClearFaults empties the queue and turns random faults off.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.random = nil, nil
}

// PendingFaults is how many requests the queued faults still apply to.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Count
	}
	return n
}

// RandomFaults makes every request misbehave with the given probabilities
// (each in [0, 1], their sum at most 1), drawn from a generator seeded with
// Seed, so a soak test is repeatable in the order requests arrive.
type RandomFaults struct {
	Seed                                  int64
	P5xx, PReset, P429, PSlow, PLostReply float64
	Slow                                  time.Duration // FaultSlow's delay; 100ms when zero
	RetryAfter                            string        // the 429s' Retry-After; none when empty
}

// DefaultRandomSlow is the delay of a random FaultSlow.
const DefaultRandomSlow = 100 * time.Millisecond

type randomFaults struct {
	cfg RandomFaults
	rng *rand.Rand
}

// SetRandomFaults turns random faults on; the zero RandomFaults turns them off.
func (s *Server) SetRandomFaults(rf RandomFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rf.P5xx+rf.PReset+rf.P429+rf.PSlow+rf.PLostReply <= 0 {
		s.random = nil
		return
	}
	if rf.Slow <= 0 {
		rf.Slow = DefaultRandomSlow
	}
	seed := uint64(rf.Seed)
	s.random = &randomFaults{cfg: rf, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (rf *randomFaults) pick() Fault {
	x := rf.rng.Float64()
	for _, c := range []struct {
		p float64
		f Fault
	}{
		{rf.cfg.P5xx, Fault{Kind: FaultServerError, Status: http.StatusServiceUnavailable}},
		{rf.cfg.PReset, Fault{Kind: FaultReset}},
		{rf.cfg.P429, Fault{Kind: FaultThrottle, RetryAfter: rf.cfg.RetryAfter}},
		{rf.cfg.PSlow, Fault{Kind: FaultSlow, Delay: rf.cfg.Slow}},
		{rf.cfg.PLostReply, Fault{Kind: FaultLostReply}},
	} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return Fault{}
}

// takeFault returns the fault for the request now arriving.
func (s *Server) takeFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) > 0 {
		f := s.faults[0]
		if s.faults[0].Count--; s.faults[0].Count == 0 {
			s.faults = s.faults[1:]
		}
		return f
	}
	if s.random != nil {
		return s.random.pick()
	}
	return Fault{}
}

// faultAnswer is the answer the fault gives, or ok false when the fault
// leaves the answering to the normal path. A reset has no answer: the
// caller closes the connection instead.
func (s *Server) faultAnswer(f Fault) (a answer, ok bool) {
	switch f.Kind {
	case FaultServerError:
		return s.serverError(f), true
	case FaultThrottle:
		s.mu.Lock()
		s.state.count429++
		s.mu.Unlock()
		a = s.throttled()
		a.retryAfter = f.RetryAfter
		return a, true
	case FaultHTMLPage:
		return answerHTML(http.StatusBadGateway), true
	case FaultExpiredToken:
		return answerError(http.StatusUnauthorized, comeet.CodeTokenExpired, "token expired"), true
	case FaultReset:
		return answer{}, true
	case FaultAnswer:
		if !f.Apply {
			return rawAnswer(f.Raw, ""), true
		}
	}
	return answer{}, false
}

func rawAnswer(r RawAnswer, uid string) answer {
	return answer{status: r.Status, contentType: r.ContentType, header: r.Header,
		body: bytes.ReplaceAll(r.Body, []byte("{{uid}}"), []byte(uid)), uid: uid}
}

func (s *Server) serverError(f Fault) answer {
	status := f.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	if f.HTML {
		return answerHTML(status)
	}
	return answerError(status, CodeServerError, "injected server error")
}
