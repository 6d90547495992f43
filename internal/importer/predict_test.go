package importer

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// predictCase is one generated situation: the sheet an earlier run
// imported (and how that run went), the sheet now, and the mode of the
// run now.
type predictCase struct {
	earlier, now   [][]string // rows of syncHeader
	earlierFault   comeettest.FaultKind
	changedFiles   []string // files rewritten after the earlier run
	update, checks bool
	// names: some rows name their position by its name, as a sheet of job
	// titles does; both runs must resolve them through Comeet's list.
	names bool
	limit int
}

func (c predictCase) String() string {
	return fmt.Sprintf("update=%v positions=%v names=%v limit=%d fault=%v\nearlier %q\nnow     %q\nfiles changed %q",
		c.update, c.checks, c.names, c.limit, c.earlierFault, c.earlier, c.now, c.changedFiles)
}

// predictPositions are the positions the fake knows; predictUnknown is one
// it does not, used only when the positions are checked (without the check,
// validate cannot know it: that is what the check is for).
var predictPositions = []string{"11.11", "22.22"}

const predictUnknown = "99.99"

// predictNames are the names of predictPositions in the fake.
var predictNames = map[string]string{"11.11": "Backend Engineer", "22.22": "Data Analyst"}

// byName puts, in about half of rows, the position's name for its uid.
func (c predictCase) byName(rng *rand.Rand, rows [][]string) {
	for _, row := range rows {
		if name, ok := predictNames[row[0]]; ok && c.names && rng.IntN(2) == 0 {
			row[0] = name
		}
	}
}

// genPredictCase draws a case: a few keys, some imported earlier (one of
// them perhaps failed or lost on the way), then changed (a phone the
// narrow list sends, a note it does not, a resume added or rewritten),
// repeated (duplicates) or added, under random --update, --limit and
// position checking.
func genPredictCase(rng *rand.Rand) predictCase {
	c := predictCase{update: rng.IntN(3) > 0, checks: rng.IntN(3) == 0, names: rng.IntN(2) == 0, limit: rng.IntN(3)}
	faults := []comeettest.FaultKind{comeettest.FaultNone, comeettest.FaultNone, comeettest.FaultServerError, comeettest.FaultLostReply}
	c.earlierFault = faults[rng.IntN(len(faults))]
	keys := 2 + rng.IntN(3)
	for k := 1; k <= keys; k++ {
		if rng.IntN(3) > 0 {
			c.earlier = append(c.earlier, predictRow(rng, k, predictPositions[k%2]))
		}
	}
	c.byName(rng, c.earlier)
	for n := range 2 + rng.IntN(3) {
		k := min(n+1, keys+1) // keys+1 was never imported
		if n > 0 && rng.IntN(5) == 0 {
			k = n // the row before's key again: a duplicate
		}
		row := predictRow(rng, k, predictPositions[k%2])
		if i := slices.IndexFunc(c.earlier, func(r []string) bool { return r[1] == row[1] }); i >= 0 {
			row = slices.Clone(c.earlier[i])
			c.mutate(rng, row)
		}
		switch {
		case c.checks && rng.IntN(6) == 0:
			row[0] = predictUnknown
		case rng.IntN(12) == 0:
			row[4] = "not-an-email"
		}
		c.now = append(c.now, row)
	}
	c.byName(rng, c.now)
	return c
}

// predictRow is a row of key k, with or without a resume.
func predictRow(rng *rand.Rand, k int, position string) []string {
	resume := ""
	if rng.IntN(2) == 0 {
		resume = fmt.Sprintf("cv%d.pdf", k)
	}
	return []string{position, fmt.Sprintf("G%d", k), "First", fmt.Sprintf("Last%d", k), fmt.Sprintf("g%d@example.com", k), resume, "+1 555 0100", "a note"}
}

// mutate changes what an earlier row holds, as a sheet edited since would.
func (c *predictCase) mutate(rng *rand.Rand, row []string) {
	if rng.IntN(3) == 0 {
		row[6] = fmt.Sprintf("+1 555 %04d", rng.IntN(10000)) // narrow list: sent
	}
	if rng.IntN(3) == 0 {
		row[7] = fmt.Sprintf("note %d", rng.IntN(1000)) // wide list only: not sent
	}
	switch rng.IntN(4) {
	case 0:
		if row[5] == "" {
			row[5] = "cv" + strings.TrimPrefix(row[1], "G") + ".pdf" // a resume added
		} else {
			c.changedFiles = append(c.changedFiles, row[5]) // the same name, new bytes
		}
	case 1:
		row[5] = "" // the resume dropped from the sheet: it stays in Comeet
	}
}

