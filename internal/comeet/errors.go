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

// ErrorKind is what a failed answer means for the request that got it, and
// so what a caller does next: the one classification of Comeet's answers
// that the importer, the retry policy and the connection check share.
type ErrorKind int

// The kinds of failed answer, from Kind.
const (
	// KindUnexpected is an answer none of the others explains (a 1xx or 2xx
	// decoded as an error).
	KindUnexpected ErrorKind = iota
	// KindConflict: the candidate already exists in the position (409);
	// CandidateUID names it.
	KindConflict
	// KindInvalid: the request itself is wrong (a documented data code, or a
	// 4xx that no other kind claims): fix the row, sending it again gives
	// the same answer.
	KindInvalid
	// KindAuth: the credentials were refused (a 401 other than
	// duplicate_candidate). Every later request would be refused too.
	KindAuth
	// KindForbidden: the credentials were accepted but may not do this (a
	// 403 no_permission, or a 403 without a code). Comeet's permissions
	// belong to the api key, not to a row, so every later request would be
	// refused too: callers stop sending, as for KindAuth, rather than spend
	// the whole request budget collecting the same refusal row after row.
	KindForbidden
	// KindThrottled: the request budget is spent (429); retry after waiting.
	KindThrottled
	// KindTransient: the server failed or timed out (5xx, 408); the same
	// request may succeed later.
	KindTransient
	// KindNoEndpoint: something answered without Comeet's JSON, with a
	// redirect, 404 or 405: the base URL does not name Comeet's API.
	KindNoEndpoint
)

var kindNames = [...]string{
	KindUnexpected: "unexpected", KindConflict: "conflict", KindInvalid: "invalid",
	KindAuth: "auth", KindForbidden: "forbidden", KindThrottled: "throttled",
	KindTransient: "transient", KindNoEndpoint: "no_endpoint",
}

func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// StopsRun reports whether every later request with the same credentials
// would get the same refusal, so a run stops sending.
func (k ErrorKind) StopsRun() bool { return k == KindAuth || k == KindForbidden }

// Retryable reports whether the same request may succeed later.
func (k ErrorKind) Retryable() bool { return k == KindThrottled || k == KindTransient }

// authCodes are the codes of refused credentials (see the Code constants).
var authCodes = map[string]bool{
	CodeUnauthorized: true, CodeTokenExpired: true, CodeInvalidSignature: true, CodeUnknownAPIKey: true,
}

// Kind classifies the answer: by its error code first, since 401 and 403
// are overloaded (duplicate_candidate is a 401 about the data,
// file_size_limit a 403 about the data), then by its status. It never looks
// at the message text. A 4xx without a code other than 401, 403, 404, 405,
// 408, 409 and 429 is KindInvalid: the request was refused as it is. An
// unknown code is decided by the status like no code at all, except that a
// 404 or 405 with Comeet's JSON is about the data (an unknown id), not the
// URL.
func (e *APIError) Kind() ErrorKind {
	switch {
	case e.Code == CodeCandidatePostConflict:
		return KindConflict
	case e.Code == CodeTooManyRequests:
		return KindThrottled
	case dataCodes[e.Code]:
		return KindInvalid
	case e.Code == CodeNoPermission:
		return KindForbidden
	case authCodes[e.Code]:
		return KindAuth
	}
	switch s := e.Status; {
	case s == http.StatusUnauthorized:
		return KindAuth
	case s == http.StatusForbidden:
		return KindForbidden
	case s == http.StatusConflict:
		return KindConflict
	case s == http.StatusTooManyRequests:
		return KindThrottled
	case s == http.StatusRequestTimeout, s >= 500:
		return KindTransient
	case (s == http.StatusNotFound || s == http.StatusMethodNotAllowed) && e.Code == "",
		s >= 300 && s < 400:
		return KindNoEndpoint
	case s >= 400:
		return KindInvalid
	}
	return KindUnexpected
}

// Retryable reports whether the same request may succeed later: a 429, a 5xx
// or a 408 (see Kind).
func (e *APIError) Retryable() bool { return e.Kind().Retryable() }

// Temporary is Retryable under the name net.Error made familiar.
func (e *APIError) Temporary() bool { return e.Retryable() }

// Conflict reports a 409: the candidate already exists in the position and
// CandidateUID names it.
func (e *APIError) Conflict() bool { return e.Kind() == KindConflict }

// Throttled reports a 429: the account's request budget is spent. It looks
// at the status too, whatever the code, since a 429 always means the budget.
func (e *APIError) Throttled() bool {
	return e.Kind() == KindThrottled || e.Status == http.StatusTooManyRequests
}

// Auth reports a failure of the credentials rather than of the row
// (KindAuth or KindForbidden): every later row would fail the same way.
func (e *APIError) Auth() bool { return e.Kind().StopsRun() }

// Invalid reports that Comeet refused the row's data: fix the row, do not
// retry it.
func (e *APIError) Invalid() bool { return e.Kind() == KindInvalid }

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
