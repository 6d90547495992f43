package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// The account the messy samples are checked against: the limits are small
// so that testdata stays small.
const (
	testMaxStringLength = 40
	testMaxFileSize     = 1000
)

var testCustomFields = []string{"team"}

// testRules are the local rules of the messy samples.
func testRules() *comeet.Rules {
	r := comeet.DefaultRules()
	r.MaxStringLength = testMaxStringLength
	r.MaxFileSize = testMaxFileSize
	r.CustomFields = testCustomFields
	return r
}

// dryConfig is a validate run of input whose report and errors file go to
// a fresh folder.
func dryConfig(t *testing.T, input string) Config {
	t.Helper()
	dir := t.TempDir()
	return Config{
		Input:       input,
		FilesDir:    filepath.Join("testdata", "files"),
		ReportPath:  filepath.Join(dir, "report.csv"),
		ErrorsPath:  filepath.Join(dir, "errors.csv"),
		NoLedger:    true,
		DryRun:      true,
		Rules:       testRules(),
		Concurrency: 1,
		Logger:      zerolog.Nop(),
	}
}

// importConfig turns cfg into an import against srv.
func importConfig(cfg Config, srv *comeettest.Server) Config {
	cfg.DryRun = false
	cfg.BaseURL = srv.URL
	cfg.APIKey, cfg.Secret = comeettest.DefaultAPIKey, comeettest.DefaultSecret
	cfg.MaxAttempts = 1
	return cfg
}

// newTestServer is a fake Comeet configured like the account of testRules.
func newTestServer(t *testing.T, opts comeettest.Options) *comeettest.Server {
	t.Helper()
	if opts.CustomFields == nil {
		opts.CustomFields = testCustomFields
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = testMaxFileSize
	}
	opts.CheckFileTypes = true
	srv := comeettest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// mustRun runs cfg and fails the test on a run error.
func mustRun(t *testing.T, cfg Config) report.Summary {
	t.Helper()
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run(%s): %v", cfg.Input, err)
	}
	return sum.Summary
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// countsLine spells the counts in a fixed order, for golden files.
func countsLine(c report.Counts) string {
	var parts []string
	for _, o := range report.Outcomes {
		if c[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[o], o))
		}
	}
	return strings.Join(parts, ", ")
}
