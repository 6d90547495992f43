package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/mapping"
)

func TestTemplateCommand(t *testing.T) {
	stdout, stderr, code := execute(t, "template")
	if code != exitOK {
		t.Fatalf("got exit code %d (%s), want 0", code, stderr)
	}
	records, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatalf("read the template: %v", err)
	}
	if len(records) != 1 {
		t.Fatalf("got %d lines, want the header alone", len(records))
	}
	if got, want := records[0], mapping.Fields(); !reflect.DeepEqual(got, want) {
		t.Errorf("got header %q, want every API field %q", got, want)
	}
	// The fixed fields of the template map themselves.
	m := mapping.FromHeader(records[0])
	if got, want := len(m.Rules), len(mapping.Fields())-1; got != want {
		t.Errorf("got %d fields mapped from the template's header, want %d (all but custom_fields.<name>)", got, want)
	}
}

func TestTemplateCommandOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "candidates.csv")
	stdout, stderr, code := execute(t, "template", "-o", out)
	if code != exitOK || stdout != "" {
		t.Fatalf("got exit code %d, stdout %q (%s), want 0 and nothing on stdout", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "position_uid,partner_candidate_id,first_name,") {
		t.Errorf("got %q, want the template's header", b)
	}
	if _, _, code := execute(t, "template", "extra"); code != exitConfig {
		t.Errorf("template with an argument: got exit code %d, want %d", code, exitConfig)
	}
	if _, _, code := execute(t, "template", "-o", filepath.Join(t.TempDir(), "no", "such", "dir.csv")); code != exitConfig {
		t.Errorf("template into a missing folder: got exit code %d, want %d", code, exitConfig)
	}
}
