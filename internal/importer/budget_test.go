package importer

import (
	"fmt"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// Every request is from the same budget: validate --update says how many
// of each kind an import would send, and the import's summary and progress
// count each kind it sent, matching what the server saw.
func TestRequestsCountedByKind(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.srv.AddPosition("11.11", "Backend Engineer", comeet.PositionOpen)
	g.writeFile("cv1.pdf", []byte("%PDF-1.4 one"))
	g.writeFile("cv2.pdf", []byte("%PDF-1.4 two"))
	rows := syncRows(1, 4)
	for i := range rows {
		rows[i][5] = "cv1.pdf"
	}
	g.createSync(rows[:3])

	rows[0][6] = "+1 555 0111" // a PATCH
	rows[1][5] = "cv2.pdf"     // a file
	rows[2][6] = "+1 555 0122" // a PATCH and a file
	rows[2][5] = "cv2.pdf"
	// rows[3] is new: a create.
	g.writeInputWith(syncHeader, rows)
	g.cfg.Update, g.cfg.CheckPositions = true, true

	t.Run("validate", func(t *testing.T) {
		cfg := g.cfg
		cfg.DryRun = true
		res, err := Run(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := report.Requests{Create: 1, Update: 2, Files: 2, Positions: 1}
		if res.Planned == nil || *res.Planned != want {
			t.Fatalf("planned %+v, want %+v", res.Planned, want)
		}
	})
	t.Run("import", func(t *testing.T) {
		var last Progress
		g.cfg.Progress = func(p Progress) { last = p }
		before := len(g.srv.Requests())
		sum, lines := g.mustRun()
		wantRigOutcomes(t, lines, report.Updated, report.Updated, report.Updated, report.Created)
		want := report.Requests{Create: 1, Update: 2, Files: 2, Positions: 1}
		if sum.ByKind != want {
			t.Errorf("summary counts %+v, want %+v", sum.ByKind, want)
		}
		if got := len(g.srv.Requests()) - before; sum.Sent != got || sum.Sent != want.Total() {
			t.Errorf("summary counts %d requests, the server saw %d, want %d", sum.Sent, got, want.Total())
		}
		if sum.Planned != nil {
			t.Errorf("an import plans nothing: %+v", sum.Planned)
		}
		if last.Requests != sum.Sent || last.ByKind != want {
			t.Errorf("last progress counts %d requests (%+v), want %d (%+v)", last.Requests, last.ByKind, sum.Sent, want)
		}
	})
}

// Creates, updates and added files paced together at a compressed rate
// through a fake Comeet whose rate window is on: no 429. The window is the
// server's own (every request of the key counts), so a request kind left
// out of the pacing would overrun it. Bounded: 36 requests at 20 a second.
func TestMixedRunPacedWithinTheWindow(t *testing.T) {
	g := newRig(t, comeettest.Options{Rate: 20, Per: time.Second})
	g.cfg.Rate = pace.Rate{N: 20, Per: time.Second}
	// A wide margin: the test asserts the pacing, not the machine's jitter.
	g.cfg.SafetyMargin = 0.25
	g.writeFile("cv1.pdf", []byte("%PDF-1.4 one"))
	g.writeFile("cv2.pdf", []byte("%PDF-1.4 two"))
	rows := syncRows(1, 18)
	for i := range rows {
		rows[i][5] = "cv1.pdf"
	}
	g.createSync(rows[:12])

	var want []report.Outcome
	for i := range rows[:12] {
		switch i % 3 {
		case 0:
			rows[i][6] = fmt.Sprintf("+1 555 03%02d", i) // a PATCH
		case 1:
			rows[i][5] = "cv2.pdf" // a file
		case 2:
			rows[i][6] = fmt.Sprintf("+1 555 02%02d", i) // both
			rows[i][5] = "cv2.pdf"
		}
		want = append(want, report.Updated)
	}
	want = append(want, repeat(report.Created, 6)...) // rows 13-18 are new
	g.writeInputWith(syncHeader, rows)
	g.cfg.Update = true
	sum, lines := g.mustRun()
	wantRigOutcomes(t, lines, want...)
	if w := (report.Requests{Create: 6, Update: 8, Files: 8}); sum.ByKind != w {
		t.Errorf("sent %+v, want %+v", sum.ByKind, w)
	}
	if n := g.srv.Count429(); n != 0 || sum.Throttled != 0 {
		t.Errorf("got %d 429s (%d counted), want none: %s", n, sum.Throttled, sum)
	}
}