// TestValidatePredictsImport generates cases over the modes and checks,
// row by row, that validate's verdict is what import does against a fake
// Comeet that accepts everything: a valid row is created, updated or found
// to be there already (conflict); a skipped, invalid or failed row is the
// same row with the same code and message in both reports.
func TestValidatePredictsImport(t *testing.T) {
	cases := 100
	if testing.Short() {
		cases = 30
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	for i := range cases {
		c := genPredictCase(rng)
		validated, imported := runPredictCase(t, c)
		if len(validated) != len(c.now) || len(imported) != len(c.now) {
			t.Fatalf("case %d: got %d lines validated, %d imported, want %d\n%s", i, len(validated), len(imported), len(c.now), c)
		}
		for r, v := range validated {
			if msg := predictMismatch(v, imported[r]); msg != "" {
				t.Errorf("case %d, row %d: %s\n%s", i, r+1, msg, c)
			}
		}
	}
}

// predictMismatch says how import's line m differs from what validate's
// line v predicts; empty when it does not.
func predictMismatch(v, m map[string]string) string {
	if v["outcome"] == string(report.Valid) {
		switch report.Outcome(m["outcome"]) {
		case report.Created, report.Updated, report.Conflict:
			return ""
		}
		return fmt.Sprintf("validate says valid (%s), import says %s %s (%s)", v["message"], m["outcome"], m["error_code"], m["message"])
	}
	if v["outcome"] != m["outcome"] || v["error_code"] != m["error_code"] || v["message"] != m["message"] {
		return fmt.Sprintf("validate says %s %s (%s), import says %s %s (%s)",
			v["outcome"], v["error_code"], v["message"], m["outcome"], m["error_code"], m["message"])
	}
	return ""
}

// runPredictCase runs c's earlier import, then validate and import of the
// sheet now on the same ledger and server, and returns both reports.
func runPredictCase(t *testing.T, c predictCase) (validated, imported []map[string]string) {
	t.Helper()
	g := newRig(t, comeettest.Options{Positions: predictPositions})
	for uid, name := range predictNames {
		g.srv.AddPosition(uid, name, comeet.PositionOpen)
	}
	for k := 1; k <= 5; k++ {
		g.writeFile(fmt.Sprintf("cv%d.pdf", k), []byte("%PDF-1.4 first"))
	}
	if len(c.earlier) > 0 {
		earlier := g.cfg
		earlier.MaxAttempts = 1
		if c.earlierFault != comeettest.FaultNone {
			g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultNone, Count: len(c.earlier) / 2}, comeettest.Fault{Kind: c.earlierFault})
		}
		g.writeInputWith(syncHeader, c.earlier)
		if _, err := Run(t.Context(), earlier); err != nil {
			t.Fatalf("earlier run: %v\n%s", err, c)
		}
		g.srv.ClearFaults()
	}
	for _, name := range c.changedFiles {
		g.writeFile(name, []byte("%PDF-1.4 second"))
	}
	g.writeInputWith(syncHeader, c.now)
	cfg := g.cfg
	cfg.Update, cfg.CheckPositions, cfg.Limit = c.update, c.checks, c.limit
	dry := cfg
	dry.DryRun = true
	dry.ReportPath, dry.ErrorsPath = filepath.Join(g.dir, "validate.csv"), filepath.Join(g.dir, "validate.errors.csv")
	if _, err := Run(t.Context(), dry); err != nil {
		t.Fatalf("validate: %v\n%s", err, c)
	}
	cfg.ReportPath, cfg.ErrorsPath = filepath.Join(g.dir, "import.csv"), filepath.Join(g.dir, "import.errors.csv")
	if _, err := Run(t.Context(), cfg); err != nil {
		t.Fatalf("import: %v\n%s", err, c)
	}
	return readCSVMaps(t, dry.ReportPath), readCSVMaps(t, cfg.ReportPath)
}
