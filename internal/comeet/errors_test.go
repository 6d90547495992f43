package comeet

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDecodeAPIError(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   APIError
	}{
		{"conflict with number uid", 409, nil,
			`{"status":409,"error":"candidate_post_conflict","message":"exists","candidate_uid":5555}`,
			APIError{Status: 409, Code: CodeCandidatePostConflict, Message: "exists", CandidateUID: "5555"}},
		{"conflict with string uid", 409, nil,
			`{"status":409,"error":"candidate_post_conflict","message":"exists","candidate_uid":"00.AAA"}`,
			APIError{Status: 409, Code: CodeCandidatePostConflict, Message: "exists", CandidateUID: "00.AAA"}},
		{"status as a string", 400, nil, `{"status":"400","error":"invalid_email","message":"bad"}`,
			APIError{Status: 400, Code: CodeInvalidEmail, Message: "bad"}},
		{"429 with retry-after", 429, http.Header{"Retry-After": {"30"}},
			`{"status":429,"error":"too_many_requests","message":"allowed limit of 100 requests per 60 seconds"}`,
			APIError{Status: 429, Code: CodeTooManyRequests, RetryAfter: 30 * time.Second,
				Message: "allowed limit of 100 requests per 60 seconds"}},
		{"html gateway page", 502, nil,
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>",
			APIError{Status: 502, Body: "<html> <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>"}},
		{"empty body", 503, nil, "", APIError{Status: 503}},
		{"json without error", 500, nil, `{"detail":"x"}`, APIError{Status: 500, Body: `{"detail":"x"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header
			if header == nil {
				header = http.Header{}
			}
			got := DecodeAPIError(tt.status, header, []byte(tt.body), now)
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestDecodeAPIErrorLongBody(t *testing.T) {
	body := strings.Repeat("<p>gateway é</p>", 500)
	got := DecodeAPIError(502, http.Header{}, []byte(body), time.Now())
	if len(got.Body) > maxBodyExcerpt+3 || !strings.HasSuffix(got.Body, "...") {
		t.Errorf("got a %d-byte excerpt %q, want at most %d bytes ending in ...", len(got.Body), got.Body, maxBodyExcerpt+3)
	}
}

func TestAPIErrorClassification(t *testing.T) {
	tests := []struct {
		name                                        string
		err                                         APIError
		retryable, conflict, auth, invalid, throttl bool
	}{
		{"conflict", APIError{Status: 409, Code: CodeCandidatePostConflict}, false, true, false, false, false},
		{"duplicate_candidate is data, not auth", APIError{Status: 401, Code: CodeDuplicateCandidate}, false, false, false, true, false},
		{"expired token", APIError{Status: 401, Code: CodeTokenExpired}, false, false, true, false, false},
		{"bare 401", APIError{Status: 401}, false, false, true, false, false},
		{"no_permission", APIError{Status: 403, Code: CodeNoPermission}, false, false, true, false, false},
		{"file_size_limit", APIError{Status: 403, Code: CodeFileSizeLimit}, false, false, false, true, false},
		{"malicious_file", APIError{Status: 403, Code: CodeMaliciousFile}, false, false, false, true, false},
		{"too many requests", APIError{Status: 429, Code: CodeTooManyRequests}, true, false, false, false, true},
		{"html 502", APIError{Status: 502, Body: "<html>"}, true, false, false, false, false},
		{"bare 400", APIError{Status: 400}, false, false, false, true, false},
		// An unknown code on a 400 is still a refusal of the request as it is
		// (Kind decides by the status when the code says nothing it knows).
		{"unknown 400 code", APIError{Status: 400, Code: "something_new"}, false, false, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.err
			got := [5]bool{e.Retryable(), e.Conflict(), e.Auth(), e.Invalid(), e.Throttled()}
			want := [5]bool{tt.retryable, tt.conflict, tt.auth, tt.invalid, tt.throttl}
			if got != want {
				t.Errorf("got [retryable conflict auth invalid throttled] %v, want %v", got, want)
			}
			if e.Temporary() != e.Retryable() {
				t.Errorf("Temporary %v differs from Retryable %v", e.Temporary(), e.Retryable())
			}
		})
	}
}

func TestAPIErrorKind(t *testing.T) {
	tests := []struct {
		name string
		err  APIError
		want ErrorKind
	}{
		{"conflict", APIError{Status: 409, Code: CodeCandidatePostConflict, CandidateUID: "1"}, KindConflict},
		{"409 without code", APIError{Status: 409}, KindConflict},
		{"409 with an unknown code", APIError{Status: 409, Code: "new"}, KindConflict},
		{"data code", APIError{Status: 400, Code: CodeInvalidEmail}, KindInvalid},
		{"data code on a 5xx is still data", APIError{Status: 500, Code: CodeRequiredField}, KindInvalid},
		{"duplicate_candidate is a 401 about the data", APIError{Status: 401, Code: CodeDuplicateCandidate}, KindInvalid},
		{"file_size_limit is a 403 about the data", APIError{Status: 403, Code: CodeFileSizeLimit}, KindInvalid},
		{"malicious_file", APIError{Status: 403, Code: CodeMaliciousFile}, KindInvalid},
		{"position_not_found", APIError{Status: 404, Code: CodePositionNotFound}, KindInvalid},
		{"bare 400", APIError{Status: 400, Body: "<html>"}, KindInvalid},
		{"bare 413", APIError{Status: 413}, KindInvalid},
		{"bare 422", APIError{Status: 422}, KindInvalid},
		{"unknown code on a 400", APIError{Status: 400, Code: "something_new"}, KindInvalid},
		{"unknown code on a 404 names an unknown id", APIError{Status: 404, Code: "candidate_not_found"}, KindInvalid},
		{"bare 401", APIError{Status: 401}, KindAuth},
		{"expired token", APIError{Status: 401, Code: CodeTokenExpired}, KindAuth},
		{"unknown api key", APIError{Status: 401, Code: CodeUnknownAPIKey}, KindAuth},
		{"invalid signature", APIError{Status: 401, Code: CodeInvalidSignature}, KindAuth},
		{"unknown code on a 401", APIError{Status: 401, Code: "new"}, KindAuth},
		{"no_permission", APIError{Status: 403, Code: CodeNoPermission}, KindForbidden},
		{"no_permission whatever the status", APIError{Status: 500, Code: CodeNoPermission}, KindForbidden},
		{"bare 403", APIError{Status: 403}, KindForbidden},
		{"too many requests", APIError{Status: 429, Code: CodeTooManyRequests}, KindThrottled},
		{"bare 429", APIError{Status: 429}, KindThrottled},
		{"bare 408", APIError{Status: 408}, KindTransient},
		{"html 502", APIError{Status: 502, Body: "<html>"}, KindTransient},
		{"unknown code on a 503", APIError{Status: 503, Code: "maintenance"}, KindTransient},
		{"bare 404", APIError{Status: 404, Body: "<html>"}, KindNoEndpoint},
		{"bare 405", APIError{Status: 405}, KindNoEndpoint},
		{"redirect", APIError{Status: 302}, KindNoEndpoint},
		{"no status", APIError{}, KindUnexpected},
		{"message text decides nothing", APIError{Status: 400, Message: "unauthorized: too many requests"}, KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.err
			if got := e.Kind(); got != tt.want {
				t.Errorf("Kind() = %v, want %v", got, tt.want)
			}
			if got, want := e.Retryable(), tt.want == KindThrottled || tt.want == KindTransient; got != want {
				t.Errorf("Retryable() = %v, want %v", got, want)
			}
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &APIError{Status: 409, Code: CodeCandidatePostConflict, Message: "exists", CandidateUID: "5555"}
	want := "comeet: 409 Conflict: candidate_post_conflict: exists (candidate 5555)"
	if got := e.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzDecodeAPIError(f *testing.F) {
	f.Add(`{"status":409,"error":"candidate_post_conflict","candidate_uid":5555}`)
	f.Add(`<html>bad gateway</html>`)
	f.Add(`{"error":"x","candidate_uid":[1]}`)
	f.Fuzz(func(t *testing.T, body string) {
		e := DecodeAPIError(500, http.Header{}, []byte(body), time.Now())
		if e.Status != 500 || len(e.Body) > maxBodyExcerpt+3 {
			t.Errorf("got %+v", e)
		}
		_ = e.Error()
	})
}
