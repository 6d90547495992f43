package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
)

// record follows comeet.APIError.Kind: the same answer gets the same
// outcome here as in check and the retry policy.
func TestRecordFollowsKind(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		want      report.Outcome
		wantCode  string
		wantFatal bool
	}{
		{"conflict", &comeet.APIError{Status: 409, Code: comeet.CodeCandidatePostConflict, CandidateUID: "u1"}, report.Conflict, comeet.CodeCandidatePostConflict, false},
		{"409 without code", &comeet.APIError{Status: 409}, report.Conflict, codeHTTP, false},
		{"data code", &comeet.APIError{Status: 400, Code: comeet.CodeInvalidEmail}, report.Invalid, comeet.CodeInvalidEmail, false},
		{"400 without code", &comeet.APIError{Status: 400, Body: "<html>"}, report.Invalid, codeHTTP, false},
		{"duplicate_candidate", &comeet.APIError{Status: 401, Code: comeet.CodeDuplicateCandidate}, report.Invalid, comeet.CodeDuplicateCandidate, false},
		{"refused key", &comeet.APIError{Status: 401, Code: comeet.CodeUnknownAPIKey}, report.Failed, comeet.CodeUnknownAPIKey, true},
		{"no_permission stops the run", &comeet.APIError{Status: 403, Code: comeet.CodeNoPermission}, report.Failed, comeet.CodeNoPermission, true},
		{"file_size_limit is data", &comeet.APIError{Status: 403, Code: comeet.CodeFileSizeLimit}, report.Invalid, comeet.CodeFileSizeLimit, false},
		{"throttled to the end", &comeet.APIError{Status: 429, Code: comeet.CodeTooManyRequests}, report.Failed, comeet.CodeTooManyRequests, false},
		{"server error", &comeet.APIError{Status: 502}, report.Failed, codeHTTP, false},
		{"404 page", &comeet.APIError{Status: 404, Body: "<html>"}, report.Failed, codeHTTP, false},
		{"wrapped", fmt.Errorf("create: %w", &comeet.APIError{Status: 400, Code: comeet.CodeRequiredField}), report.Invalid, comeet.CodeRequiredField, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rw := &row{}
			fatal := record(rw, comeet.Reply{Attempts: 1}, tt.err)
			if rw.outcome() != tt.want || rw.res.ErrorCode != tt.wantCode {
				t.Errorf("got %s %s, want %s %s", rw.outcome(), rw.res.ErrorCode, tt.want, tt.wantCode)
			}
			if got := errors.Is(fatal, ErrAuth); got != tt.wantFatal {
				t.Errorf("got fatal %v, want stop %v", fatal, tt.wantFatal)
			}
		})
	}
}

// A 403 without Comeet's code is a refusal of the credentials' rights: the
// run stops after the row that got it, and says so for the rows left.
func TestForbiddenStopsTheRun(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.cfg.Concurrency = 1
	g.cfg.MaxAttempts = 1
	g.writeInput(rigRows(1, 4))
	g.srv.Inject(comeettest.Fault{Kind: comeettest.FaultServerError, Status: 403, HTML: true})
	_, lines, err := g.run()
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
	wantRigOutcomes(t, lines, report.Failed, report.NotSent, report.NotSent, report.NotSent)
	for _, l := range lines[1:] {
		if l["error_code"] != "not_sent" {
			t.Errorf("row %s: got %s %q, want not_sent", l["row"], l["error_code"], l["message"])
		}
	}
	if n := g.posts(); n != 1 {
		t.Errorf("got %d posts, want 1: nothing after the refusal", n)
	}
}

var _ creator = (*comeet.Client)(nil)

// The sender needs only CreateCandidate: a fake creator stands in.
type fakeCreator struct{ err error }

func (f fakeCreator) CreateCandidate(context.Context, *comeet.Candidate, ...comeet.CreateOption) (comeet.Reply, error) {
	if f.err != nil {
		return comeet.Reply{Attempts: 1, Status: 400}, f.err
	}
	return comeet.Reply{Attempts: 1, Status: 201, Created: &comeet.Created{UID: "u9"}}, nil
}

func TestSenderWithoutLedger(t *testing.T) {
	s := &sender{client: fakeCreator{}, stats: &stats{}}
	rw := &row{cand: &comeet.Candidate{PositionUID: "1", PartnerCandidateID: "a"}}
	if err := s.send(context.Background(), rw); err != nil || rw.outcome() != report.Created || rw.res.CandidateUID != "u9" {
		t.Errorf("got %v, %s %q; want created u9", err, rw.outcome(), rw.res.CandidateUID)
	}
	if s.stats.requests != 1 {
		t.Errorf("got %d requests counted, want 1", s.stats.requests)
	}
}

// Refused credentials are the reason of every row left unsent, on every
// path: rows waiting for the limiter, rows queued to workers and rows
// admitted after the stop. None reads "interrupted".
func TestRefusedCredentialsAreTheReason(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	cfg := testConfig(writeInput(t, testHeader, testRows(40)), srv)
	cfg.Secret = "wrong-secret"
	cfg.Concurrency = 4
	// One request an hour: the first goes at once, the other workers wait
	// for the limiter until the refusal lets them go.
	cfg.Rate = pace.Rate{N: 1, Per: time.Hour}
	_, err := Run(context.Background(), cfg)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
	lines := readCSVMaps(t, cfg.WithDefaults().ReportPath)
	if len(lines) != 40 {
		t.Fatalf("got %d report lines, want 40", len(lines))
	}
	notSent := 0
	for _, l := range lines {
		if l["http_status"] != "" {
			continue // answered: Comeet's own refusal
		}
		notSent++
		if l["outcome"] != "not_sent" || l["error_code"] != "not_sent" || !strings.Contains(l["message"], "refused the credentials") {
			t.Errorf("row %s: got %s %s %q, want not_sent for the refused credentials", l["row"], l["outcome"], l["error_code"], l["message"])
		}
	}
	if notSent < 30 {
		t.Errorf("got %d rows not sent, want most of the 40", notSent)
	}
}
