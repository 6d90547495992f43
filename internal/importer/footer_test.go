package importer

import (
	"path/filepath"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// TestFooter: a closing "Total:" row is skipped as no candidate, by
// validate and import alike; a row that only looks like one, or one that is
// not the last, is reported invalid as before.
func TestFooter(t *testing.T) {
	const head = "position_uid,partner_candidate_id,first_name,last_name,email\n" +
		"11.11,F1,Dana,Levi,\n"
	tests := []struct {
		name, tail string
		want       report.Outcome
		message    string
	}{
		{"label and count", "Total:,,1,,\n\n,,,,\n", report.Skipped, `a footer ("Total: 1"), not a candidate: not sent`},
		{"short csv row", "Total: 1\n", report.Skipped, `a footer ("Total: 1"), not a candidate: not sent`},
		{"hebrew", ",,סה\"כ,1,\n", report.Skipped, `a footer ("סה\"כ 1"), not a candidate: not sent`},
		{"number in the id column", "Total:,7,,,\n", report.Invalid, ""},
		{"a name in it", "Total:,,Dana,,\n", report.Invalid, ""},
		{"two labels", "Total,Count,1,,\n", report.Invalid, ""},
		{"not the last", "Total:,,1,,\n11.11,F2,Omer,Katz,\n", report.Invalid, ""},
	}
	for _, tt := range tests {
		for _, dry := range []bool{true, false} {
			t.Run(tt.name, func(t *testing.T) {
				srv := newTestServer(t, comeettest.Options{})
				cfg := dryConfig(t, "")
				cfg.Input = writeFile(t, filepath.Join(t.TempDir(), "in.csv"), head+tt.tail)
				if !dry {
					cfg = importConfig(cfg, srv)
				}
				sum := mustRun(t, cfg)
				rows := readCSVMaps(t, cfg.ReportPath)
				footer := rows[1]
				if report.Outcome(footer["outcome"]) != tt.want || (tt.message != "" && footer["message"] != tt.message) {
					t.Errorf("dry %v: footer row: %s %q, want %s %q", dry, footer["outcome"], footer["message"], tt.want, tt.message)
				}
				if tt.want == report.Skipped && sum.Counts[report.Invalid] != 0 {
					t.Errorf("dry %v: %d rows counted invalid, want none", dry, sum.Counts[report.Invalid])
				}
			})
		}
	}
}
