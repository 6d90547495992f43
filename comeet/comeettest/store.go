package comeettest

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/comeet-import/comeet-import/comeet"
)

// Stored is a candidate the server created.
type Stored struct {
	UID       string
	Candidate comeet.Candidate // files carry Name, Size and SHA256 only
	Status    string           // StatusInProgress until SetStatus
	APIKey    string
	Created   time.Time
	Changed   time.Time // when Status last changed
}

// Received is one request as the server saw and answered it.
type Received struct {
	Method, Path  string
	Query         string            // the raw query
	APIKey        string            // the token's iss, when it had one
	Token         string            // the bearer token as sent
	Candidate     *comeet.Candidate // the decoded POST body; nil when it did not decode
	Status        int               // the status answered; 0 when none was (a reset, or the client left)
	Code          string            // the error code answered, if any
	CandidateUID  string            // the candidate created, or named by a 409
	Fault         FaultKind         // the fault applied, if any
	ContentLength int64             // the request's Content-Length; -1 when it was chunked
	Time          time.Time
}

type state struct {
	stored   []*Stored
	byUID    map[string]*Stored
	byKey    map[comeet.Key][]*Stored
	window   map[string][]time.Time
	count429 int
}

func newState() state {
	return state{
		byUID:  map[string]*Stored{},
		byKey:  map[comeet.Key][]*Stored{},
		window: map[string][]time.Time{},
	}
}

// store creates the candidate, unless one with the same key is still in
// progress: then it answers 409 naming it, as Comeet does.
func (s *Server) store(c *comeet.Candidate, apiKey string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := c.Key()
	for _, st := range s.state.byKey[key] {
		if st.Status == StatusInProgress {
			return answerConflict(st.UID)
		}
	}
	now := s.opts.Now().UTC()
	st := &Stored{
		UID:       fmt.Sprintf("00.%04X", len(s.state.stored)+1),
		Candidate: *c, Status: StatusInProgress, APIKey: apiKey, Created: now, Changed: now,
	}
	s.state.stored = append(s.state.stored, st)
	s.state.byUID[st.UID] = st
	s.state.byKey[key] = append(s.state.byKey[key], st)
	a := answerJSON(http.StatusCreated, st.view())
	a.uid = st.UID
	return a
}

// view is the candidate as Comeet returns it.
func (st *Stored) view() comeet.Created {
	return comeet.Created{
		UID:                   st.UID,
		PositionUID:           st.Candidate.PositionUID,
		SourceContact:         st.Candidate.SourceContact,
		TimeCreated:           st.Created.Format(time.RFC3339),
		TimeLastStatusChanged: st.Changed.Format(time.RFC3339),
		CurrentSteps:          []comeet.Step{{Name: "Application review", Type: "Go/No-go"}},
		Status:                st.Status,
	}
}

// list answers GET /candidates, filtered by time_created:after when given.
func (s *Server) list(r *http.Request) answer {
	var after time.Time
	if v := r.URL.Query().Get("time_created:after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return answerError(http.StatusBadRequest, comeet.CodeInvalidDatetime,
				"time_created:after is not an ISO 8601 time")
		}
		after = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	views := []comeet.Created{}
	for _, st := range s.state.stored {
		if st.Created.After(after) {
			views = append(views, st.view())
		}
	}
	return answerJSON(http.StatusOK, views)
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, r)
}

// Requests returns every request received so far, in the order answered.
func (s *Server) Requests() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Candidates returns the candidates created so far, oldest first.
func (s *Server) Candidates() []Stored {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Stored, len(s.state.stored))
	for i, st := range s.state.stored {
		out[i] = *st
	}
	return out
}

// Candidate returns the candidate with the uid.
func (s *Server) Candidate(uid string) (Stored, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state.byUID[uid]
	if !ok {
		return Stored{}, false
	}
	return *st, true
}

// CreatedCount is how many candidates were created for the key: more than
// one only when an earlier one was rejected or hired first.
func (s *Server) CreatedCount(key comeet.Key) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.byKey[key])
}

// Count429 is how many 429 answers were sent, injected ones included.
func (s *Server) Count429() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.count429
}

// SetStatus moves a candidate to a status (StatusRejected, StatusHired).
// Once it is no longer in progress, posting its key again creates a second
// candidate. It reports whether the uid exists.
func (s *Server) SetStatus(uid, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state.byUID[uid]
	if ok {
		st.Status, st.Changed = status, s.opts.Now().UTC()
	}
	return ok
}
