package mapping

import (
	"errors"
	"strings"
	"testing"
)

func TestPropose(t *testing.T) {
	p, err := Propose([]string{"First name", "Surname", "Shoe size"})
	if err != nil {
		t.Fatal(err)
	}
	var notes strings.Builder
	if err := p.WriteNotes(&notes); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`columns not placed (add a line for each one you want sent): "Shoe size"`,
		"required fields no column feeds (give each a column or a default): position_uid, partner_candidate_id"} {
		if !strings.Contains(notes.String(), want) {
			t.Errorf("notes %q lack %q", notes.String(), want)
		}
	}
	if _, err := Propose([]string{"Shoe size"}); !errors.Is(err, ErrNothingPlaced) {
		t.Errorf("got %v, want ErrNothingPlaced", err)
	}
}
