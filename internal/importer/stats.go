package importer

import (
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// stats counts what the workers sent, to tell how much of the rate budget
// the run used.
type stats struct {
	mu        sync.Mutex
	first     time.Time
	last      time.Time
	requests  int
	throttled int
	// byKind splits requests by what they were for.
	byKind report.Requests
}

// The kinds of request a run sends, all from the same budget.
type requestKind int

const (
	requestCreate   requestKind = iota // POST /candidates
	requestUpdate                      // PATCH /candidates/{uid}
	requestFile                        // POST /candidates/{uid}/files
	requestPosition                    // GET /positions, GET /positions/{uid}
	requestSearch                      // GET /candidates and /candidates/{uid}[/files]: a lost answer looked for
)

// add counts n requests of kind k in r.
func (k requestKind) add(r *report.Requests, n int) {
	switch k {
	case requestCreate:
		r.Create += n
	case requestUpdate:
		r.Update += n
	case requestFile:
		r.Files += n
	case requestPosition:
		r.Positions += n
	case requestSearch:
		r.Search += n
	}
}

func (s *stats) started(now time.Time) {
	s.mu.Lock()
	if s.first.IsZero() {
		s.first = now
	}
	s.mu.Unlock()
}

// finished counts a create's requests; finishedAs those of another kind.
func (s *stats) finished(now time.Time, reply comeet.Reply) {
	s.finishedAs(requestCreate, now, reply)
}

func (s *stats) finishedAs(k requestKind, now time.Time, reply comeet.Reply) {
	s.mu.Lock()
	s.last = now
	s.requests += reply.Attempts
	s.throttled += reply.Throttled
	k.add(&s.byKind, reply.Attempts)
	s.mu.Unlock()
}

// sent returns the requests so far, in all and by kind.
func (s *stats) sent() (int, report.Requests) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.byKind
}

// throttledSoFar is the number of answers so far that said to slow down.
func (s *stats) throttledSoFar() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// budgetUsed is the share of the allowed rate used between the first
// request and the last answer. A run sends its first request at once, so
// n requests paced perfectly span (n-1) intervals: that is the ideal.
func (s *stats) budgetUsed(r pace.Rate) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Unlimited() || s.requests == 0 {
		return 0
	}
	span := s.last.Sub(s.first).Seconds()
	ideal := float64(s.requests-1) / r.PerSecond()
	if span <= 0 || ideal >= span {
		return 1
	}
	return ideal / span
}
