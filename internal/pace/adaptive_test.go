package pace

import (
	"math"
	"strings"
	"testing"
)

// applyEvents feeds a pace a script of answers: "T" is a 429, "A" any other
// answer, and "A20" twenty of them.
func applyEvents(p pace, script string) pace {
	for _, ev := range strings.Fields(script) {
		n := 1
		if len(ev) > 1 {
			n = 0
			for _, d := range ev[1:] {
				n = n*10 + int(d-'0')
			}
		}
		for range n {
			if ev[0] == 'T' {
				p = p.throttled()
			} else {
				p = p.answered()
			}
		}
	}
	return p
}

func TestPacePolicy(t *testing.T) {
	tests := []struct {
		name          string
		inFlight      int
		script        string
		wantCurrent   float64
		wantLowest    float64
		wantSlowdowns int
	}{
		{"answers at the configured rate change nothing", 1, "A100", 100, 100, 0},
		{"a 429 halves the rate", 1, "T", 50, 50, 1},
		{"each further 429 halves it again", 1, "T T", 25, 25, 2},
		{"the rate never drops below a tenth", 1, "T T T T T T T T", 10, 10, 4},
		{"429s of requests sent at the old rate are echoes", 4, "T T T T", 50, 50, 1},
		{"a 429 after the echoes slows down again", 4, "T T T T T", 25, 25, 2},
		{"other answers use up the echoes too", 4, "T A A A T", 25, 25, 2},
		{"nineteen answers are not yet a step up", 1, "T A19", 50, 50, 1},
		{"twenty answers step up by a tenth", 1, "T A20", 55, 50, 1},
		{"a 429 restarts the count", 1, "T A19 T A19", 25, 25, 2},
		{"steps up to the configured rate and no further", 1, "T A200", 100, 50, 1},
		{"slows down again after recovering", 1, "T A200 T", 50, 50, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := applyEvents(newPace(100, tt.inFlight), tt.script)
			if math.Abs(p.current-tt.wantCurrent) > 1e-9 {
				t.Errorf("got rate %v, want %v", p.current, tt.wantCurrent)
			}
			if math.Abs(p.lowest-tt.wantLowest) > 1e-9 {
				t.Errorf("got lowest %v, want %v", p.lowest, tt.wantLowest)
			}
			if p.slowdowns != tt.wantSlowdowns {
				t.Errorf("got %d slowdowns, want %d", p.slowdowns, tt.wantSlowdowns)
			}
		})
	}
}
