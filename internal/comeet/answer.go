package comeet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Codes of answers that are not Comeet's own errors.
const (
	// CodeUncertainOutcome is the code of the APIError an *UncertainError
	// unwraps to: a 2xx that is not the answer expected.
	CodeUncertainOutcome = "uncertain_outcome"
	// CodeCandidateNotFound is Comeet's 404 for an unknown candidate uid
	// (read, update, files).
	CodeCandidateNotFound = "candidate_not_found"
)

// Answer limits.
const (
	// MaxClockSkew is how far the server's Date may be from this machine's
	// clock before a refused token is blamed on the clock.
	MaxClockSkew = time.Minute
	// maxStreamedErrorBody bounds how much of a JSON error answer larger
	// than maxErrorBody is scanned for its fields (a 409 that echoes the
	// candidate with its files).
	maxStreamedErrorBody = 64 << 20
	// maxMessage bounds a message kept from a streamed error answer.
	maxMessage = 4 << 10
)

// UncertainError is a 2xx answer to a request that changes something (a
// create, an update, a file) that is not the answer Comeet gives: an empty
// or HTML body, a 204 to a create, JSON without a uid. A proxy or a
// maintenance page can answer like that, and so can Comeet with a body cut
// on the way.
//
// The request may or may not have been applied, so the client never counts
// it as a success (no uid is invented) and never sends it again within the
// call: a second POST could create the candidate twice. A later run
// resolves it: sending the create again gets 409 candidate_post_conflict
// with the uid if the first one arrived (while the candidate is in
// progress), or creates it if it did not; a read-back (ListCandidates by
// time) finds it otherwise. An update is safe to send again.
//
// errors.As finds it, and also an *APIError with Code CodeUncertainOutcome,
// so code that knows only APIError reports it as a failure with that code.
type UncertainError struct {
	// Status and ContentType are the answer's.
	Status      int
	ContentType string
	// Reason says what was wrong with the body.
	Reason string
	// Body is a short excerpt of the body.
	Body string
}

func (e *UncertainError) Error() string {
	msg := fmt.Sprintf("comeet answered %d %s %s: %s", e.Status, http.StatusText(e.Status), e.Reason, uncertainAdvice)
	if e.Body != "" {
		msg += fmt.Sprintf(": %q", e.Body)
	}
	return msg
}

const uncertainAdvice = "the outcome is unknown (it may have been applied; a later run finds out)"

// Unwrap gives the APIError view of the answer, whose Message is what a
// report shows.
func (e *UncertainError) Unwrap() error {
	return &APIError{Status: e.Status, Code: CodeUncertainOutcome, Body: e.Body,
		Message: fmt.Sprintf("answered %d %s: %s", e.Status, e.Reason, uncertainAdvice)}
}

// ErrUnreadableAnswer is wrapped by the error of a read (GET) whose 2xx
// answer is not the JSON expected. Nothing changed on the server, so the
// read may simply be made again.
var ErrUnreadableAnswer = errors.New("answer is not the JSON expected")

// candidateAnswer is the part of a 2xx answer that proves a candidate: its
// uid, as a string or a number.
type candidateAnswer struct {
	UID json.RawMessage `json:"uid"`
}

// decodeCandidate reads the 2xx answer to a create or an update. Success is
// a JSON object with a non-empty uid; anything else is an *UncertainError.
func decodeCandidate(status int, header http.Header, data []byte) (*Created, error) {
	uncertain := func(reason string) error {
		return &UncertainError{Status: status, ContentType: header.Get("Content-Type"),
			Reason: reason, Body: excerpt(bytes.TrimSpace(data))}
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, uncertain("with an empty body")
	case !jsonContentType(header) && trimmed[0] != '{':
		return nil, uncertain("not with JSON")
	case trimmed[0] != '{':
		return nil, uncertain("not with a JSON object")
	}
	var probe candidateAnswer
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return nil, uncertain("with a body that is not valid JSON")
	}
	uid := decodeUID(probe.UID)
	if strings.TrimSpace(uid) == "" {
		return nil, uncertain("without a candidate uid")
	}
	var created Created
	// The uid proves it; the rest is kept as far as it decodes (a uid sent
	// as a number fails the whole struct).
	json.Unmarshal(trimmed, &created) //nolint:errcheck // see above
	created.UID = uid
	return &created, nil
}

