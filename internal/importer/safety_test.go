package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// rig is one import set up against a real comeettest server, with real
// files in a temporary folder: the input, the files directory, the report,
// the errors file and the ledger.
type rig struct {
	t   *testing.T
	dir string
	srv *comeettest.Server
	cfg Config
}

// rigHeader is the input's header: API field names, which map themselves.
var rigHeader = []string{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "resume"}

func newRig(t *testing.T, opts comeettest.Options) *rig {
	t.Helper()
	dir := t.TempDir()
	files := filepath.Join(dir, "files")
	if err := os.Mkdir(files, 0o700); err != nil {
		t.Fatal(err)
	}
	srv := comeettest.NewServer(opts)
	t.Cleanup(srv.Close)
	return &rig{t: t, dir: dir, srv: srv, cfg: Config{
		Input:    filepath.Join(dir, "candidates.csv"),
		FilesDir: files,
		Account: pace.Account{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret,
			Backoff: quickBackoff},
		Concurrency: 4,
		Logger:      zerolog.Nop(),
	}}
}

// rigRow is the input row of candidate n, without a resume.
func rigRow(n int) []string {
	return []string{"11.11", fmt.Sprintf("P%05d", n), "First" + fmt.Sprint(n), "Last", fmt.Sprintf("c%d@example.com", n), ""}
}

// rigKey is the key of candidate n.
func rigKey(n int) comeet.Key {
	return comeet.Key{PositionUID: "11.11", PartnerCandidateID: fmt.Sprintf("P%05d", n)}
}

// rows returns the rows of candidates from..to, inclusive.
func rigRows(from, to int) [][]string {
	var rows [][]string
	for n := from; n <= to; n++ {
		rows = append(rows, rigRow(n))
	}
	return rows
}

// writeInput writes rigHeader and rows as the input file.
func (g *rig) writeInput(rows [][]string) {
	g.t.Helper()
	g.writeInputWith(rigHeader, rows)
}

// writeInputWith writes header and rows as the input file.
func (g *rig) writeInputWith(header []string, rows [][]string) {
	g.t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	if err := os.WriteFile(g.cfg.Input, []byte(b.String()), 0o600); err != nil {
		g.t.Fatal(err)
	}
}

// writeFile writes a file into the files directory.
func (g *rig) writeFile(name string, data []byte) {
	g.t.Helper()
	if err := os.WriteFile(filepath.Join(g.cfg.FilesDir, name), data, 0o600); err != nil {
		g.t.Fatal(err)
	}
}

// run imports the input and returns the summary and the report's lines.
func (g *rig) run() (report.Summary, []map[string]string, error) {
	g.t.Helper()
	sum, err := Run(context.Background(), g.cfg)
	return sum.Summary, g.report(), err
}

// mustRun imports the input and fails the test on a run error.
func (g *rig) mustRun() (report.Summary, []map[string]string) {
	g.t.Helper()
	sum, lines, err := g.run()
	if err != nil {
		g.t.Fatalf("run: %v", err)
	}
	return sum, lines
}

// report reads the report CSV into one map per line, by column name.
func (g *rig) report() []map[string]string {
	g.t.Helper()
	return readCSVMaps(g.t, g.cfg.WithDefaults().ReportPath)
}

func readCSVMaps(t *testing.T, path string) []map[string]string {
	t.Helper()
	// The report takes the input's dialect: the input reader detects it.
	src, err := source.Open(path, source.Options{Format: source.FormatDelimited})
	if errors.Is(err, source.ErrNoRows) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer src.Close()
	var out []map[string]string
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil || rec.Err != nil {
			t.Fatalf("read %s: %v %v", path, err, rec.Err)
		}
		m := map[string]string{}
		for i, name := range src.Header() {
			m[name] = rec.Fields[i]
		}
		out = append(out, m)
	}
}

// posts counts the POST /candidates requests the server received.
func (g *rig) posts() int {
	n := 0
	for _, r := range g.srv.Requests() {
		if r.Method == "POST" {
			n++
		}
	}
	return n
}

// wantRigOutcomes checks the report line by line against the outcomes wanted.
func wantRigOutcomes(t *testing.T, lines []map[string]string, want ...report.Outcome) {
	t.Helper()
	if len(lines) != len(want) {
		t.Fatalf("got %d report lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		if got := report.Outcome(l["outcome"]); got != want[i] {
			t.Errorf("row %s: got outcome %q (%s %s), want %q", l["row"], got, l["error_code"], l["message"], want[i])
		}
	}
}

func repeat(o report.Outcome, n int) []report.Outcome {
	out := make([]report.Outcome, n)
	for i := range out {
		out[i] = o
	}
	return out
}
