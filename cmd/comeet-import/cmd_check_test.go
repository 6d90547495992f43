package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// executeCmd runs the command line in this process and returns the exit
// code main would give, what the command wrote, and its error.
func executeCmd(t *testing.T, args ...string) (code int, out string, err error) {
	t.Helper()
	root := newRootCmd()
	var buf bytes.Buffer
	root.SetOut(&buf)
	root.SetErr(&buf)
	root.SetArgs(args)
	_, err = root.ExecuteContextC(context.Background())
	return exitCode(err), buf.String(), err
}

// writeSecretFile writes a credential file and returns its path.
func writeSecretFile(t *testing.T, name, value string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// closedPortURL is a loopback URL on which nothing listens.
func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestCheck(t *testing.T) {
	const key, secret = "the-right-key", "the-right-secret"
	srv := comeettest.NewServer(comeettest.Options{APIKeys: []string{key}, Secret: secret})
	t.Cleanup(srv.Close)
	t.Setenv(envAPIKey, "")
	t.Setenv(envSecret, "")
	tests := []struct {
		name        string
		url         string
		key, secret string
		wantCode    int
		wantText    string
	}{
		{"good credentials", srv.URL, key, secret, exitOK, "ok:"},
		{"wrong secret", srv.URL, key, "not-the-secret", exitConfig, "secret"},
		{"unknown api key", srv.URL, "someone-elses-key", secret, exitConfig, "api key"},
		{"nothing listens at the URL", closedPortURL(t), key, secret, exitConfig, "network"},
		{"plain http to a remote host", "http://api.comeet.example", key, secret, exitConfig, "https"},
		{"missing credentials", "https://api.comeet.example", "", "", exitConfig, "credentials missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"check", "--base-url", tt.url, "--log-level", "error"}
			if tt.key != "" {
				args = append(args, "--api-key-file", writeSecretFile(t, "key", tt.key),
					"--api-secret-file", writeSecretFile(t, "secret", tt.secret))
			}
			code, out, err := executeCmd(t, args...)
			if code != tt.wantCode {
				t.Fatalf("got exit %d (%v), want %d", code, err, tt.wantCode)
			}
			text := out
			if err != nil {
				text = err.Error()
			}
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("got %q, want it to mention %q", text, tt.wantText)
			}
			if tt.key != "" && (strings.Contains(text, tt.secret) || strings.Contains(text, tt.key)) {
				t.Errorf("the message %q shows a credential", text)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("check sent %s %s, want only harmless GETs", r.Method, r.Path)
		}
	}
	if n := len(srv.Candidates()); n != 0 {
		t.Errorf("check created %d candidates, want 0", n)
	}
}
