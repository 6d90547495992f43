package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra/doc"
)

// flagDocsDir holds the flag reference, one Markdown file per command,
// generated from the commands themselves.
var flagDocsDir = filepath.Join("..", "..", "docs", "flags")

// regenerateFlagDocs is the command that rewrites the reference.
const regenerateFlagDocs = "go test ./cmd/comeet-import -run TestFlagDocs -update"

// TestFlagDocs fails when docs/flags no longer says what the commands
// take: a flag or a command was added, removed or reworded. -update
// rewrites the folder.
func TestFlagDocs(t *testing.T) {
	got := generateFlagDocs(t)
	if *update {
		writeFlagDocs(t, got)
	}
	want := map[string]string{}
	entries, err := os.ReadDir(flagDocsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(flagDocsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want[e.Name()] = string(b)
	}
	var stale []string
	for name, text := range got {
		if want[name] != text {
			stale = append(stale, name)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			stale = append(stale, name+" (no such command any more)")
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		t.Errorf("the flag reference in docs/flags is stale (a command or flag changed): %s\nregenerate it with\n\t%s\nand commit docs/flags", strings.Join(stale, ", "), regenerateFlagDocs)
	}
}

// generateFlagDocs renders every command's page, by file name.
func generateFlagDocs(t *testing.T) map[string]string {
	t.Helper()
	// A default taken from the environment (a folder in the home) must
	// read the same on every machine.
	for _, env := range []string{"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(env, "")
	}
	t.Setenv("HOME", "/home/you")
	root := newRootCmd()
	root.DisableAutoGenTag = true // no date: the pages change only with the commands
	// What Execute adds: --version and the completion command.
	root.InitDefaultVersionFlag()
	root.InitDefaultCompletionCmd()
	dir := t.TempDir()
	if err := doc.GenMarkdownTree(root, dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		pages[e.Name()] = string(b)
	}
	return pages
}

// writeFlagDocs replaces the folder's pages with pages.
func writeFlagDocs(t *testing.T, pages map[string]string) {
	t.Helper()
	if err := os.RemoveAll(flagDocsDir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(flagDocsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range pages {
		if err := os.WriteFile(filepath.Join(flagDocsDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
