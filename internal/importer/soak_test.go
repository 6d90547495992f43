package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// soakRows is how many rows the soak test imports. The run takes well
// under a second without the ledger; with it, most of the time is the
// ledger's two durable commits per row (an fsync each), so the test takes
// a few seconds on a quiet machine and more on a busy disk.
const soakRows = 2000

// The soak test sends soakRows rows through a server that misbehaves on
// about one request in six: 10% transient failures (5xx, a slow answer, or
// a 502 HTML page after the candidate was in fact created) and 5%
// connection resets. Every row must end up in Comeet exactly once, and the
// report must have exactly one line per row.
func TestSoakWithTransientFaultsAndResets(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	g := newRig(t, comeettest.Options{})
	g.srv.SetRandomFaults(comeettest.RandomFaults{
		Seed:       20240601,
		P5xx:       0.04,
		PSlow:      0.03,
		Slow:       5 * time.Millisecond,
		PLostReply: 0.03, // created, then a gateway's 502 HTML page
		PReset:     0.05,
	})
	g.cfg.Concurrency = 8
	g.cfg.MaxAttempts = 12
	g.writeInput(rigRows(1, soakRows))

	start := time.Now()
	sum, lines := g.mustRun()
	if len(lines) != soakRows {
		t.Fatalf("got %d report lines, want %d", len(lines), soakRows)
	}
	counts := map[report.Outcome]int{}
	for i, l := range lines {
		o := report.Outcome(l["outcome"])
		counts[o]++
		if o != report.Created && o != report.Conflict {
			t.Errorf("row %d: got %s (%s %s), want created or conflict", i+1, o, l["error_code"], l["message"])
		}
		if l["candidate_uid"] == "" {
			t.Errorf("row %d: no candidate uid", i+1)
		}
	}
	for n := 1; n <= soakRows; n++ {
		if got := g.srv.CreatedCount(rigKey(n)); got != 1 {
			t.Errorf("candidate %d: created %d times, want 1", n, got)
		}
	}
	faults := map[comeettest.FaultKind]int{}
	for _, r := range g.srv.Requests() {
		faults[r.Fault]++
	}
	if faults[comeettest.FaultReset] == 0 || faults[comeettest.FaultLostReply] == 0 || faults[comeettest.FaultServerError] == 0 {
		t.Errorf("faults seen %v: want resets, lost replies and server errors all exercised", faults)
	}
	found := 0
	for _, l := range lines {
		if strings.Contains(l["message"], "answer was lost") {
			found++
		}
	}
	if found == 0 {
		t.Errorf("no row among %v was found after a lost reply: its retry should have looked first", counts)
	}
	t.Logf("%d rows in %s: %v; %d requests; faults %v", soakRows, time.Since(start).Round(time.Millisecond), counts, sum.Sent, faults)
}
