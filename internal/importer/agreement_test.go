package importer

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// Verdicts of the fake Comeet on a row posted without the local checks.
const (
	verdictCreated     = "created"
	verdictNotSendable = "not sendable" // no request can be built from the row
)

// agreementExceptions are the local codes whose row Comeet would not answer
// with the same code:
//   - duplicate_row: the first row was created, so Comeet answers the second
//     with 409 candidate_post_conflict (or creates a duplicate once the first
//     is no longer in progress: the reason for the local check);
//   - file_not_found and malformed_row: no request can be built.
//
// position_not_found is left out of the agreement: positions are not known
// locally, so the file only uses a known one.
var agreementExceptions = map[string]string{
	comeet.CodeDuplicateRow:    comeet.CodeCandidatePostConflict,
	comeet.CodeFileNotFound:    verdictNotSendable,
	comeet.CodeMalformedRow:    verdictNotSendable,
	comeet.CodeInvalidEncoding: verdictNotSendable,
}

// agreementCodes are the local codes testdata/agreement.csv must exercise.
var agreementCodes = []string{
	comeet.CodeRequiredField, comeet.CodeInvalidEmail, comeet.CodeInvalidLinkedInURL, comeet.CodeInvalidURL,
	comeet.CodeInvalidProspectStatus, comeet.CodeStringSizeLimit, comeet.CodeInvalidFileType,
	comeet.CodeFileSizeLimit, comeet.CodeIncorrectCountryCode, comeet.CodeInvalidCustomField,
	comeet.CodeDuplicateRow, comeet.CodeFileNotFound, comeet.CodeMalformedRow,
}

// TestAgreement checks, row by row, that validate's verdict is Comeet's:
// every row of testdata/agreement.csv is posted to the fake Comeet as import
// would build it but without the local checks, and a row validate calls
// valid must be created, a row it calls invalid must be refused with the
// same error code. The fake keeps checks of its own (see comeettest), not a
// call to comeet.Rules, so the agreement is not true by construction. Then
// a real import of the file must report what validate said.
func TestAgreement(t *testing.T) {
	input := filepath.Join("testdata", "agreement.csv")
	dry := dryConfig(t, input)
	mustRun(t, dry)
	validated := readCSVMaps(t, dry.ReportPath)

	opts := comeettest.Options{MaxStringLength: testMaxStringLength}
	server := serverVerdicts(t, importConfig(dryConfig(t, input), newTestServer(t, opts)))
	imp := importConfig(dryConfig(t, input), newTestServer(t, opts))
	mustRun(t, imp)
	imported := readCSVMaps(t, imp.ReportPath)

	if len(validated) != len(server) || len(validated) != len(imported) {
		t.Fatalf("got %d rows validated, %d posted, %d imported; want the same number", len(validated), len(server), len(imported))
	}
	seen := map[string]bool{}
	for i, v := range validated {
		code := v["error_code"]
		seen[code] = true
		want, wantImport := verdictCreated, report.Created
		if v["outcome"] == string(report.Invalid) {
			want, wantImport = code, report.Invalid
			if exc, ok := agreementExceptions[code]; ok {
				want = exc
			}
		}
		if server[i] != want {
			t.Errorf("row %d (%s): validate says %s %s (%s); Comeet says %q, want %q",
				i+1, v["partner_candidate_id"], v["outcome"], code, v["message"], server[i], want)
		}
		if got := imported[i]; got["outcome"] != string(wantImport) || got["error_code"] != code {
			t.Errorf("row %d: validate says %s %q, import says %s %q", i+1, v["outcome"], code, got["outcome"], got["error_code"])
		}
	}
	for _, c := range agreementCodes {
		if !seen[c] {
			t.Errorf("no row of %s is refused with %s; want every local rule covered", input, c)
		}
	}
}

// serverVerdicts posts every row of cfg's input to the fake Comeet the way
// prepare builds it (mapping, apostrophes, Normalize, files), skipping the
// local checks, and returns the server's verdict for each row: "created",
// the error code of a refusal, or verdictNotSendable.
func serverVerdicts(t *testing.T, cfg Config) []string {
	t.Helper()
	ctx := context.Background()
	r, err := open(ctx, cfg.WithDefaults())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer r.close()
	var verdicts []string
	for {
		rec, err := r.src.Next()
		if err == io.EOF {
			return verdicts
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		verdicts = append(verdicts, r.postUnchecked(ctx, rec.Fields, rec.Err))
	}
}

func (r *run) postUnchecked(ctx context.Context, fields []string, recErr error) string {
	if recErr != nil {
		return verdictNotSendable
	}
	plainCells(fields)
	cand, _ := r.pool.checker.binder.Candidate(fields)
	if cand == nil {
		return verdictNotSendable
	}
	r.cfg.Rules.Normalize(cand)
	if problems := r.pool.checker.files.Attach(cand); len(problems) > 0 {
		return verdictNotSendable
	}
	_, err := r.pool.sender.client.CreateCandidate(ctx, cand)
	var ae *comeet.APIError
	switch {
	case err == nil:
		return verdictCreated
	case errors.As(err, &ae):
		return ae.Code
	}
	return err.Error()
}
