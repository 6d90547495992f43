package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/comeet-import/comeet-import", Version: "v1.2.0"}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	tests := []struct {
		name   string
		bi     *debug.BuildInfo
		linked versionInfo
		want   string
	}{
		{
			name: "tagged build with VCS information",
			bi:   vcs("vcs", "git", "vcs.revision", "0123456789abcdef0123456789abcdef01234567", "vcs.time", "2026-12-01T22:10:05Z", "vcs.modified", "false"),
			want: "comeet-import v1.2.0\ncommit  0123456789abcdef0123456789abcdef01234567\ndate    2026-12-01T22:10:05Z\ngo      go1.26.8\n",
		},
		{
			name: "uncommitted changes",
			bi:   vcs("vcs.revision", "0123456", "vcs.time", "2026-12-01T22:10:05Z", "vcs.modified", "true"),
			want: "comeet-import v1.2.0\ncommit  0123456 (modified)\ndate    2026-12-01T22:10:05Z\ngo      go1.26.8\n",
		},
		{
			name: "no VCS information (-buildvcs=false, or no .git)",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: "comeet-import (devel)\ncommit  unknown\ndate    unknown\ngo      go1.26.8\n",
		},
		{
			name:   "values given at link time win (the Docker image)",
			bi:     vcs("vcs.revision", "0123456", "vcs.modified", "true"),
			linked: versionInfo{Version: "v1.3.0", Commit: "fedcba9", Date: "2026-12-02T03:00:00Z"},
			want:   "comeet-import v1.3.0\ncommit  fedcba9\ndate    2026-12-02T03:00:00Z\ngo      go1.26.8\n",
		},
		{
			name: "no build information at all",
			bi:   nil,
			want: "comeet-import unknown\ncommit  unknown\ndate    unknown\ngo      " + runtime.Version() + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(tt.bi, tt.linked).String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestVersionCommand runs `version` and `--version` through the root
// command: both print the same text, on standard output, and exit 0.
func TestVersionCommand(t *testing.T) {
	want := currentVersion().String()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			root := newRootCmd()
			var stdout, stderr bytes.Buffer
			root.SetOut(&stdout)
			root.SetErr(&stderr)
			root.SetArgs(args)
			if err := root.Execute(); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			if stdout.String() != want {
				t.Errorf("%v printed\n%s\nwant\n%s", args, stdout.String(), want)
			}
			if stderr.Len() != 0 {
				t.Errorf("%v wrote to standard error: %s", args, stderr.String())
			}
		})
	}
	root := newRootCmd()
	root.SetOut(new(bytes.Buffer))
	root.SetErr(new(bytes.Buffer))
	root.SetArgs([]string{"version", "extra"})
	if err := root.Execute(); err == nil {
		t.Error("version with an argument: no error")
	}
}

// TestVersionLinkedIntoTheBinary builds the command with the -X flags the
// Dockerfile passes, and runs its version command: a renamed variable
// would silently leave the image's version "unknown".
func TestVersionLinkedIntoTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	dockerfile, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var vars []string
	for _, m := range regexp.MustCompile(`-X (main\.\w+)=`).FindAllStringSubmatch(string(dockerfile), -1) {
		vars = append(vars, m[1])
	}
	slices.Sort(vars)
	if want := []string{"main.linkedCommit", "main.linkedDate", "main.linkedVersion"}; !slices.Equal(vars, want) {
		t.Fatalf("the Dockerfile sets %v, want %v", vars, want)
	}

	bin := buildBinary(t) // linked with testLinked
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	want := "comeet-import " + testLinked.Version + "\ncommit  " + testLinked.Commit + "\ndate    " + testLinked.Date + "\ngo      " + runtime.Version() + "\n"
	if string(out) != want {
		t.Errorf("version printed\n%s\nwant\n%s", out, want)
	}
}
