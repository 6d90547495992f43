package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// Every row that needs a person is in the log at the default level (info),
// as a warning by row, line and id, with its columns; never its names,
// e-mails or message (which quotes cells).
func TestRowsThatNeedAPersonAreWarned(t *testing.T) {
	cfg := dryConfig(t, filepath.Join("testdata", "messy-utf8.csv"))
	cfg.MappingFile = filepath.Join("testdata", "messy.mapping.csv")
	var logs bytes.Buffer
	cfg.Logger = zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.InfoLevel)
	sum := mustRun(t, cfg)
	warned := map[float64]map[string]any{}
	sc := bufio.NewScanner(&logs)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if l["message"] == "row" && l["level"] == "warn" {
			warned[l["row"].(float64)] = l
		}
	}
	if want := sum.Counts["invalid"]; len(warned) != want {
		t.Errorf("got %d rows warned, want the %d invalid ones", len(warned), want)
	}
	l := warned[4] // francois@: an invalid e-mail
	if l == nil || l["line"] != float64(6) || l["partner_candidate_id"] != "A-1004" || l["error_code"] != "invalid_email" {
		t.Fatalf("row 4: got %v, want line 6, id A-1004, invalid_email", l)
	}
	if cols, _ := l["columns"].([]any); len(cols) != 1 || cols[0] != "E-mail" {
		t.Errorf("row 4: got columns %v, want [E-mail]", l["columns"])
	}
	for _, secret := range []string{"francois@", "François", "Müller", "Peretz"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// Issue 11: under a progress bar (whose log shows warnings only) a warning
// per invalid row buried the bar. With InvalidRowsAtInfo the invalid rows
// are info lines; failed rows stay warnings.
func TestInvalidRowsAtInfo(t *testing.T) {
	for _, atInfo := range []bool{false, true} {
		srv := comeettest.NewServer(comeettest.Options{})
		srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Count: 5})
		input := writeInput(t, testHeader, []string{
			"11.11,P1,First1,Last1,p1@example.com,",
			"11.11,P2,First2,Last2,not-an-email,",
		})
		cfg := testConfig(input, srv)
		cfg.MaxAttempts = 1
		cfg.InvalidRowsAtInfo = atInfo
		var logs bytes.Buffer
		cfg.Logger = zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.InfoLevel)
		sum, _ := Run(context.Background(), cfg)
		srv.Close()
		if sum.Counts["failed"] != 1 || sum.Counts["invalid"] != 1 {
			t.Fatalf("counts %v, want 1 failed and 1 invalid", sum.Counts)
		}
		levels := map[string]string{}
		sc := bufio.NewScanner(&logs)
		for sc.Scan() {
			var l map[string]any
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("log line %q: %v", sc.Text(), err)
			}
			if l["message"] == "row" {
				levels[l["outcome"].(string)] = l["level"].(string)
			}
		}
		wantInvalid := "warn"
		if atInfo {
			wantInvalid = "info"
		}
		if levels["invalid"] != wantInvalid || levels["failed"] != "warn" {
			t.Errorf("InvalidRowsAtInfo %v: got levels %v, want invalid at %s and failed at warn", atInfo, levels, wantInvalid)
		}
	}
}
