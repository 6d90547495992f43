package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

const testHeader = "position_uid,partner_candidate_id,first_name,last_name,email,resume"

// testRows builds n good rows: position 11.11, ids P1..Pn.
func testRows(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("11.11,P%d,First%d,Last%d,p%d@example.com,", i+1, i+1, i+1, i+1)
	}
	return rows
}

// writeInput writes a CSV into a fresh folder and returns its path.
func writeInput(t *testing.T, header string, rows []string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "in.csv")
	body := header + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// testConfig is a config for a fast run against srv.
func testConfig(input string, srv *comeettest.Server) Config {
	return Config{
		Input: input,
		Account: pace.Account{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret,
			MaxAttempts: 3, Backoff: quickBackoff},
		Concurrency: 4,
		Logger:      zerolog.Nop(),
	}
}

// quickBackoff keeps the tests fast: it honours a Retry-After and otherwise
// waits a millisecond.
func quickBackoff(_ int, retryAfter time.Duration, _ float64) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	return time.Millisecond
}

func outcomes(lines []map[string]string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l["outcome"])
	}
	return out
}

func wantOutcomes(t *testing.T, lines []map[string]string, want ...string) {
	t.Helper()
	got := outcomes(lines)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got outcomes %v, want %v", got, want)
	}
	for i, l := range lines {
		if l["row"] != fmt.Sprint(i+1) {
			t.Fatalf("line %d: got row %q, want %d (input order)", i+1, l["row"], i+1)
		}
	}
}

func TestImportFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []comeettest.Fault
		check  func(t *testing.T, srv *comeettest.Server, lines []map[string]string)
	}{
		{
			name:   "429 then success",
			faults: []comeettest.Fault{{Kind: comeettest.FaultThrottle, Count: 1}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "created")
				if lines[0]["attempts"] != "2" {
					t.Errorf("got attempts %q, want 2", lines[0]["attempts"])
				}
			},
		},
		{
			name:   "expired token renewed",
			faults: []comeettest.Fault{{Kind: comeettest.FaultExpiredToken, Count: 1}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "created")
			},
		},
		{
			name: "5xx retried then given up",
			// The searches for what a 5xx may have created fail the same way.
			faults: []comeettest.Fault{{Kind: comeettest.FaultServerError, Count: 100}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "failed")
				if lines[0]["attempts"] != "3" || lines[0]["http_status"] != "503" {
					t.Errorf("got attempts %q status %q, want 3 and 503", lines[0]["attempts"], lines[0]["http_status"])
				}
			},
		},
		{
			name:   "html gateway page then success",
			faults: []comeettest.Fault{{Kind: comeettest.FaultHTMLPage, Count: 1}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "created")
			},
		},
		{
			name:   "connection reset then success",
			faults: []comeettest.Fault{{Kind: comeettest.FaultReset, Count: 1}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "created")
			},
		},
		{
			name:   "lost reply is found before a resend, not a second candidate",
			faults: []comeettest.Fault{{Kind: comeettest.FaultLostReply, Count: 1}},
			check: func(t *testing.T, srv *comeettest.Server, lines []map[string]string) {
				wantOutcomes(t, lines, "created")
				if lines[0]["candidate_uid"] == "" || lines[0]["attempts"] != "1" {
					t.Errorf("got uid %q after %s attempts, want the one created, found without a second POST",
						lines[0]["candidate_uid"], lines[0]["attempts"])
				}
				if n := srv.CreatedCount(comeet.Key{PositionUID: "11.11", PartnerCandidateID: "P1"}); n != 1 {
					t.Errorf("got %d candidates created, want 1", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := comeettest.NewServer(comeettest.Options{})
			defer srv.Close()
			srv.Inject(tt.faults...)
			cfg := testConfig(writeInput(t, testHeader, testRows(1)), srv)
			cfg.Concurrency = 1
			if _, err := Run(context.Background(), cfg); err != nil {
				t.Fatalf("Run: %v", err)
			}
			tt.check(t, srv, readCSVMaps(t, cfg.WithDefaults().ReportPath))
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	srv.Inject(comeettest.Fault{Kind: comeettest.FaultThrottle, RetryAfter: "1"})
	cfg := testConfig(writeInput(t, testHeader, testRows(1)), srv)
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	// A lower bound only: a slow machine waits longer, never shorter.
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 900*time.Millisecond {
		t.Fatalf("got a retry %v after the 429, want about 1s (Retry-After: 1)", gap)
	}
	wantOutcomes(t, readCSVMaps(t, cfg.WithDefaults().ReportPath), "created")
}

func TestEveryRowOneLineInOrder(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Positions: []string{"11.11"}, Latency: 5 * time.Millisecond})
	defer srv.Close()
	// Sara is already in Comeet: her row must be a conflict with her uid.
	c, err := comeet.NewClient(comeet.Config{BaseURL: srv.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret})
	if err != nil {
		t.Fatal(err)
	}
	pre, err := c.CreateCandidate(context.Background(), &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "SARA", FirstName: "Sara", LastName: "Ali"})
	if err != nil {
		t.Fatal(err)
	}
	rows := append(testRows(20),
		"11.11,SARA,Sara,Ali,sara@example.com,",
		"11.11,BAD,Bad,Email,not-an-email,",
		"99.99,NOPOS,No,Position,np@example.com,",
		"11.11,P1,Dup,Licate,dup@example.com,",
		`11.11,ESC,Esc,Ape,esc@example.com,../secret.pdf`,
		`11.11,RAG,Only,Three`,
	)
	input := writeInput(t, testHeader, rows)
	cfg := testConfig(input, srv)
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	want := make([]string, 0, len(rows))
	for range 20 {
		want = append(want, "created")
	}
	want = append(want, "conflict", "invalid", "invalid", "invalid", "invalid", "invalid")
	wantOutcomes(t, lines, want...)
	codes := map[string]string{"SARA": "candidate_post_conflict", "BAD": "invalid_email", "NOPOS": "position_not_found", "ESC": "file_not_found"}
	for _, l := range lines {
		if want, ok := codes[l["partner_candidate_id"]]; ok && l["error_code"] != want {
			t.Errorf("%s: got error_code %q, want %q", l["partner_candidate_id"], l["error_code"], want)
		}
	}
	if got := lines[20]["candidate_uid"]; got != pre.Created.UID {
		t.Errorf("conflict: got candidate_uid %q, want %q", got, pre.Created.UID)
	}
	// The first row is named as Excel shows it: row 2, the header counted.
	if got := lines[23]; got["error_code"] != "duplicate_row" || !strings.Contains(got["message"], "row 2 ") {
		t.Errorf("duplicate: got %q %q, want duplicate_row naming row 2", got["error_code"], got["message"])
	}
	if got := lines[25]; got["error_code"] != comeet.CodeMalformedRow || got["line"] != "27" {
		t.Errorf("ragged row: got code %q line %q, want %s on line 27", got["error_code"], got["line"], comeet.CodeMalformedRow)
	}
	if sum.Counts[report.Created] != 20 || sum.Counts[report.Conflict] != 1 || sum.Counts[report.Invalid] != 5 {
		t.Errorf("got summary counts %v", sum.Counts)
	}
	// The errors file holds the five invalid rows, ready to fix and feed back.
	errLines := readCSVMaps(t, cfg.WithDefaults().ErrorsPath)
	if len(errLines) != 5 || errLines[0]["partner_candidate_id"] != "BAD" || errLines[0]["error_code"] != "invalid_email" {
		t.Errorf("got errors file %v", errLines)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	cfg := testConfig(writeInput(t, testHeader, append(testRows(3), "11.11,X,No,Mail,bad@,")), srv)
	cfg.DryRun = true
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantOutcomes(t, readCSVMaps(t, cfg.WithDefaults().ReportPath), "valid", "valid", "valid", "invalid")
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("dry run sent %d requests, want 0", n)
	}
	if sum.Sent != 0 {
		t.Fatalf("got %d sent in the summary, want 0", sum.Sent)
	}
}

func TestAuthFailureStopsRun(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	cfg := testConfig(writeInput(t, testHeader, testRows(10)), srv)
	cfg.Secret = "wrong-secret"
	cfg.Concurrency = 1
	_, err := Run(context.Background(), cfg)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != 10 {
		t.Fatalf("got %d report lines, want 10", len(lines))
	}
	for i, l := range lines {
		want := report.NotSent // the rows after the refusal were never sent
		if i == 0 {
			want = report.Failed
		}
		if got := report.Outcome(l["outcome"]); got != want {
			t.Fatalf("row %d: got outcome %q, want %q", i+1, got, want)
		}
	}
	if n := len(srv.Requests()); n > 2 {
		t.Fatalf("got %d requests after the credentials were refused, want the run to stop", n)
	}
}

