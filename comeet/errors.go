package comeet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes for authorization failures. Comeet documents only that a bad
// token gets a 401; these are the codes the fake server (comeettest) answers,
// and the client treats any 401 that is not duplicate_candidate the same way.
const (
	CodeUnauthorized     = "unauthorized"      // no or unreadable Authorization header
	CodeTokenExpired     = "token_expired"     // the token's exp has passed
	CodeInvalidSignature = "invalid_signature" // the token was not signed with the partner secret
	CodeUnknownAPIKey    = "unknown_api_key"   // the token's iss is not a known api key
)

// maxErrorBody bounds how much of an error answer is read and kept.
const (
	maxErrorBody   = 64 << 10
	maxBodyExcerpt = 200
)

// APIError is a failed answer from Comeet: an HTTP status with, when the body
// was Comeet's JSON, the documented error code, message and, for a 409, the uid
// of the candidate that already exists.
type APIError struct {
	// Status is the HTTP status code of the answer.
	Status int
	// Code is the "error" field of the JSON body; empty when the body was
	// not Comeet's JSON (a gateway's HTML page).
	Code string
	// Message is the "message" field of the JSON body.
	Message string
	// CandidateUID is the existing candidate named by a 409.
	CandidateUID string
	// RetryAfter is the wait asked for by a Retry-After header (uncapped);
	// zero when there was none.
	RetryAfter time.Duration
	// Body is a short excerpt of a body that was not Comeet's JSON.
	Body string
	// Location is where a 3xx answer pointed (made absolute by the
	// client). The client follows only a redirect to the same host that
	// keeps the method and does not drop https; any other is this error.
	Location string
	// ClockSkew is how far the server's Date header was ahead of this
	// machine's clock (negative: behind) when a 401 came and the two
	// differ by more than MaxClockSkew; zero otherwise. A token minted
	// on a clock that far off is refused however good the credentials.
	ClockSkew time.Duration
}

// Error describes the failure without any candidate data.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "comeet: %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.CandidateUID != "" {
		fmt.Fprintf(&b, " (candidate %s)", e.CandidateUID)
	}
	if e.Location != "" {
		fmt.Fprintf(&b, ": redirected to %s (not followed)", e.Location)
	}
	if e.ClockSkew != 0 {
		fmt.Fprintf(&b, ": %s", skewText(e.ClockSkew))
	}
	if e.Code == "" && e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

// dataCodes are the documented codes that mean the request itself is wrong;
// sending it again gives the same answer.
var dataCodes = map[string]bool{
	CodeRequiredField: true, CodeStringSizeLimit: true, CodeInvalidEmail: true,
	CodeInvalidLinkedInURL: true, CodeInvalidURL: true, CodeSourceContactConflict: true,
	CodeIncorrectCountryCode: true, CodeInvalidCustomField: true, CodeInvalidDatetime: true,
	CodeDuplicateCandidate: true, CodeFileSizeLimit: true, CodeMaliciousFile: true,
	CodePositionNotFound: true, CodeNotFound: true, CodeInvalidProspectStatus: true,
	CodeInvalidFileType: true, CodeCandidateNotFound: true,
}

// Retryable reports whether the same request may succeed later: a 429, a 5xx
// (with or without a JSON body), or a 408. The error code decides before the
// status does, so a documented data error is never retried whatever its status.
func (e *APIError) Retryable() bool {
	switch {
	case e.Code == CodeTooManyRequests:
		return true
	case dataCodes[e.Code] || e.Code == CodeCandidatePostConflict || e.Code == CodeNoPermission:
		return false
	}
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout ||
		e.Status >= 500
}

// Temporary is Retryable under the name net.Error made familiar.
func (e *APIError) Temporary() bool { return e.Retryable() }

// Conflict reports a 409 candidate_post_conflict: the candidate already
// exists in the position and CandidateUID names it.
func (e *APIError) Conflict() bool {
	return e.Code == CodeCandidatePostConflict ||
		(e.Code == "" && e.Status == http.StatusConflict)
}

// Throttled reports a 429: the account's request budget is spent.
func (e *APIError) Throttled() bool {
	return e.Code == CodeTooManyRequests || e.Status == http.StatusTooManyRequests
}

// Auth reports a failure of the credentials rather than of the row: a 401
// other than duplicate_candidate (which Comeet also sends as 401), or a 403
// no_permission. Every later row would fail the same way.
func (e *APIError) Auth() bool {
	switch e.Status {
	case http.StatusUnauthorized:
		return e.Code != CodeDuplicateCandidate
	case http.StatusForbidden:
		return e.Code == CodeNoPermission
	}
	return false
}

// Invalid reports that Comeet refused the row's data (a documented 4xx data
// code, or a 400/404/413/422 without one): fix the row, do not retry it.
func (e *APIError) Invalid() bool {
	if dataCodes[e.Code] {
		return true
	}
	if e.Code != "" {
		return false
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge,
		http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// tokenRejected reports a 401 that a freshly minted token may cure.
func (e *APIError) tokenRejected() bool {
	if e.Status != http.StatusUnauthorized || e.ClockSkew != 0 {
		return false // a token minted on a wrong clock is refused again
	}
	switch e.Code {
	case CodeTokenExpired, CodeUnauthorized, "":
		return true
	}
	return false
}

// errorBody is Comeet's JSON error answer.
type errorBody struct {
	Status       json.RawMessage `json:"status"`
	Error        string          `json:"error"`
	Message      string          `json:"message"`
	CandidateUID json.RawMessage `json:"candidate_uid"`
}

// DecodeAPIError builds the APIError for a non-2xx answer from its status,
// headers and body. A body that is not Comeet's JSON keeps a short excerpt.
func DecodeAPIError(status int, header http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{Status: status}
	if d, ok := ParseRetryAfter(header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	if status >= 300 && status < 400 {
		e.Location = header.Get("Location")
	}
	defer e.noteClockSkew(header, now)
	var eb errorBody
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &eb) == nil && eb.Error != "" {
		e.Code, e.Message = eb.Error, eb.Message
		e.CandidateUID = decodeUID(eb.CandidateUID)
		return e
	}
	e.Body = excerpt(trimmed)
	return e
}

// decodeUID accepts a uid sent as a JSON string or a JSON number.
func decodeUID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// excerpt keeps the start of a body, valid UTF-8 with whitespace collapsed,
// so an HTML page does not flood a log or a report cell.
func excerpt(body []byte) string {
	if len(body) > 4*maxBodyExcerpt {
		body = body[:4*maxBodyExcerpt]
	}
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "")), " ")
	if len(s) <= maxBodyExcerpt {
		return s
	}
	cut := maxBodyExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
