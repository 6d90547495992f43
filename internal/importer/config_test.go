package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/source"
)

// TestConfigErrors checks that what no row can fix stops the run before
// anything is read or written, as a *ConfigError that names the fault.
func TestRunConfigErrors(t *testing.T) {
	const header = "position_uid,partner_candidate_id,first_name,last_name,email\n"
	const row = "11.11,C1,Dana,Levi,dana@example.com\n"
	tests := []struct {
		name    string
		input   string
		mapping string
		is      error  // errors.Is target, if any
		as      any    // errors.As target, if any
		want    string // part of the message
	}{
		{name: "empty file", input: "", is: source.ErrEmpty, want: "input is empty"},
		{name: "blank lines only", input: "\r\n  \n", is: source.ErrEmpty, want: "input is empty"},
		{name: "header only", input: header, is: source.ErrNoRows, want: "header but no data rows"},
		{name: "duplicate header names", input: "email,first_name,Email\na,b,c\n", as: new(*source.DuplicateHeaderError),
			want: `duplicate column names: "email" (columns 1, 3)`},
		{name: "unknown mapping field", input: header + row, mapping: "field,column,default\nemale,email,\n",
			is: mapping.ErrInvalid, want: `unknown field "emale"; did you mean email?`},
		{name: "mapped column missing", input: header + row,
			mapping: "field,column,default\nposition_uid,,11.11\npartner_candidate_id,ID,\nfirst_name,first_name,\nlast_name,Surname,\n",
			as:      new(*mapping.MissingColumnsError), want: `"ID" (partner_candidate_id)`},
		{name: "required field not mapped", input: "first_name,last_name\nDana,Levi\n",
			want: "no column or default feeds position_uid, partner_candidate_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := dryConfig(t, writeFile(t, filepath.Join(dir, "in.csv"), tt.input))
			if tt.mapping != "" {
				cfg.MappingFile = writeFile(t, filepath.Join(dir, "mapping.csv"), tt.mapping)
			}
			_, err := Run(context.Background(), cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got error %v, want a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want one matching %v", err, tt.is)
			}
			if tt.as != nil && !errors.As(err, tt.as) {
				t.Errorf("got error %v (%T), want one of type %T", err, errors.Unwrap(err), tt.as)
			}
			if _, statErr := os.Stat(cfg.ReportPath); !os.IsNotExist(statErr) {
				t.Errorf("got a report at %s after a configuration error, want none", cfg.ReportPath)
			}
		})
	}
}
