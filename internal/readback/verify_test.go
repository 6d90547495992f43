package readback

import (
	"os"
	"strings"
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

// An update whose answer was lost is in doubt in the ledger: verify reads
// the candidate and says, field by field, whether Comeet holds the values
// sent (the update arrived) or the earlier ones (it did not).
func TestVerifyComparesAnUpdateInDoubt(t *testing.T) {
	g := newRig(t)
	g.cfg.Update = true
	write := func(phone1, phone2 string) {
		t.Helper()
		csv := "position_uid,partner_candidate_id,first_name,last_name,phone\n" +
			"11.11,P00001,First1,Last," + phone1 + "\n11.11,P00002,First2,Last," + phone2 + "\n"
		if err := os.WriteFile(g.cfg.Input, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("+1 555 0101", "+1 555 0102")
	wantOutcomes(t, g.mustRun(), report.Created, report.Created)

	write("+1 555 0201", "+1 555 0202")
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Apply: true, // applied, answer cut
		Raw: comeettest.RawAnswer{Status: 200, ContentType: "text/html", Body: []byte("<html>")}},
		comeettest.Fault{Kind: comeettest.FaultServerError, Status: 502}) // not applied
	wantOutcomes(t, g.mustRun(), report.Failed, report.Failed)

	vc := g.verifyConfig("verify.csv")
	if _, err := Verify(t.Context(), vc); err != nil {
		t.Fatal(err)
	}
	got := readCSVMaps(t, vc.ReportPath)
	want := []struct{ verdict, detail string }{
		{VerifyInDoubt, "Comeet holds the values sent for phone (it arrived)"},
		{VerifyInDoubt, "Comeet holds the earlier values of phone (it did not arrive)"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i]["verdict"] != w.verdict || !strings.Contains(got[i]["detail"], w.detail) {
			t.Errorf("line %d: got %s (%s), want %s with %q", i+1, got[i]["verdict"], got[i]["detail"], w.verdict, w.detail)
		}
	}
}
