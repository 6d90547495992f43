package readback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// rig is a real import against a comeettest server, with its input, report
// and ledger in a temporary folder: what a read-back reads.
type rig struct {
	t   *testing.T
	dir string
	srv *comeettest.Server
	cfg importer.Config
}

func newRig(t *testing.T) *rig {
	t.Helper()
	dir := t.TempDir()
	srv := comeettest.NewServer(comeettest.Options{})
	t.Cleanup(srv.Close)
	return &rig{t: t, dir: dir, srv: srv, cfg: importer.Config{
		Input:       filepath.Join(dir, "candidates.csv"),
		Account:     testAccount(srv),
		Concurrency: 1,
		Logger:      zerolog.Nop(),
	}}
}

// testAccount reaches srv with one attempt per request and no pacing.
func testAccount(srv *comeettest.Server) pace.Account {
	return pace.Account{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret,
		MaxAttempts: 1, Backoff: func(int, time.Duration, float64) time.Duration { return time.Millisecond }}
}

// rigKey is the key of candidate n.
func rigKey(n int) comeet.Key {
	return comeet.Key{PositionUID: "11.11", PartnerCandidateID: fmt.Sprintf("P%05d", n)}
}

// writeInput writes candidates from..to as the input file.
func (g *rig) writeInput(from, to int) {
	g.t.Helper()
	var b strings.Builder
	b.WriteString("position_uid,partner_candidate_id,first_name,last_name,email\n")
	for n := from; n <= to; n++ {
		fmt.Fprintf(&b, "11.11,P%05d,First%d,Last,c%d@example.com\n", n, n, n)
	}
	if err := os.WriteFile(g.cfg.Input, []byte(b.String()), 0o600); err != nil {
		g.t.Fatal(err)
	}
}

// mustRun imports the input and returns the report's lines.
func (g *rig) mustRun() []map[string]string {
	g.t.Helper()
	res, err := importer.Run(context.Background(), g.cfg)
	if err != nil {
		g.t.Fatalf("run: %v", err)
	}
	return readCSVMaps(g.t, res.Paths.Report)
}

// seed creates candidate n in Comeet directly, as another run would.
func (g *rig) seed(n int) string {
	g.t.Helper()
	c, err := comeet.NewClient(g.cfg.ClientConfig(zerolog.Nop()))
	if err != nil {
		g.t.Fatal(err)
	}
	k := rigKey(n)
	reply, err := c.CreateCandidate(context.Background(), &comeet.Candidate{
		PositionUID: k.PositionUID, PartnerCandidateID: k.PartnerCandidateID, FirstName: "Seed", LastName: "Last",
	})
	if err != nil {
		g.t.Fatalf("seed candidate %d: %v", n, err)
	}
	return reply.Created.UID
}

// verifyConfig is a verify of the rig's ledger into name.
func (g *rig) verifyConfig(name string) VerifyConfig {
	return VerifyConfig{
		Account:    g.cfg.Account,
		LedgerPath: g.cfg.WithDefaults().LedgerPath,
		ReportPath: filepath.Join(g.dir, name),
		Logger:     zerolog.Nop(),
	}
}

// wantOutcomes checks the report line by line.
func wantOutcomes(t *testing.T, lines []map[string]string, want ...report.Outcome) {
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

// readCSVMaps reads a CSV into one map per line, by column name.
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
