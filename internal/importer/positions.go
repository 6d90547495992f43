package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// CodePositionClosed is the problem of a row whose position exists but
// takes no candidates: closed, on hold, or any status but open.
const CodePositionClosed = "position_closed"

// positionReader is the part of comeet.Client the position check needs.
type positionReader interface {
	ListPositions(ctx context.Context, f comeet.PositionFilter) ([]comeet.Position, comeet.Reply, error)
	GetPosition(ctx context.Context, uid string) (*comeet.Position, comeet.Reply, error)
}

// positions checks the rows' position_uid against what the credentials can
// see, with as few requests as possible: one GET /positions (every page)
// when the run opens, then GET /positions/{uid} once for each uid the list
// lacks (the admin may share only published positions with the
// integration, so a missing one is asked for before it is called unknown).
// Every request goes through the client's limiter and counts in the run's
// stats. It is used by one goroutine only (the admitter's).
type positions struct {
	client positionReader
	stats  *stats
	// known holds every uid looked at: nil for one Comeet does not know.
	known map[string]*comeet.Position
	// locate finds the input column of a problem (checker.located).
	locate func(fields []string, ps []comeet.Problem) []problem
}

// load lists the positions the credentials can see. An error here stops
// the run before any row is sent: credentials refused, or a list Comeet
// does not serve.
func (p *positions) load(ctx context.Context) error {
	p.stats.started(time.Now())
	list, reply, err := p.client.ListPositions(ctx, comeet.PositionFilter{})
	p.stats.finishedAs(requestPosition, time.Now(), reply)
	if err != nil {
		return fmt.Errorf("checking positions: %w", unreachable(err))
	}
	p.known = make(map[string]*comeet.Position, len(list))
	for i := range list {
		p.known[list[i].UID] = &list[i]
	}
	return nil
}

// check returns the problem of uid, if it has one. err is set only when
// Comeet could not be asked (then the row fails, it is not called invalid).
func (p *positions) check(ctx context.Context, uid string) (_ comeet.Problem, bad bool, err error) {
	pos, seen := p.known[uid]
	if !seen {
		p.stats.started(time.Now())
		got, reply, err := p.client.GetPosition(ctx, uid)
		p.stats.finishedAs(requestPosition, time.Now(), reply)
		var ae *comeet.APIError
		switch {
		case err == nil:
			pos = got
		case errors.As(err, &ae) && (ae.Status == 404 || ae.Code == comeet.CodePositionNotFound || ae.Code == comeet.CodeNotFound):
			pos = nil
		default:
			return comeet.Problem{}, false, err
		}
		p.known[uid] = pos
	}
	return positionProblem(uid, pos)
}

// positionProblem is the problem of a row whose position is pos (nil when
// Comeet does not know it).
func positionProblem(uid string, pos *comeet.Position) (comeet.Problem, bool, error) {
	if pos == nil {
		return comeet.Problem{Field: "position_uid", Code: comeet.CodePositionNotFound,
			Message: fmt.Sprintf("position %q is not one these credentials can see in Comeet, by uid or by name (unknown, deleted, or not shared with the integration)", uid)}, true, nil
	}
	if !pos.Open() {
		status := pos.Status
		if status == "" {
			status = "not open"
		}
		return comeet.Problem{Field: "position_uid", Code: CodePositionClosed,
			Message: fmt.Sprintf("position %q (%s) is %s in Comeet: it takes no candidates", uid, pos.Name, status)}, true, nil
	}
	return comeet.Problem{}, false, nil
}
