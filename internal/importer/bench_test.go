package importer

import (
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// benchRows is the size of the generated input of the run benchmarks.
const benchRows = 5000

// BenchmarkValidate is rows per second through the whole dry run: read,
// map, check, report. Every op is one whole Run over benchRows rows.
func BenchmarkValidate(b *testing.B) {
	dir := b.TempDir()
	input := writeCandidates(b, dir, benchRows, 50)
	cfg := Config{Input: input, DryRun: true, NoLedger: true, Logger: zerolog.Nop()}
	b.ReportAllocs()
	for b.Loop() {
		sum, err := Run(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Counts.Total() != benchRows {
			b.Fatalf("%d rows reported, want %d", sum.Counts.Total(), benchRows)
		}
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImport is rows per second through a real import to the fake
// Comeet on loopback, unpaced and without a ledger: the importer's own
// overhead per request (the fake shares the process, so it is counted too).
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	input := writeCandidates(b, dir, benchRows, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		srv := comeettest.NewServer(comeettest.Options{}) // a fresh one: no conflicts
		b.StartTimer()
		sum, err := Run(b.Context(), Config{
			Input: input, NoLedger: true, Logger: zerolog.Nop(), Concurrency: 8,
			Account:    pace.Account{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret},
			ReportPath: filepath.Join(dir, "report.csv"), ErrorsPath: filepath.Join(dir, "errors.csv"),
		})
		b.StopTimer()
		srv.Close()
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		if got := sum.Counts[report.Created]; got != benchRows {
			b.Fatalf("%d created, want %d", got, benchRows)
		}
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}
