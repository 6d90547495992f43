package comeettest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Stored is a candidate the server created.
type Stored struct {
	UID       string
	Candidate comeet.Candidate // files carry Name, Size and SHA256 only
	Status    string           // StatusInProgress until SetStatus
	APIKey    string
	Created   time.Time
	Changed   time.Time // when Status last changed
	Updated   time.Time // when a PATCH last changed it; zero when none did
	// Files are the candidate's files: the resume and files it was
	// created with, then those added by POST /candidates/{uid}/files.
	Files []StoredFile
	// MergedInto is the candidate this one was merged into (Merge); it
	// then answers 401 duplicate_candidate.
	MergedInto string
	// Deleted is set by Delete; it then answers 404 candidate_not_found.
	Deleted bool
}

// StoredFile is one file of a candidate: its bytes are not kept.
type StoredFile struct {
	Name   string
	Size   int64
	SHA256 string
	Added  time.Time
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
	Fields        []string          // the fields a PATCH carried
	File          *comeet.File      // the decoded POST /candidates/{uid}/files body
	Time          time.Time
}

type state struct {
	stored   []*Stored
	byUID    map[string]*Stored
	byKey    map[comeet.Key][]*Stored
	window   map[string][]time.Time
	count429 int

	positions     map[string]*Position
	positionOrder []string
}

func newState() state {
	return state{
		byUID:     map[string]*Stored{},
		byKey:     map[comeet.Key][]*Stored{},
		window:    map[string][]time.Time{},
		positions: map[string]*Position{},
	}
}

// store creates the candidate, unless one with the same key is still in
// progress: then it answers 409 naming it, as Comeet does. A deleted
// candidate is in no process any more and does not conflict.
func (s *Server) store(c *comeet.Candidate, apiKey string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := c.Key()
	for _, st := range s.state.byKey[key] {
		if st.Status == StatusInProgress && !st.Deleted {
			return answerConflict(st.UID)
		}
	}
	now := s.opts.Now().UTC()
	st := &Stored{
		UID:       fmt.Sprintf("00.%04X", len(s.state.stored)+1),
		Candidate: *c, Status: StatusInProgress, APIKey: apiKey, Created: now, Changed: now,
	}
	for _, f := range append([]*comeet.File{c.Resume}, c.Files...) {
		if f != nil {
			st.Files = append(st.Files, StoredFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256, Added: now})
		}
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

// record is the candidate as GET /candidates reads it back.
func (st *Stored) record() comeet.Record {
	c := st.Candidate
	return comeet.Record{
		Created: st.view(), PartnerCandidateID: c.PartnerCandidateID,
		FirstName: c.FirstName, MiddleName: c.MiddleName, LastName: c.LastName,
		Email: c.Email, Phone: c.Phone, MobilePhone: c.MobilePhone, NationalID: c.NationalID,
		LinkedInURL: c.LinkedInURL, ProspectStatus: c.ProspectStatus, Address: c.Address,
		CustomFields: c.CustomFields,
	}
}

// listFilter is GET /candidates' query.
type listFilter struct {
	createdAfter, createdBefore, changedAfter, changedBefore time.Time
	status                                                   string
	deleted                                                  bool
	page                                                     int
}

func parseListFilter(q url.Values) (listFilter, answer, bool) {
	var f listFilter
	for key, dst := range map[string]*time.Time{
		"time_created:after": &f.createdAfter, "time_created:before": &f.createdBefore,
		"time_last_status_change:after": &f.changedAfter, "time_last_status_change:before": &f.changedBefore,
	} {
		if v := q.Get(key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, answerError(http.StatusBadRequest, comeet.CodeInvalidDatetime, key+" is not an ISO 8601 time"), false
			}
			*dst = t
		}
	}
	f.status, f.deleted = q.Get("status"), q.Get("deleted") == "true"
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, answerError(http.StatusBadRequest, CodeBadRequest, "page is not a positive number"), false
		}
		f.page = n - 1
	}
	return f, answer{}, true
}

func (f listFilter) match(st *Stored) bool {
	return (!st.Deleted || f.deleted) && st.MergedInto == "" &&
		(f.createdAfter.IsZero() || st.Created.After(f.createdAfter)) &&
		(f.createdBefore.IsZero() || st.Created.Before(f.createdBefore)) &&
		(f.changedAfter.IsZero() || st.Changed.After(f.changedAfter)) &&
		(f.changedBefore.IsZero() || st.Changed.Before(f.changedBefore)) &&
		(f.status == "" || strings.EqualFold(f.status, st.Status))
}

// list answers GET /candidates, filtered by the time, status and deleted
// parameters; with Options.PageSize it answers one page and a next_page.
func (s *Server) list(r *http.Request) answer {
	f, ans, ok := parseListFilter(r.URL.Query())
	if !ok {
		return ans
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	views := []comeet.Record{}
	for _, st := range s.state.stored {
		if f.match(st) {
			views = append(views, st.record())
		}
	}
	size := s.opts.PageSize
	if size <= 0 {
		return answerJSON(http.StatusOK, views)
	}
	start := min(f.page*size, len(views))
	end := min(start+size, len(views))
	page := struct {
		Candidates []comeet.Record `json:"candidates"`
		NextPage   string          `json:"next_page,omitempty"`
	}{Candidates: views[start:end]}
	if end < len(views) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(f.page+2))
		page.NextPage = s.URL + "/candidates?" + q.Encode()
	}
	return answerJSON(http.StatusOK, page)
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
		out[i].Files = slices.Clone(st.Files)
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
	out := *st
	out.Files = slices.Clone(st.Files)
	return out, true
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