// jsonContentType reports a Content-Type of application/json or +json.
func jsonContentType(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// DecodeAnswer reads one answer as the client does: a 2xx to a create
// gives the Created (with a uid) or an *UncertainError; anything else gives
// the *APIError, with a JSON error body read in a streaming way past
// maxErrorBody so a large 409 still yields its candidate_uid. It is
// exported for fuzzing and for tools that replay recorded answers.
func DecodeAnswer(status int, header http.Header, body io.Reader, now time.Time) (*Created, error) {
	if status >= 200 && status < 300 {
		data, err := io.ReadAll(io.LimitReader(body, maxAnswerBody))
		if err != nil {
			return nil, &UncertainError{Status: status, ContentType: header.Get("Content-Type"),
				Reason: "the body could not be read: " + err.Error()}
		}
		return decodeCandidate(status, header, data)
	}
	return nil, readAPIError(status, header, body, now)
}

// readAPIError reads a non-2xx answer. The first maxErrorBody bytes are
// decoded as before; when they are the start of a larger JSON object, the
// rest is scanned token by token for the fields the client needs.
func readAPIError(status int, header http.Header, body io.Reader, now time.Time) *APIError {
	head, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	e := DecodeAPIError(status, header, head, now)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if e.Code != "" || len(head) < maxErrorBody || len(trimmed) == 0 || trimmed[0] != '{' {
		return e
	}
	full := io.MultiReader(bytes.NewReader(head), io.LimitReader(body, maxStreamedErrorBody-maxErrorBody))
	if eb, ok := scanErrorFields(full, status == http.StatusConflict); ok {
		e.Code, e.Message, e.CandidateUID, e.Body = eb.code, eb.message, eb.uid, ""
	}
	return e
}

// scannedError holds the fields of an error body found by scanning.
type scannedError struct {
	code, message, uid string
}

// scanErrorFields walks a JSON object token by token, keeping "error",
// "message" and "candidate_uid" of the top level and skipping the rest, so
// only one value at a time is in memory. It stops as soon as it has what it
// needs (the uid too when wantUID).
func scanErrorFields(r io.Reader, wantUID bool) (scannedError, bool) {
	var out scannedError
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return out, false
	}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return out, false
		}
		if err := scanField(dec, key, &out); err != nil {
			return out, false
		}
		if out.code != "" && (!wantUID || out.uid != "") {
			return out, true
		}
	}
	return out, out.code != ""
}

func scanField(dec *json.Decoder, key string, out *scannedError) error {
	switch key {
	case "error":
		return dec.Decode(&out.code)
	case "message":
		if err := dec.Decode(&out.message); err != nil {
			return err
		}
		out.message = excerptLen(out.message, maxMessage)
		return nil
	case "candidate_uid":
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		out.uid = decodeUID(raw)
		return nil
	}
	return skipValue(dec)
}

// skipValue reads one value of any shape and forgets it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// excerptLen cuts s to at most n bytes on a rune boundary.
func excerptLen(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// noteClockSkew records, for a 401 that a token may explain, how far the
// server's Date is from now when that is more than MaxClockSkew.
func (e *APIError) noteClockSkew(header http.Header, now time.Time) {
	if e.Status != http.StatusUnauthorized || e.Code == CodeDuplicateCandidate {
		return
	}
	date, err := http.ParseTime(header.Get("Date"))
	if err != nil || now.IsZero() {
		return
	}
	if skew := date.Sub(now); skew > MaxClockSkew || skew < -MaxClockSkew {
		e.ClockSkew = skew.Round(time.Second)
	}
}

// skewText says which clock is ahead, by how much.
func skewText(skew time.Duration) string {
	if skew > 0 {
		return fmt.Sprintf("the server's clock is %s ahead of this machine's: check this machine's clock", skew)
	}
	return fmt.Sprintf("the server's clock is %s behind this machine's: check this machine's clock", -skew)
}
