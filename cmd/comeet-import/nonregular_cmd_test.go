package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a FIFO that no one writes to.
func mkfifo(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// executeBounded runs the command like executeCmd and fails the test if it
// has not returned within a minute: only a hang is that slow.
func executeBounded(t *testing.T, ctx context.Context, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		root := newRootCmd()
		var buf bytes.Buffer
		root.SetOut(&buf)
		root.SetErr(&buf)
		root.SetArgs(args)
		_, err := root.ExecuteContextC(ctx)
		if err != nil {
			buf.WriteString(err.Error())
		}
		done <- result{exitCode(err), buf.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out
	case <-time.After(time.Minute):
		t.Fatalf("%v blocked", args)
		return 0, ""
	}
}

// Issue 9: a FIFO given as the mapping or a credentials file blocked the
// run in open(2); it is refused at once, naming the flag (exit 2).
func TestNonRegularFlagFilesAreRefused(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(input, []byte("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flag string
		args func(fifo string) []string
	}{
		{"--mapping", func(fifo string) []string {
			return []string{"validate", "--mapping", fifo, "--report", filepath.Join(t.TempDir(), "r.csv"), input}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			fifo := mkfifo(t, "secret")
			code, out := executeBounded(t, context.Background(), tt.args(fifo)...)
			if code != exitConfig {
				t.Errorf("exit %d, want %d\n%s", code, exitConfig, out)
			}
			for _, want := range []string{tt.flag, fifo, "not a regular file", "FIFO"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// A key or secret file may be a pipe (--api-key-file <(pass show ...)): it
// is read within a bound (secretPipeWait, 10 s, so a FIFO no one writes to
// ends the run with exit 2 naming the flag, instead of blocking it), and a
// writer that opens the FIFO after the reader is still read.
func TestSecretFilesMayBePipes(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(input, []byte("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	idle := mkfifo(t, "key")
	code, out := executeBounded(t, context.Background(), "validate", "--api-key-file", idle,
		"--report", filepath.Join(t.TempDir(), "r.csv"), input)
	if code != exitConfig || !strings.Contains(out, "--api-key-file") || !strings.Contains(out, "nothing came through the pipe") {
		t.Errorf("a FIFO no one writes to: exit %d, want %d naming the flag and the pipe\n%s", code, exitConfig, out)
	}

	fed := mkfifo(t, "secret")
	go func() {
		// Opening for writing waits for the reader: the command's open.
		w, err := os.OpenFile(fed, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString("the-key\n")
		w.Close()
	}()
	b, err := readSmallFile(fed, maxSecretFileBytes)
	if err != nil || string(b) != "the-key\n" {
		t.Errorf("a FIFO with a writer: got %q, %v; want the key", b, err)
	}
}

// Issue 9: `mapping FIFO` waited for a writer for ever, deaf to SIGTERM; it
// opens its input with the command's context, so an interruption ends it.
func TestMappingOfAFIFOEndsOnInterruption(t *testing.T) {
	fifo := mkfifo(t, "in.csv")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out := executeBounded(t, ctx, "mapping", fifo)
	if code == exitOK {
		t.Errorf("exit 0 on an interrupted read:\n%s", out)
	}
	if !strings.Contains(out, "interrupted") {
		t.Errorf("output does not say the read was interrupted:\n%s", out)
	}
}

// Issue 16: --files-dir naming a FIFO called x.zip blocked in open(2) for
// ever, deaf to TERM and INT; it is refused at once, naming the flag.
func TestFilesDirFIFOIsRefused(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(input, []byte("position_uid,partner_candidate_id,first_name,last_name,resume\n11.11,A1,Dana,Levi,cv.pdf\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x.zip", "files"} {
		fifo := mkfifo(t, name)
		code, out := executeBounded(t, context.Background(), "validate", "--files-dir", fifo,
			"--report", filepath.Join(t.TempDir(), "r.csv"), input)
		if code != exitConfig {
			t.Errorf("%s: exit %d, want %d\n%s", name, code, exitConfig, out)
		}
		// The message is the files directory's (main prints it as --files-dir's).
		for _, want := range []string{"the files directory", fifo, "not a regular file"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", name, want, out)
			}
		}
	}
}

// Issue 16: verify printed "report: PATH" when it had written nothing.
func TestVerifyNamesNoReportItDidNotWrite(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "verify.csv")
	code, out := executeBounded(t, context.Background(), "verify", "--ledger", filepath.Join(dir, "none.ledger.db"),
		"--report", report, "--base-url", "http://127.0.0.1:1", "--log-level", "error")
	if code != exitConfig {
		t.Errorf("exit %d, want %d\n%s", code, exitConfig, out)
	}
	if strings.Contains(out, "report: ") {
		t.Errorf("output names a report it did not write:\n%s", out)
	}
	if _, err := os.Stat(report); err == nil {
		t.Errorf("%s was written", report)
	}
}
