package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
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

// TestValidateResolvesPositionNames: validate given the credentials (the
// environment, the key files, or the sandbox's for a base URL on this
// machine) finds a position named by its name through Comeet's one list
// of positions, as import does, rather than calling it unchecked.
func TestValidateResolvesPositionNames(t *testing.T) {
	const key, secret = "the-key", "the-secret"
	input := writeFile(t, "in.csv", []byte("position_uid,partner_candidate_id,first_name,last_name\nBackend Engineer,A1,Dana,Levi\n"))
	tests := []struct {
		name              string
		opts              comeettest.Options
		envKey, envSecret string
		files             bool
	}{
		{name: "environment", opts: comeettest.Options{APIKeys: []string{key}, Secret: secret}, envKey: key, envSecret: secret},
		{name: "key files", opts: comeettest.Options{APIKeys: []string{key}, Secret: secret}, files: true},
		{name: "sandbox", opts: comeettest.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := comeettest.NewServer(tt.opts)
			t.Cleanup(srv.Close)
			srv.AddPosition("11.11", "Backend Engineer", "open")
			t.Setenv(envAPIKey, tt.envKey)
			t.Setenv(envSecret, tt.envSecret)
			reportPath := filepath.Join(t.TempDir(), "report.csv")
			args := []string{"validate", "--no-ledger", "--log-level", "error", "--base-url", srv.URL, "--report", reportPath}
			if tt.files {
				args = append(args, "--api-key-file", writeFile(t, "key", []byte(key)), "--api-secret-file", writeFile(t, "secret", []byte(secret)))
			}
			_, stderr, code := execute(t, append(args, input)...)
			if code != exitOK {
				t.Fatalf("exit code %d, want %d: %s", code, exitOK, stderr)
			}
			lines := readReport(t, reportPath)
			if len(lines) != 1 || lines[0]["outcome"] != "valid" || strings.Contains(lines[0]["message"], "not a uid") {
				t.Errorf("report %v, want the row valid, its position found by name", lines)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("validate sent %d requests, want the one list of positions", n)
			}
		})
	}
}
