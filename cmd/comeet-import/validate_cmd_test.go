package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateConfigErrors runs validate as a person would: a file or a
// mapping that no row can fix exits 2 with a message that names the fault.
func TestValidateConfigErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, "in.csv", []byte("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n"))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "empty file", args: []string{writeFile(t, "empty.csv", nil)}, want: "input is empty"},
		{name: "header only", args: []string{writeFile(t, "header.csv", []byte("email,first_name\n"))}, want: "header but no data rows"},
		{name: "unknown mapping field", args: []string{"--mapping", writeFile(t, "m.csv", []byte("field,column\nfrist_name,first_name\n")), good},
			want: `unknown field "frist_name"; did you mean first_name?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"validate", "--no-ledger", "--log-level", "error",
				"--report", filepath.Join(dir, tt.name+".report.csv"), "--errors", filepath.Join(dir, tt.name+".errors.csv")}, tt.args...)
			_, stderr, code := execute(t, args...)
			if code != exitConfig {
				t.Errorf("got exit code %d, want %d", code, exitConfig)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("got error %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}
