package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// groupFlags are the flags of the shared groups (account, pacing, logging,
// input): each has one definition, so every command that takes one gives it
// the same default and the same help.
var groupFlags = []string{
	"base-url", "api-key-file", "api-secret-file",
	"rate", "rate-margin", "max-attempts", "timeout", "concurrency",
	"log-format", "log-level",
	"encoding", "delimiter", "sheet",
}

func TestSharedFlagsAgreeAcrossCommands(t *testing.T) {
	type seen struct{ cmd, def, usage string }
	first := map[string]seen{}
	uses := map[string]int{}
	for _, cmd := range newRootCmd().Commands() {
		if cmd.Name() == "sandbox" {
			continue // its --rate is the fake server's own limit, not a client's pace
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !slices.Contains(groupFlags, f.Name) {
				return
			}
			uses[f.Name]++
			got := seen{cmd.Name(), f.DefValue, f.Usage}
			want, ok := first[f.Name]
			if !ok {
				first[f.Name] = got
				return
			}
			if got.def != want.def || got.usage != want.usage {
				t.Errorf("--%s: %s has default %q, help %q; %s has %q, %q", f.Name, got.cmd, got.def, got.usage, want.cmd, want.def, want.usage)
			}
		})
	}
	// The groups are shared: verify and check take the account and logging
	// flags, verify the pacing too.
	for _, name := range []string{"base-url", "rate", "timeout", "log-format", "log-level"} {
		if uses[name] < 3 {
			t.Errorf("--%s is taken by %d commands, want import, validate and verify at least", name, uses[name])
		}
	}
}

// TestFlagCompletion: the shell completes the values of the flags that take
// one of a few words.
func TestFlagCompletion(t *testing.T) {
	tests := []struct {
		cmd, flag string
		want      []string
	}{
		{"import", "--log-format", logFormats},
		{"verify", "--log-level", logLevels},
		{"import", "--progress", []string{"auto", "bar", "log", "none"}},
		{"validate", "--patch-fields", []string{"narrow", "wide"}},
		{"import", "--fail-on", []string{"any", "new"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+" "+tt.flag, func(t *testing.T) {
			stdout, _, _ := execute(t, cobra.ShellCompRequestCmd, tt.cmd, tt.flag, "")
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
				t.Fatalf("not a completion answer: %q", stdout)
			}
			if got := lines[:len(lines)-1]; strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOnlineIsTheOldNameOfCheckPositions: validate --online still checks the
// positions, says it is deprecated, and is not in the help.
func TestOnlineIsTheOldNameOfCheckPositions(t *testing.T) {
	cmd := newImportCmd(true)
	if err := cmd.ParseFlags([]string{"--online"}); err != nil {
		t.Fatal(err)
	}
	if on, _ := cmd.Flags().GetBool("check-positions"); !on {
		t.Error("--online did not set --check-positions")
	}
	f := cmd.Flags().Lookup("online")
	if f == nil || !f.Hidden || f.Deprecated == "" {
		t.Errorf("--online: got %+v, want a hidden, deprecated flag", f)
	}
}
