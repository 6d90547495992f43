package comeettest

import (
	"net/http"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Position visibility: which positions the account's admin lets the
// integration see (Options.PositionVisibility).
const (
	VisibleAll         = "all"
	VisibleNonDiscreet = "non_discreet"
	VisiblePublished   = "published"
)

// Position is a position the server knows. Status is comeet.PositionOpen,
// PositionClosed or PositionOnHold.
type Position struct {
	UID, Name, Status string
	// Discreet and Published decide its visibility (Options.PositionVisibility).
	Discreet, Published bool
}

// AddPosition adds (or replaces) an open-to-view position: published and
// not discreet, with the given status.
func (s *Server) AddPosition(uid, name, status string) {
	s.PutPosition(Position{UID: uid, Name: name, Status: status, Published: true})
}

// PutPosition adds or replaces a position. A known position is accepted by
// POST /candidates even when Options.Positions restricts them.
func (s *Server) PutPosition(p Position) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putPositionLocked(p)
}

func (s *Server) putPositionLocked(p Position) {
	if _, ok := s.state.positions[p.UID]; !ok {
		s.state.positionOrder = append(s.state.positionOrder, p.UID)
	}
	s.state.positions[p.UID] = &p
}

// Positions returns every known position, visible or not, in the order
// they were added.
func (s *Server) Positions() []Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Position, 0, len(s.state.positionOrder))
	for _, uid := range s.state.positionOrder {
		out = append(out, *s.state.positions[uid])
	}
	return out
}

func (s *Server) visible(p *Position) bool {
	switch s.opts.PositionVisibility {
	case VisibleNonDiscreet:
		return !p.Discreet
	case VisiblePublished:
		return p.Published
	}
	return true
}

func (s *Server) knownPosition(uid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.state.positions[uid]
	return ok
}

func (p *Position) view() comeet.Position {
	return comeet.Position{UID: p.UID, Name: p.Name, Status: p.Status}
}

// listPositions answers GET /positions, filtered by status when given.
func (s *Server) listPositions(r *http.Request) answer {
	status := r.URL.Query().Get("status")
	s.mu.Lock()
	defer s.mu.Unlock()
	views := []comeet.Position{}
	for _, uid := range s.state.positionOrder {
		p := s.state.positions[uid]
		if s.visible(p) && (status == "" || strings.EqualFold(status, p.Status)) {
			views = append(views, p.view())
		}
	}
	return answerJSON(http.StatusOK, views)
}

// getPosition answers GET /positions/{uid}; a position the integration
// may not see is as unknown as one that does not exist.
func (s *Server) getPosition(uid string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.state.positions[uid]
	if !ok || !s.visible(p) {
		return answerError(http.StatusNotFound, comeet.CodePositionNotFound, "position not found")
	}
	return answerJSON(http.StatusOK, p.view())
}