func TestInterruptedRunReportsEveryRow(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{Latency: 50 * time.Millisecond})
	defer srv.Close()
	cfg := testConfig(writeInput(t, testHeader, testRows(40)), srv)
	cfg.Concurrency = 2
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Requests()) < 4 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	_, err := Run(ctx, cfg)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != 40 {
		t.Fatalf("got %d report lines, want 40", len(lines))
	}
	created := 0
	for _, l := range lines {
		switch l["outcome"] {
		case "created":
			created++
		case "failed", "not_sent":
			if l["error_code"] != codeInterrupted {
				t.Fatalf("got %s row with code %q (%s), want %q", l["outcome"], l["error_code"], l["message"], codeInterrupted)
			}
		default:
			t.Fatalf("got outcome %q", l["outcome"])
		}
	}
	// Every request the server answered is a created row: none was cut off.
	if got := len(srv.Candidates()); got != created {
		t.Fatalf("server created %d, report says %d created", got, created)
	}
}

func TestConfigErrors(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	tests := []struct {
		name   string
		header string
		rows   []string
		edit   func(*Config)
		want   string
	}{
		{"missing required column", "partner_candidate_id,first_name,last_name", []string{"A,B,C"}, nil, "position_uid"},
		{"files dir missing", testHeader, testRows(1), func(c *Config) { c.FilesDir = "/does/not/exist" }, string(SettingFilesDir)},
		{"http to a remote host", testHeader, testRows(1), func(c *Config) { c.BaseURL = "http://example.com" }, "https"},
		{"mapping file missing", testHeader, testRows(1), func(c *Config) { c.MappingFile = "/does/not/exist.csv" }, "mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(writeInput(t, tt.header, tt.rows), srv)
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			_, err := Run(context.Background(), cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %q, want it to name %q", err, tt.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Fatalf("sent %d requests on a configuration error", n)
			}
		})
	}
}

func TestStdinInput(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig(Stdin, srv)
	cfg.Stdin = strings.NewReader(testHeader + "\n" + strings.Join(testRows(3), "\n") + "\n")
	cfg.ReportPath = filepath.Join(dir, "r.csv")
	cfg.ErrorsPath = filepath.Join(dir, "e.csv")
	cfg.FilesDir = dir
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	wantOutcomes(t, readCSVMaps(t, cfg.ReportPath), "created", "created", "created")
}

// TestLedgerBelongsToOneAccount: a ledger filled against one server must not
// make a run against another skip its rows.
func TestLedgerBelongsToOneAccount(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{APIKeys: []string{comeettest.DefaultAPIKey, "other-customer"}})
	defer srv.Close()
	input := writeInput(t, testHeader, testRows(2))
	if _, err := Run(context.Background(), testConfig(input, srv)); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Requests())
	cfg := testConfig(input, srv)
	cfg.APIKey = "other-customer"
	_, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "another Comeet account") {
		t.Fatalf("got %v, want a ConfigError about another account", err)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Fatalf("sent %d requests for the other account", n)
	}
}

// TestDryRunChecksTheLedgersAccount: validate with an api key refuses a
// ledger filled for another account instead of reporting its rows skipped.
func TestDryRunChecksTheLedgersAccount(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	input := writeInput(t, testHeader, testRows(2))
	if _, err := Run(context.Background(), testConfig(input, srv)); err != nil {
		t.Fatal(err)
	}
	dry := testConfig(input, srv)
	dry.DryRun = true
	dry.APIKey = "other-customer"
	if _, err := Run(context.Background(), dry); !errors.Is(err, ledger.ErrOtherAccount) {
		t.Fatalf("got %v, want ErrOtherAccount", err)
	}
	dry.APIKey = ""
	if _, err := Run(context.Background(), dry); err != nil {
		t.Fatalf("without an api key: got %v, want the dry run to go on", err)
	}
	wantOutcomes(t, readCSVMaps(t, dry.WithDefaults().ReportPath), "skipped", "skipped")
}
