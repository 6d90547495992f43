package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

func TestProgressETA(t *testing.T) {
	tests := []struct {
		name string
		p    Progress
		want time.Duration
		ok   bool
	}{
		{"total unknown", Progress{Done: 10, Elapsed: time.Second}, 0, false},
		{"nothing done", Progress{Total: 10, Elapsed: time.Second}, 0, false},
		{"unpaced: the pace so far", Progress{Done: 100, Total: 400, Elapsed: 10 * time.Second}, 30 * time.Second, true},
		{
			// --limit 150 of 10,000 rows: 50 sends are left, each row so
			// far was sent, so 50 rows' time.
			"a limit: only the sends it leaves",
			Progress{Done: 100, Total: 10000, Elapsed: 10 * time.Second, Limit: 150,
				Counts: report.Counts{report.Created: 100}},
			5 * time.Second, true,
		},
		{
			"a limit reached: nothing left to send",
			Progress{Done: 100, Total: 10000, Elapsed: 10 * time.Second, Limit: 50,
				Counts: report.Counts{report.Created: 50, report.Skipped: 50}},
			0, true,
		},
		{
			"paced: the budget, every row sent",
			Progress{Done: 100, Total: 1100, Elapsed: 10 * time.Second, Allowed: 2,
				Counts: report.Counts{report.Created: 90, report.Conflict: 5, report.Failed: 5}},
			500 * time.Second, true,
		},
		{
			"paced: invalid rows cost no request",
			Progress{Done: 100, Total: 1100, Elapsed: 10 * time.Second, Allowed: 2,
				Counts: report.Counts{report.Created: 50, report.Invalid: 50}},
			250 * time.Second, true,
		},
		{
			"paced but slower than the budget: the pace so far",
			Progress{Done: 10, Total: 20, Elapsed: 100 * time.Second, Allowed: 2,
				Counts: report.Counts{report.Created: 10}},
			100 * time.Second, true,
		},
		{
			// 100 rows updated with a file each, and the positions listed:
			// 201 requests, so the 1000 rows left cost 2010 at 2 a second.
			"paced: updates and files count, every request does",
			Progress{Done: 100, Total: 1100, Elapsed: 10 * time.Second, Allowed: 2, Requests: 201,
				Counts: report.Counts{report.Updated: 100}},
			1005 * time.Second, true,
		},
		{"done past a guessed total", Progress{Done: 12, Total: 10, Elapsed: time.Second}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.ETA()
			if got != tt.want || ok != tt.ok {
				t.Errorf("ETA() = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// writeCandidates writes rows candidates to dir/candidates.csv, every
// invalidEvery-th with an email that fails the checks (0: none).
func writeCandidates(t testing.TB, dir string, rows, invalidEvery int) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "note"})
	for i := 1; i <= rows; i++ {
		email := fmt.Sprintf("person%d@example.com", i)
		if invalidEvery > 0 && i%invalidEvery == 0 {
			email = "not an email"
		}
		w.Write([]string{"11.11", fmt.Sprintf("P%06d", i), "Dana", "Levi", email, "met at a meetup,\nwants remote"})
	}
	w.Flush()
	path := filepath.Join(dir, "candidates.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunReportsProgress(t *testing.T) {
	dir := t.TempDir()
	const rows = 50
	var seen []Progress
	cfg := Config{
		Input:    writeCandidates(t, dir, rows, 10),
		DryRun:   true,
		NoLedger: true,
		Logger:   zerolog.Nop(),
		Progress: func(p Progress) {
			c := p
			c.Counts = report.Counts{report.Valid: p.Counts[report.Valid], report.Invalid: p.Counts[report.Invalid]}
			seen = append(seen, c)
		},
	}
	sum, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(seen) != rows {
		t.Fatalf("Progress called %d times, want %d", len(seen), rows)
	}
	for i, p := range seen {
		// A dry run does not read the file twice to count it.
		if p.Done != i+1 || p.Total != 0 || p.Allowed != 0 {
			t.Fatalf("call %d: Done %d, Total %d, Allowed %v; want %d, 0, 0", i, p.Done, p.Total, p.Allowed, i+1)
		}
	}
	last := seen[rows-1]
	if last.Counts[report.Valid] != 45 || last.Counts[report.Invalid] != 5 {
		t.Errorf("last counts = %v, want 45 valid, 5 invalid", last.Counts)
	}
	if sum.Counts[report.Valid] != 45 {
		t.Errorf("summary valid = %d, want 45", sum.Counts[report.Valid])
	}
}

func TestRunProgressOnStdinHasNoTotal(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(writeCandidates(t, dir, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	var last Progress
	_, err = Run(t.Context(), Config{
		Input: Stdin, Stdin: bytes.NewReader(data), ReportPath: filepath.Join(dir, "r.csv"),
		ErrorsPath: filepath.Join(dir, "e.csv"), DryRun: true, NoLedger: true,
		Logger: zerolog.Nop(), Progress: func(p Progress) { last = p },
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if last.Done != 3 || last.Total != 0 {
		t.Errorf("last progress: Done %d, Total %d; want 3, 0 (unknown)", last.Done, last.Total)
	}
}

func TestBudgetUsed(t *testing.T) {
	t0 := time.Unix(1000, 0)
	perSecond := pace.Rate{N: 100, Per: 2 * time.Second} // 50 a second
	tests := []struct {
		name     string
		requests int
		span     time.Duration
		rate     pace.Rate
		want     float64
	}{
		{"unpaced", 10, time.Second, pace.Rate{}, 0},
		{"nothing sent", 0, 0, perSecond, 0},
		{"exactly the budget", 51, time.Second, perSecond, 1},
		{"half the budget", 26, time.Second, perSecond, 0.5},
		{"faster than the budget counts as all of it", 101, time.Second, perSecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s stats
			s.started(t0)
			s.requests = tt.requests
			s.last = t0.Add(tt.span)
			if got := s.budgetUsed(tt.rate); got != tt.want {
				t.Errorf("budgetUsed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestImportProgressKnowsTheTotal(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	cfg := testConfig(writeInput(t, testHeader, testRows(7)), srv)
	cfg.Rate = pace.Rate{N: 1000, Per: time.Second}
	var last Progress
	cfg.Progress = func(p Progress) { last = p }
	if _, err := Run(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if last.Done != 7 || last.Total != 7 || last.Allowed <= 0 {
		t.Fatalf("last progress: Done %d, Total %d, Allowed %v; want 7, 7 and the paced rate", last.Done, last.Total, last.Allowed)
	}
}

func TestRunStreamsRowsInInputOrder(t *testing.T) {
	dir := t.TempDir()
	const rows = 30
	var got []report.Result
	var cells [][]string
	cfg := Config{
		Input: writeCandidates(t, dir, rows, 5), DryRun: true, NoLedger: true, Logger: zerolog.Nop(),
		OnRow: func(res *report.Result, fields []string) {
			got = append(got, *res)
			cells = append(cells, slices.Clone(fields))
		},
	}
	sum, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(got) != rows {
		t.Fatalf("OnRow called %d times, want %d", len(got), rows)
	}
	invalid := 0
	for i, r := range got {
		if r.Row != i+1 {
			t.Fatalf("call %d: row %d, want %d (input order)", i, r.Row, i+1)
		}
		if len(cells[i]) == 0 {
			t.Errorf("row %d: no input cells", r.Row)
		}
		if r.Outcome == report.Invalid {
			invalid++
			if r.Message == "" {
				t.Errorf("row %d: invalid with no message", r.Row)
			}
		}
	}
	if invalid != sum.Counts[report.Invalid] || invalid == 0 {
		t.Errorf("streamed %d invalid rows, summary says %d", invalid, sum.Counts[report.Invalid])
	}
}

// Issue 17: a workbook's progress has a total (its sheet's rows) and so an
// ETA, on the run that takes hours.
func TestWorkbookProgressHasATotal(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	f := excelize.NewFile()
	rows := append([][]string{rigHeader}, rigRows(1, 5)...)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	f.SetSheetDimension("Sheet1", "A1:F6") // as Excel writes it
	g.cfg.Input = filepath.Join(g.dir, "candidates.xlsx")
	if err := f.SaveAs(g.cfg.Input); err != nil {
		t.Fatal(err)
	}
	var seen []Progress
	g.cfg.Progress = func(p Progress) { seen = append(seen, p) }
	if _, err := Run(t.Context(), g.cfg); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 || seen[0].Total != 5 {
		t.Fatalf("progress %+v, want 5 updates with a total of 5", seen)
	}
	if _, ok := seen[4].ETA(); !ok {
		t.Error("no ETA with the total known")
	}
}
