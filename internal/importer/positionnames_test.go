package importer

import (
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// A position_uid cell may hold the position's name: with the positions
// checked, it is resolved through the one list the run fetched, whatever
// its case and spaces; a name two positions share is the row's problem,
// naming both uids; a name no position bears is unknown.
func TestPositionNamedByItsName(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.srv.AddPosition("11.11", "Backend Engineer", comeet.PositionOpen)
	g.srv.AddPosition("44.44", "Designer", comeet.PositionOpen)
	g.srv.AddPosition("55.55", "Designer", comeet.PositionClosed)
	g.srv.AddPosition("66.66", "Night Nurse", comeet.PositionClosed)
	rows := syncRows(1, 6)
	rows[0][0] = "Backend Engineer"
	rows[1][0] = "  backend   ENGINEER "
	rows[2][0] = "designer"
	rows[3][0] = "Sales Manager"
	rows[4][0] = "night nurse"
	// rows[5] keeps the uid 11.11.
	g.writeInputWith(syncHeader, rows)
	g.cfg.CheckPositions = true

	t.Run("validate", func(t *testing.T) {
		cfg := g.cfg
		cfg.DryRun = true
		before := len(g.srv.Requests())
		if _, err := Run(t.Context(), cfg); err != nil {
			t.Fatal(err)
		}
		lines := g.report()
		wantRigOutcomes(t, lines, report.Valid, report.Valid, report.Invalid, report.Invalid, report.Invalid, report.Valid)
		for i, code := range []string{"", "", CodePositionAmbiguous, comeet.CodePositionNotFound, CodePositionClosed, ""} {
			if got := lines[i]["error_code"]; got != code {
				t.Errorf("row %d: code %q, want %q (%s)", i+1, got, code, lines[i]["message"])
			}
		}
		if msg := lines[2]["message"]; !strings.Contains(msg, "44.44") || !strings.Contains(msg, "55.55") {
			t.Errorf("row 3: message %q, want it to name both uids", msg)
		}
		if msg := lines[3]["message"]; !strings.Contains(msg, "no position these credentials can see in Comeet has this name") {
			t.Errorf("row 4: message %q, want it to say no position has this name", msg)
		}
		// The list only: a name no position bears is not looked up as a uid.
		if got := len(g.srv.Requests()) - before; got != 1 {
			t.Errorf("sent %d requests, want 1", got)
		}
	})
	t.Run("import", func(t *testing.T) {
		_, lines := g.mustRun()
		wantRigOutcomes(t, lines, report.Created, report.Created, report.Invalid, report.Invalid, report.Invalid, report.Created)
		if got := lines[0]["position_uid"]; got != "11.11" {
			t.Errorf("row 1: position_uid %q in the report, want the uid 11.11", got)
		}
		cands := g.srv.Candidates()
		if len(cands) != 3 {
			t.Fatalf("Comeet holds %d candidates, want 3", len(cands))
		}
		for _, c := range cands {
			if c.Candidate.PositionUID != "11.11" {
				t.Errorf("candidate %s on position %q, want 11.11", c.UID, c.Candidate.PositionUID)
			}
		}
	})
}

func TestPositionNamesResolve(t *testing.T) {
	list := map[string]*comeet.Position{
		"11.11": {UID: "11.11", Name: "Backend Engineer", Status: comeet.PositionOpen},
		"22.22": {UID: "22.22", Name: "Designer", Status: comeet.PositionOpen},
		"33.33": {UID: "33.33", Name: "designer", Status: comeet.PositionOnHold},
		"44.44": {UID: "44.44", Name: "11.11", Status: comeet.PositionOpen}, // a name equal to a uid
		"99.99": nil,                                                        // looked up, unknown
	}
	n := newPositionNames(list)
	tests := []struct {
		value, want, code string
	}{
		{"11.11", "11.11", ""}, // a uid wins over a name equal to it
		{"Backend Engineer", "11.11", ""},
		{"\tBACKEND \u00a0 engineer ", "11.11", ""},
		{"Designer", "Designer", CodePositionAmbiguous},
		{"Sales", "Sales", comeet.CodePositionNotFound}, // a name no position bears
		{"77.77", "77.77", ""},                          // a uid's shape: left for the look-up
		{"", "", ""},
	}
	for _, tt := range tests {
		got, prob := n.resolve(tt.value)
		code := ""
		if prob != nil {
			code = prob.Code
			if prob.Field != comeet.FieldPositionUID || code == CodePositionAmbiguous && (!strings.Contains(prob.Message, "22.22") || !strings.Contains(prob.Message, "33.33 (on hold)")) {
				t.Errorf("resolve(%q): problem %+v, want both uids and their statuses on position_uid", tt.value, prob)
			}
		}
		if got != tt.want || code != tt.code {
			t.Errorf("resolve(%q) = %q, %q; want %q, %q", tt.value, got, code, tt.want, tt.code)
		}
	}
}

// An import needs no flag for a position named by its name: the first row
// that names one lists the positions (one request), every named row is
// sent with its uid, and only a name that is unknown, closed or shared is
// refused; a run of uids lists nothing. validate with the credentials says
// the same, through the same one list; without them it says a name is not
// checked rather than letting it pass silently, and promises no create
// for it.
func TestPositionNamesResolvedWithoutAFlag(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.srv.AddPosition("11.11", "Backend Engineer", comeet.PositionOpen)
	g.srv.AddPosition("66.66", "Night Nurse", comeet.PositionClosed)
	rows := syncRows(1, 4)
	rows[0][0] = "Backend Engineer"
	rows[1][0] = "Night Nurse"
	rows[2][0] = "Sales Manager"
	// rows[3] keeps the uid 11.11.
	g.writeInputWith(syncHeader, rows)

	t.Run("validate offline", func(t *testing.T) {
		cfg := g.cfg
		cfg.DryRun, cfg.APIKey, cfg.Secret = true, "", ""
		res, err := Run(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		lines := g.report()
		for i := range 3 {
			if msg := lines[i]["message"]; !strings.Contains(msg, "is a name, not a uid") {
				t.Errorf("row %d: message %q, want it to say the name is not checked", i+1, msg)
			}
		}
		if msg := lines[3]["message"]; msg != "" {
			t.Errorf("row 4: message %q, want none for a uid", msg)
		}
		if n := len(g.srv.Requests()); n != 0 {
			t.Errorf("validate sent %d requests, want 0", n)
		}
		if res.Planned == nil || res.Planned.Positions != 1 || res.Planned.Create != 1 {
			t.Errorf("planned %+v, want the one list of positions an import reads and the one create of the uid's row", res.Planned)
		}
		if res.PositionsUnchecked != 3 || !strings.Contains(res.String(), "3 valid rows name their position by name, unchecked without the account's credentials") {
			t.Errorf("summary %q (positions_unchecked %d), want the 3 named rows counted", res.String(), res.PositionsUnchecked)
		}
	})
	codes := []string{"", CodePositionClosed, comeet.CodePositionNotFound, ""}
	t.Run("validate with the credentials", func(t *testing.T) {
		cfg := g.cfg
		cfg.DryRun = true
		res, err := Run(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		lines := g.report()
		wantRigOutcomes(t, lines, report.Valid, report.Invalid, report.Invalid, report.Valid)
		wantCodes(t, lines, codes)
		if res.PositionsUnchecked != 0 || res.Planned == nil || res.Planned.Create != 2 {
			t.Errorf("positions_unchecked %d, planned %+v; want the names resolved and 2 creates", res.PositionsUnchecked, res.Planned)
		}
		wantPositionLists(t, g.srv, 1)
		if n := len(g.srv.Candidates()); n != 0 {
			t.Errorf("validate created %d candidates", n)
		}
	})
	t.Run("import", func(t *testing.T) {
		_, lines := g.mustRun()
		wantRigOutcomes(t, lines, report.Created, report.Invalid, report.Invalid, report.Created)
		wantCodes(t, lines, codes)
		wantPositionLists(t, g.srv, 2) // validate's and import's
		for _, c := range g.srv.Candidates() {
			if c.Candidate.PositionUID != "11.11" {
				t.Errorf("candidate %s on position %q, want 11.11", c.UID, c.Candidate.PositionUID)
			}
		}
	})
}

// wantCodes checks the report's error codes, row by row.
func wantCodes(t *testing.T, lines []map[string]string, codes []string) {
	t.Helper()
	for i, code := range codes {
		if got := lines[i]["error_code"]; got != code {
			t.Errorf("row %d: code %q, want %q (%s)", i+1, got, code, lines[i]["message"])
		}
	}
}

// wantPositionLists checks how many times srv was asked for the list of
// positions.
func wantPositionLists(t *testing.T, srv *comeettest.Server, want int) {
	t.Helper()
	lists := 0
	for _, r := range srv.Requests() {
		if r.Method == "GET" && r.Path == "/positions" {
			lists++
		}
	}
	if lists != want {
		t.Errorf("listed the positions %d times, want %d", lists, want)
	}
}
