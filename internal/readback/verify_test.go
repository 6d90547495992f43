package readback

import (
	"context"
	"database/sql"
	"errors"
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

// Issue 16: a GET answered with another candidate's uid was reported
// present; a read that failed quoted the answer's cut body (a candidate's
// names and phone) in verify.csv. Now the first is failed naming both
// uids, and no body is quoted.
func TestVerifyDoesNotTrustOrQuoteAnswers(t *testing.T) {
	g := newRig(t)
	g.writeInput(1, 3)
	lines := g.mustRun()
	private := []string{"Dana", "Levi", "+972", "050-123"}
	g.srv.Inject(
		comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 200, ContentType: "application/json",
			Body: []byte(`{"uid":"99.999","position_uid":"11.11","status":"In progress"}`)}},
		comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 502, ContentType: "text/html",
			Body: []byte(`<html>upstream sent: first_name Dana last_name Levi phone +972 050-1234567`)}},
		comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 200, ContentType: "application/json",
			Body: []byte(`{"uid":"` + lines[2]["candidate_uid"] + `","first_name":"Dana","last_name":"Levi","phone":"+972 050-123`)}},
	)
	vc := g.verifyConfig("verify.csv")
	res, err := Verify(t.Context(), vc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdicts[VerifyPresent] != 0 || res.Verdicts[VerifyFailed] != 3 {
		t.Errorf("verdicts %v, want 3 failed", res.Verdicts)
	}
	got := readCSVMaps(t, vc.ReportPath)
	if len(got) != 3 {
		t.Fatalf("got %d lines, want 3: %v", len(got), got)
	}
	if d := got[0]["detail"]; got[0]["verdict"] != VerifyFailed || !strings.Contains(d, "99.999") || !strings.Contains(d, lines[0]["candidate_uid"]) {
		t.Errorf("another uid: got %s %q, want failed naming both uids", got[0]["verdict"], d)
	}
	raw, _ := os.ReadFile(vc.ReportPath)
	for _, p := range private {
		if strings.Contains(string(raw), p) {
			t.Errorf("verify.csv quotes %q from an answer:\n%s", p, raw)
		}
	}
}

// Issue 16: two verify runs on one ledger and one report tore its lines.
// A verify holds the report while it writes; a second one is refused,
// naming the report, and leaves it as it was.
func TestVerifyReportHasOneWriter(t *testing.T) {
	g := newRig(t)
	g.writeInput(1, 3)
	g.mustRun()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultHold, Release: release, Arrived: func() { arrived <- struct{}{} }})
	vc := g.verifyConfig("verify.csv")
	first := make(chan error, 1)
	go func() {
		_, err := Verify(context.Background(), vc)
		first <- err
	}()
	<-arrived // the first verify holds the report and waits for Comeet
	res, err := Verify(t.Context(), vc)
	var se *SettingError
	if !errors.As(err, &se) || se.Setting != SettingReport || !errors.Is(err, ErrReportBusy) {
		t.Errorf("second verify: got %v, want a SettingError for the report wrapping ErrReportBusy", err)
	}
	if res.Report != "" || res.Read != 0 {
		t.Errorf("second verify: %+v, want nothing read and no report", res)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first verify: %v", err)
	}
	got := readCSVMaps(t, vc.ReportPath)
	if len(got) != 3 {
		t.Fatalf("report holds %d lines, want 3: %v", len(got), got)
	}
	for _, l := range got {
		if l["verdict"] != VerifyPresent {
			t.Errorf("line %v, want present", l)
		}
	}
}

// Issue 16: a ledger found damaged midway ended verify with exit 1, as if
// candidates were missing; it is the ledger's error, as at open.
func TestVerifyLedgerDamagedMidway(t *testing.T) {
	g := newRig(t)
	g.writeInput(1, 3)
	g.mustRun()
	db, err := sql.Open("sqlite", g.cfg.WithDefaults().LedgerPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE entries SET files = x'ffffffffffffffffffff' WHERE partner_candidate_id = 'P00002'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Verify(t.Context(), g.verifyConfig("verify.csv"))
	var se *SettingError
	if !errors.As(err, &se) || se.Setting != SettingLedger || !strings.Contains(err.Error(), "ledger each") {
		t.Errorf("got %v, want a SettingError for the ledger, found reading its entries", err)
	}
}
