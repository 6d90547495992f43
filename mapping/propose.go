package mapping

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNothingPlaced is Propose's error for a header none of whose columns
// looks like an API field.
var ErrNothingPlaced = errors.New("no column of the header looks like an API field; " +
	"start from `comeet-import template` and name the columns after it")

// Proposal is a mapping proposed for a header (Suggest), with what is left
// for a person to decide.
type Proposal struct {
	Mapping *Mapping
	// Unplaced are the header's columns Suggest could not place.
	Unplaced []string
	// Unfed are the required fields no column or default feeds.
	Unfed []string
}

// Propose proposes a mapping for header; ErrNothingPlaced when no column
// could be placed.
func Propose(header []string) (Proposal, error) {
	m, unplaced := Suggest(header)
	if len(m.Rules) == 0 {
		return Proposal{}, ErrNothingPlaced
	}
	return Proposal{Mapping: m, Unplaced: unplaced, Unfed: m.Unfed()}, nil
}

// WriteNotes tells, one line each, the columns not placed and the required
// fields no column feeds; nothing when the proposal is complete.
func (p Proposal) WriteNotes(w io.Writer) error {
	if len(p.Unplaced) > 0 {
		q := make([]string, len(p.Unplaced))
		for i, n := range p.Unplaced {
			q[i] = fmt.Sprintf("%q", n)
		}
		if _, err := fmt.Fprintf(w, "columns not placed (add a line for each one you want sent): %s\n", strings.Join(q, ", ")); err != nil {
			return err
		}
	}
	if len(p.Unfed) > 0 {
		if _, err := fmt.Fprintf(w, "required fields no column feeds (give each a column or a default): %s\n", strings.Join(p.Unfed, ", ")); err != nil {
			return err
		}
	}
	return nil
}
