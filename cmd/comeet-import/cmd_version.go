package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at link time where the build has no VCS information (the Dockerfile
// leaves .git out of the build context):
//
//	go build -ldflags "-X main.linkedVersion=v1.2.0 -X main.linkedCommit=$(git rev-parse HEAD) -X main.linkedDate=2026-12-02T03:00:00Z"
//
// A value set here wins over the build information.
var (
	linkedVersion string
	linkedCommit  string
	linkedDate    string
)

// versionInfo is what `version` and `--version` print.
type versionInfo struct {
	Version  string // module version, e.g. v1.2.0, or "(devel)"
	Commit   string // VCS revision
	Date     string // commit time (vcs.time), or the build date given at link time
	Modified bool   // built from a work tree with uncommitted changes
	Go       string // toolchain
}

// linkedInfo is what the link-time variables hold.
func linkedInfo() versionInfo {
	return versionInfo{Version: linkedVersion, Commit: linkedCommit, Date: linkedDate}
}

// versionFrom reads the version from the build information (nil when the
// binary has none), with the link-time values taking precedence.
func versionFrom(bi *debug.BuildInfo, linked versionInfo) versionInfo {
	v := versionInfo{Go: runtime.Version()}
	if bi != nil {
		v.Version = bi.Main.Version
		if bi.GoVersion != "" {
			v.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if linked.Version != "" {
		v.Version = linked.Version
	}
	if linked.Commit != "" {
		v.Commit, v.Modified = linked.Commit, false
	}
	if linked.Date != "" {
		v.Date = linked.Date
	}
	return v
}

// currentVersion is this binary's version.
func currentVersion() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return versionFrom(bi, linkedInfo())
}

// String is the text of `version`: one line a fact, "unknown" where the
// build did not say.
func (v versionInfo) String() string {
	or := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	commit := or(v.Commit)
	if v.Modified {
		commit += " (modified)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "comeet-import %s\n", or(v.Version))
	fmt.Fprintf(&b, "commit  %s\n", commit)
	fmt.Fprintf(&b, "date    %s\n", or(v.Date))
	fmt.Fprintf(&b, "go      %s\n", or(v.Go))
	return b.String()
}

// addVersion gives root a --version flag and a version command that print
// the same text.
func addVersion(root *cobra.Command) {
	v := currentVersion()
	root.Version = v.Version
	if root.Version == "" {
		root.Version = "unknown"
	}
	// Cobra prints the template through text/template: keep the braces of
	// a value from being read as an action.
	root.SetVersionTemplate(`{{printf "%s" .Annotations.versionText}}`)
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations["versionText"] = v.String()
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit and the date it was built from",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), v.String())
			return err
		},
	})
}
