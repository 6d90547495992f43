package importer

import (
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/comeet"
)

// stats counts what the workers sent, to tell how much of the rate budget
// the run used.
type stats struct {
	mu        sync.Mutex
	first     time.Time
	last      time.Time
	requests  int
	throttled int
}

func (s *stats) started(now time.Time) {
	s.mu.Lock()
	if s.first.IsZero() {
		s.first = now
	}
	s.mu.Unlock()
}

func (s *stats) finished(now time.Time, reply comeet.Reply) {
	s.mu.Lock()
	s.last = now
	s.requests += reply.Attempts
	s.throttled += reply.Throttled
	s.mu.Unlock()
}

// budgetUsed is the share of the allowed rate used between the first
// request and the last answer. A run sends its first request at once, so
// n requests paced perfectly span (n-1) intervals: that is the ideal.
func (s *stats) budgetUsed(r Rate) float64 {
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
