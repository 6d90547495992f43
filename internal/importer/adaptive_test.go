package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

func TestSummarySaysItSlowedDown(t *testing.T) {
	tests := []struct {
		slowdowns int
		lowest    float64
		want      string
	}{
		{0, 0, ""},
		{1, 50, "slowed down once after 429s, to 50/min at the lowest"},
		{2, 25, "slowed down twice after 429s, to 25/min at the lowest"},
		{5, 10, "slowed down 5 times after 429s, to 10/min at the lowest"},
	}
	for _, tt := range tests {
		s := report.Summary{Counts: report.Counts{report.Created: 1}, Slowdowns: tt.slowdowns, LowestPerMinute: tt.lowest}
		got := s.String()
		if tt.want == "" {
			if strings.Contains(got, "slowed") {
				t.Errorf("%d slowdowns: got %q, want no mention of slowing down", tt.slowdowns, got)
			}
			continue
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%d slowdowns: got %q, want it to contain %q", tt.slowdowns, got, tt.want)
		}
	}
}

// Comeet's budget is shared with another integration: Comeet answers 429
// although the pool paces itself to the limit. The 429s are injected, not
// drawn from the server's own window, so that how many come does not depend
// on how fast this machine sends. The pool must slow down, speed up again
// once the 429s stop, and every row still ends up created once.
func TestSharedBudgetSlowsThePoolDown(t *testing.T) {
	const rows = 60
	g := newRig(t, comeettest.Options{})
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultThrottle, Count: 3})
	var logs bytes.Buffer
	g.cfg.Logger = zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.InfoLevel)
	g.cfg.Rate = pace.Rate{N: 200, Per: time.Second}
	g.cfg.MaxAttempts = 50
	g.writeInput(rigRows(1, rows))

	sum, lines := g.mustRun()
	wantRigOutcomes(t, lines, repeat(report.Created, rows)...)
	if g.srv.Count429() == 0 {
		t.Fatal("the server answered no 429: the test does not exercise a shared budget")
	}
	if sum.Slowdowns == 0 {
		t.Errorf("got no slowdown after %d 429s, want at least one", g.srv.Count429())
	}
	configured := 200 * 60 * (1 - pace.DefaultSafetyMargin)
	if sum.LowestPerMinute <= 0 || sum.LowestPerMinute > configured/2+1e-6 {
		t.Errorf("got lowest rate %.1f/min, want at most half of %.1f/min", sum.LowestPerMinute, configured)
	}
	if sum.LowestPerMinute < configured*pace.SlowestShare-1e-6 {
		t.Errorf("got lowest rate %.1f/min, want at least the floor %.1f/min", sum.LowestPerMinute, configured*pace.SlowestShare)
	}
	if !strings.Contains(sum.String(), "slowed down") {
		t.Errorf("summary %q does not say the pool slowed down", sum)
	}
	if !strings.Contains(logs.String(), "slowing down") {
		t.Errorf("the log does not tell of the slowdown:\n%s", logs.String())
	}
	for n := 1; n <= rows; n++ {
		if got := g.srv.CreatedCount(rigKey(n)); got != 1 {
			t.Errorf("candidate %d: created %d times, want 1", n, got)
		}
	}
	if !strings.Contains(logs.String(), "speeding up") {
		t.Errorf("the pool never sped up again after the 429s stopped:\n%s", logs.String())
	}
	t.Logf("%s; %d 429s at the server", sum, g.srv.Count429())
}

// At a pace the server accepts, nothing slows down.
func TestNoSlowdownWithoutThrottling(t *testing.T) {
	g := newRig(t, comeettest.Options{Rate: 50, Per: time.Second})
	g.cfg.Rate = pace.Rate{N: 40, Per: time.Second}
	g.writeInput(rigRows(1, 10))
	sum, lines := g.mustRun()
	wantRigOutcomes(t, lines, repeat(report.Created, 10)...)
	if sum.Slowdowns != 0 || strings.Contains(sum.String(), "slowed") {
		t.Errorf("got %d slowdowns (%q), want none", sum.Slowdowns, sum)
	}
}
