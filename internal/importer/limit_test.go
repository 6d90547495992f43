package importer

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// limitInput has six rows; the second is invalid and so does not count
// towards --limit.
const limitInput = "position_uid,partner_candidate_id,first_name,last_name,email\n" +
	"11.11,L1,Dana,Levi,\n" +
	"11.11,L2,Bad,Row,bad@\n" +
	"11.11,L3,Omer,Katz,\n" +
	"11.11,L4,Noa,Mizrahi,\n" +
	"11.11,L5,Avi,Biton,\n" +
	"11.11,L5,Avi,Biton,\n"

func TestLimit(t *testing.T) {
	const skipped = "not sent: --limit 2 reached"
	tests := []struct {
		name   string
		dryRun bool
		want   []report.Outcome
	}{
		{name: "import", want: []report.Outcome{report.Created, report.Invalid, report.Created, report.Skipped, report.Skipped, report.Invalid}},
		{name: "validate", dryRun: true, want: []report.Outcome{report.Valid, report.Invalid, report.Valid, report.Skipped, report.Skipped, report.Invalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, comeettest.Options{})
			cfg := dryConfig(t, "")
			cfg.Input = writeFile(t, filepath.Join(t.TempDir(), "in.csv"), limitInput)
			if !tt.dryRun {
				cfg = importConfig(cfg, srv)
			}
			cfg.Limit = 2
			mustRun(t, cfg)
			rows := readCSVMaps(t, cfg.ReportPath)
			var got []report.Outcome
			for _, r := range rows {
				got = append(got, report.Outcome(r["outcome"]))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got outcomes %q, want %q", got, tt.want)
			}
			for _, i := range []int{3, 4} {
				if rows[i]["message"] != skipped {
					t.Errorf("row %d: got message %q, want %q", i+1, rows[i]["message"], skipped)
				}
			}
			var sent []string
			for _, rq := range srv.Requests() {
				sent = append(sent, rq.Candidate.PartnerCandidateID)
			}
			wantSent := []string{"L1", "L3"}
			if tt.dryRun {
				wantSent = nil
			}
			if !reflect.DeepEqual(sent, wantSent) {
				t.Errorf("got sent %q, want %q", sent, wantSent)
			}
		})
	}
}
