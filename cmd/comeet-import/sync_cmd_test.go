package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

func TestCheckListsPositions(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Positions: []string{}})
	t.Cleanup(srv.Close)
	srv.AddPosition("11.11", "Backend engineer", comeet.PositionOpen)
	srv.AddPosition("22.22", "Designer\twith a tab", comeet.PositionClosed)
	code, out, err := executeCmd(t, "check", "--base-url", srv.URL, "--log-level", "error")
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	for _, want := range []string{"ok:", "positions these credentials can see: 2 (1 open)", "11.11", "Backend engineer", "open", "22.22", "Designer with a tab", "closed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
}

// syncInput writes a CSV of two candidates in positions a and b.
func syncInput(t *testing.T, dir, a, b, nameB string) string {
	t.Helper()
	p := filepath.Join(dir, "in.csv")
	body := "position_uid,partner_candidate_id,first_name,last_name\n" +
		a + ",P1,Ann,One\n" + b + ",P2," + nameB + ",Two\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateOnlineAndImportUpdate(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Positions: []string{"11.11"}})
	t.Cleanup(srv.Close)
	srv.AddPosition("22.22", "Closed one", comeet.PositionClosed)
	dir := t.TempDir()
	t.Setenv(envAPIKey, "")
	t.Setenv(envSecret, "")
	// validate has no --rate: its few look-ups take Comeet's own pace.
	online := []string{"--base-url", srv.URL, "--log-level", "error", "--progress", "none"}
	common := append(online, "--rate", "none")

	in := syncInput(t, dir, "11.11", "22.22", "Bob")
	code, out, err := executeCmd(t, append([]string{"validate", in, "--online"}, online...)...)
	if code != exitRowsFailed {
		t.Fatalf("validate --online: exit %d (%v), want %d for the closed position; %s", code, err, exitRowsFailed, out)
	}
	rep, _ := os.ReadFile(filepath.Join(dir, "in.report.csv"))
	if !strings.Contains(string(rep), "position_closed") {
		t.Errorf("report lacks position_closed:\n%s", rep)
	}

	in = syncInput(t, dir, "11.11", "11.11", "Bob")
	if code, out, err := executeCmd(t, append([]string{"import", in}, common...)...); code != exitOK {
		t.Fatalf("import: exit %d (%v); %s", code, err, out)
	}
	in = syncInput(t, dir, "11.11", "11.11", "Robert")
	// validate --update says what the import would send, in its line and
	// its JSON summary.
	sumPath := filepath.Join(dir, "validate.summary.json")
	code, out, err = executeCmd(t, append([]string{"validate", in, "--update", "--summary", sumPath}, online...)...)
	if code != exitOK {
		t.Fatalf("validate --update: exit %d (%v); %s", code, err, out)
	}
	if js, _ := os.ReadFile(sumPath); !strings.Contains(string(js), `"requests_planned": {`) || !strings.Contains(string(js), `"update": 1`) {
		t.Errorf("validate's JSON summary lacks the planned update:\n%s", js)
	}
	code, out, err = executeCmd(t, append([]string{"import", in, "--update", "--patch-fields", "narrow", "--summary", sumPath}, common...)...)
	if code != exitOK {
		t.Fatalf("import --update: exit %d (%v); %s", code, err, out)
	}
	if js, _ := os.ReadFile(sumPath); !strings.Contains(string(js), `"requests_by_kind": {`) || !strings.Contains(string(js), `"update": 1`) {
		t.Errorf("import's JSON summary lacks the update it sent:\n%s", js)
	}
	rep, _ = os.ReadFile(filepath.Join(dir, "in.report.csv"))
	if !strings.Contains(string(rep), "updated first_name") {
		t.Errorf("report lacks the update:\n%s", rep)
	}
	if code, _, _ := executeCmd(t, append([]string{"import", in, "--update", "--patch-fields", "all"}, common...)...); code != exitConfig {
		t.Errorf("--patch-fields all: exit %d, want %d", code, exitConfig)
	}

	vout := filepath.Join(dir, "verify.csv")
	code, out, err = executeCmd(t, "verify", "--ledger", filepath.Join(dir, "comeet-import.ledger.db"), "--report", vout,
		"--base-url", srv.URL, "--log-level", "error", "--rate", "none")
	if code != exitOK {
		t.Fatalf("verify: exit %d (%v); %s", code, err, out)
	}
	if !strings.Contains(out, "2 read back") || !strings.Contains(out, "present") {
		t.Errorf("verify printed %q, want 2 read back, present", out)
	}
}
