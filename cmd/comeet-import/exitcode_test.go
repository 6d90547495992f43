package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// Every error a command returns maps to one code of the table, and --help
// lists every code.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"done", nil, exitOK},
		{"rows need a person", rowsFailedError{}, exitRowsFailed},
		{"rows need a person, told in the JSON summary", reportedError{rowsFailedError{}}, exitRowsFailed},
		{"configuration", &importer.ConfigError{Err: errors.New("no column feeds email")}, exitConfig},
		{"configuration, told in the JSON summary", reportedError{&importer.ConfigError{Err: errors.New("x")}}, exitConfig},
		{"usage", usageError{errors.New("unknown flag: --fast")}, exitConfig},
		{"credentials refused mid-run", fmt.Errorf("%w: clock skew", importer.ErrAuth), exitConfig},
		{"report not written", fmt.Errorf("%w: write report: no space left on device", importer.ErrReport), exitBroken},
		{"ledger not written", fmt.Errorf("%w: disk full", importer.ErrLedger), exitBroken},
		{"Comeet unreachable", fmt.Errorf("checking positions: %w: 503", importer.ErrUnreachable), exitBroken},
		{"input broken midway", fmt.Errorf("read in.csv: %w", io.ErrUnexpectedEOF), exitBroken},
		{"summary file not written", errors.New("--summary: permission denied"), exitBroken},
		{"interrupted", importer.ErrInterrupted, exitInterrupted},
		{"interrupted, told in the JSON summary", reportedError{importer.ErrInterrupted}, exitInterrupted},
		{"interrupted while opening", fmt.Errorf("open: %w", context.Canceled), exitInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
	long := newRootCmd().Long
	for _, code := range []int{exitOK, exitRowsFailed, exitConfig, exitBroken, exitInterrupted} {
		if !strings.Contains(long, fmt.Sprintf("\n  %-4d ", code)) {
			t.Errorf("--help does not list exit code %d:\n%s", code, long)
		}
	}
}

// Every command given an argument it does not take is a usage error (exit
// 2): "verify ledger.db" was exit 3, the code of a run that broke.
func TestStrayArgumentIsUsage(t *testing.T) {
	for _, c := range newRootCmd().Commands() {
		if c.HasSubCommands() || c.Name() == "help" {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			root := newRootCmd()
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			root.SetArgs([]string{c.Name(), "a.csv", "b.csv"})
			if _, err := root.ExecuteC(); exitCode(err) != exitConfig {
				t.Errorf("%s a.csv b.csv: exit %d (%v), want %d", c.Name(), exitCode(err), err, exitConfig)
			}
		})
	}
}

// A base URL with a password is refused by every command that takes one,
// before the ledger is opened (verify told "the ledger belongs to another
// account" instead), and the password is never quoted; a refused verify
// prints no "0 read back" result.
func TestBaseURLWithPasswordRefusedFirst(t *testing.T) {
	t.Setenv(envAPIKey, "key")
	t.Setenv(envSecret, "secret")
	ledger := filepath.Join(t.TempDir(), "absent.db")
	for _, args := range [][]string{
		{"verify", "--ledger", ledger},
		{"check"},
	} {
		root := newRootCmd()
		var out strings.Builder
		root.SetOut(&out)
		root.SetErr(io.Discard)
		root.SetArgs(append(args, "--base-url", "https://u:s3cretPASS@api.example.com"))
		_, err := root.ExecuteC()
		if strings.Contains(out.String(), "read back") {
			t.Errorf("%s: refused, but printed a result: %q", args[0], out.String())
		}
		if exitCode(err) != exitConfig || err == nil || !strings.Contains(err.Error(), "credentials in the url") || strings.Contains(err.Error(), "s3cretPASS") {
			t.Errorf("%s: exit %d (%v), want %d refusing the URL without its password", args[0], exitCode(err), err, exitConfig)
		}
	}
	root := newRootCmd()
	var out strings.Builder
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"verify", "--ledger", ledger, "--base-url", "http://127.0.0.1:1"})
	if _, err := root.ExecuteC(); exitCode(err) != exitConfig || strings.Contains(out.String(), "read back") {
		t.Errorf("verify of an absent ledger: exit %d (%v), printed %q; want %d and no result", exitCode(err), err, out.String(), exitConfig)
	}
}
