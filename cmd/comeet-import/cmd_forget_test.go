package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/ledger"
)

// TestForgetErasesACandidate: forget names what it erased, the ledger no
// longer knows the candidate, and the uid's bytes are gone from the file.
func TestForgetErasesACandidate(t *testing.T) {
	ledgerPath, _ := importForHistory(t)
	_, hist, _ := executeCmd(t, "history", "--ledger", ledgerPath)
	uid := ""
	for _, rec := range readHistory(t, hist)[1:] {
		if rec[1] == "B2" {
			uid = rec[4]
		}
	}
	if uid == "" || !inLedger(t, ledgerPath, uid) {
		t.Fatalf("B2's uid %q is not in the ledger before forget", uid)
	}
	code, out, err := executeCmd(t, "forget", "--ledger", ledgerPath, "--partner-id", "B2")
	if code != exitOK {
		t.Fatalf("forget: exit %d (%v)\n%s", code, err, out)
	}
	if !strings.Contains(out, "forgot 1 entry") || !strings.Contains(out, `partner id "B2"`) || !strings.Contains(out, uid) {
		t.Errorf("forget's output does not say what it erased:\n%s", out)
	}
	if inLedger(t, ledgerPath, uid) {
		t.Errorf("the uid %s is still in the ledger's bytes", uid)
	}
	_, hist, _ = executeCmd(t, "history", "--ledger", ledgerPath)
	if recs := readHistory(t, hist); len(recs) != 3 || strings.Contains(hist, "B2") {
		t.Errorf("history after forget:\n%s", hist)
	}

	// Again: nothing left to forget; then everything before tomorrow.
	if code, out, _ := executeCmd(t, "forget", "--ledger", ledgerPath, "--uid", uid); code != exitOK || !strings.Contains(out, "nothing to forget") {
		t.Errorf("forget a second time: exit %d\n%s", code, out)
	}
	if code, out, _ := executeCmd(t, "forget", "--ledger", ledgerPath, "--before", "2999-01-01"); code != exitOK || !strings.Contains(out, "forgot 2 entries") {
		t.Errorf("forget --before: exit %d\n%s", code, out)
	}
}

func TestForgetRefusals(t *testing.T) {
	ledgerPath, _ := importForHistory(t)
	for _, args := range [][]string{
		{"forget", "--ledger", ledgerPath},
		{"forget", "--ledger", ledgerPath, "--position", "11.11"},
		{"forget", "--ledger", ledgerPath, "--uid", "U", "--partner-id", "B2"},
		{"forget", "--ledger", ledgerPath, "--before", "last week"},
	} {
		if code, out, _ := executeCmd(t, args...); code != exitConfig {
			t.Errorf("%v: exit %d, want %d\n%s", args[2:], code, exitConfig, out)
		}
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, _ := executeCmd(t, "forget", "--ledger", missing, "--uid", "U"); code != exitConfig {
		t.Errorf("a missing ledger: exit %d, want %d", code, exitConfig)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("forget created a ledger")
	}
}

// TestCommandsRefuseACutLedger: a ledger cut inside its last page is
// refused by every command that reads it, naming the file.
func TestCommandsRefuseACutLedger(t *testing.T) {
	ledgerPath, _ := importForHistory(t)
	b, err := os.ReadFile(ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ledgerPath, b[:len(b)-300], 0o600); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(filepath.Dir(ledgerPath), "in.csv")
	for _, args := range [][]string{
		{"history", "--ledger", ledgerPath},
		{"report", "--ledger", ledgerPath},
		{"forget", "--ledger", ledgerPath, "--uid", "U"},
		{"verify", "--base-url", "http://127.0.0.1:1", "--ledger", ledgerPath},
		{"validate", "--ledger", ledgerPath, input},
		{"import", "--base-url", "http://127.0.0.1:1", "--ledger", ledgerPath, input},
	} {
		code, out, err := executeCmd(t, args...)
		if code == exitOK || !errors.Is(err, ledger.ErrDamaged) || !strings.Contains(err.Error(), ledgerPath) {
			t.Errorf("%s: exit %d (%v), want a refusal naming the damaged ledger\n%s", args[0], code, err, out)
		}
	}
}

func inLedger(t *testing.T, path, v string) bool {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return bytes.Contains(all, []byte(v))
}
