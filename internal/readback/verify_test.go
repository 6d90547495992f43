package readback

import (
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

func TestVerifyReportsWhatBecameOfEachCandidate(t *testing.T) {
	g := newRig(t)
	g.writeInput(1, 5)
	lines := g.mustRun()
	uids := make([]string, len(lines))
	for i, l := range lines {
		uids[i] = l["candidate_uid"]
	}
	// Row 6's answer is lost: Comeet created it, the ledger says failed.
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultLostReply})
	g.writeInput(1, 6)
	lines = g.mustRun()
	wantOutcomes(t, lines, report.Skipped, report.Skipped, report.Skipped, report.Skipped, report.Skipped, report.Failed)

	g.srv.Delete(uids[1])
	g.srv.Merge(uids[2], g.seed(9))
	// Row 1 is read back in another position.
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{
		Status: 200, ContentType: "application/json",
		Body: []byte(`{"uid":"` + uids[0] + `","position_uid":"77.77","status":"In progress"}`),
	}})
	before := len(g.srv.Requests())
	vc := g.verifyConfig("verify.csv")
	res, err := Verify(t.Context(), vc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 5 || res.Requests != 6 || len(g.srv.Requests())-before != 6 {
		t.Errorf("read %d, %d requests (server saw %d); want 5 read back and 6 requests (5 reads, 1 list)", res.Read, res.Requests, len(g.srv.Requests())-before)
	}
	got := readCSVMaps(t, vc.ReportPath)
	want := []struct{ id, verdict string }{
		{"P00001", VerifyPositionChanged}, {"P00002", VerifyDeleted}, {"P00003", VerifyMerged},
		{"P00004", VerifyPresent}, {"P00005", VerifyPresent}, {"P00006", VerifyNotInLedger},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i]["partner_candidate_id"] != w.id || got[i]["verdict"] != w.verdict {
			t.Errorf("line %d: got %s %s (%s), want %s %s", i+1, got[i]["partner_candidate_id"], got[i]["verdict"], got[i]["detail"], w.id, w.verdict)
		}
	}
	if got[5]["candidate_uid"] == "" || got[5]["ledger_outcome"] != string(report.Failed) {
		t.Errorf("lost answer: got uid %q, ledger outcome %q; want Comeet's uid and failed", got[5]["candidate_uid"], got[5]["ledger_outcome"])
	}

	// A second verify resumes: nothing is read back again.
	before = len(g.srv.Requests())
	res, err = Verify(t.Context(), vc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 0 || res.Resumed != 5 || len(g.srv.Requests())-before != 1 {
		t.Errorf("resumed verify: read %d, resumed %d, %d requests; want 0, 5 and 1 (the list)", res.Read, res.Resumed, len(g.srv.Requests())-before)
	}
}

func TestVerifyLimit(t *testing.T) {
	g := newRig(t)
	g.writeInput(1, 4)
	g.mustRun()
	before := len(g.srv.Requests())
	vc := g.verifyConfig("verify.csv")
	vc.Limit = 2
	res, err := Verify(t.Context(), vc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 2 || len(g.srv.Requests())-before != 2 {
		t.Errorf("read %d with %d requests, want 2 and 2 (no list on a limited run)", res.Read, len(g.srv.Requests())-before)
	}
	// The next one reads the other two, then lists.
	res, err = Verify(t.Context(), vc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 2 || res.Resumed != 2 || res.Verdicts[VerifyPresent] != 2 {
		t.Errorf("second verify: %+v, want 2 read, 2 resumed, 2 present", res)
	}
	if lines := readCSVMaps(t, vc.ReportPath); len(lines) != 4 {
		t.Errorf("report holds %d lines, want 4", len(lines))
	}
}
