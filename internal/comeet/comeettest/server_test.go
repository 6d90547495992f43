package comeettest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock shared by a test and its server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func token(t *testing.T, iss, secret string, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": iss, "exp": exp.Unix()}).
		SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reply is an answer read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
	err    errorReply
}

func do(t *testing.T, method, url, auth, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: data}
	json.Unmarshal(data, &r.err) //nolint:errcheck // not every answer is an error
	return r
}

func newTestServer(t *testing.T, opts Options) (*Server, *clock) {
	t.Helper()
	c := &clock{t: t0}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s, c
}

const validBody = `{"position_uid":"11.11","partner_candidate_id":"1111A","first_name":"Bobby","last_name":"Chauck"}`

// withField returns validBody with one more top-level member.
func withField(member string) string {
	return strings.TrimSuffix(validBody, "}") + "," + member + "}"
}

func b64(data string) string { return base64.StdEncoding.EncodeToString([]byte(data)) }

func TestContract(t *testing.T) {
	good := token(t, DefaultAPIKey, DefaultSecret, t0.Add(10*time.Minute))
	opts := Options{Positions: []string{"11.11"}, CustomFields: []string{"field1"}, MaxFileSize: 10}
	tests := []struct {
		name       string
		auth, body string
		wantStatus int
		wantCode   string
	}{
		{"created", good, validBody, 201, ""},
		{"every field", good, withField(`"middle_name":"R","email":"b@example.com","linkedin_url":"https://www.linkedin.com/in/b",` +
			`"prospect_status":"Do not contact","links":[{"url":"https://github.com/b"}],` +
			`"resume":{"name":"cv.pdf","file":"` + b64("0123456789") + `"},"files":[{"name":"a","file":""}],` +
			`"picture":{"name":"p.png","file":"` + b64(strings.Repeat("p", 50)) + `"},` +
			`"source_contact":{"full_name":"M R","email":"m@example.com"},"address":{"country":"US"},` +
			`"custom_fields":{"field1":"v"},"note":"n","unknown":{"x":[1,true,null]}`), 201, ""},
		{"no token", "", validBody, 401, comeet.CodeUnauthorized},
		{"garbage token", "abc.def", validBody, 401, comeet.CodeUnauthorized},
		{"wrong secret", token(t, DefaultAPIKey, "other", t0.Add(time.Minute)), validBody, 401, comeet.CodeInvalidSignature},
		{"unknown key", token(t, "stranger", DefaultSecret, t0.Add(time.Minute)), validBody, 401, comeet.CodeUnknownAPIKey},
		{"expired", token(t, DefaultAPIKey, DefaultSecret, t0.Add(-time.Second)), validBody, 401, comeet.CodeTokenExpired},
		{"not json", good, `{"position_uid":`, 400, CodeBadRequest},
		{"trailing data", good, validBody + "x", 400, CodeBadRequest},
		{"bad base64", good, withField(`"resume":{"name":"a","file":"!!!"}`), 400, CodeBadRequest},
		{"no first name", good, `{"position_uid":"11.11","partner_candidate_id":"1","last_name":"C"}`, 400, comeet.CodeRequiredField},
		{"blank partner id", good, `{"position_uid":"11.11","partner_candidate_id":" ","first_name":"B","last_name":"C"}`, 400, comeet.CodeRequiredField},
		{"unknown position", good, strings.Replace(validBody, "11.11", "99.99", 1), 404, comeet.CodePositionNotFound},
		{"bad email", good, withField(`"email":"bobby(at)example.com"`), 400, comeet.CodeInvalidEmail},
		{"named email", good, withField(`"email":"Bob <b@example.com>"`), 400, comeet.CodeInvalidEmail},
		{"bad linkedin", good, withField(`"linkedin_url":"https://github.com/b"`), 400, comeet.CodeInvalidLinkedInURL},
		{"bad link", good, withField(`"links":[{"url":"javascript:alert(1)"}]`), 400, comeet.CodeInvalidURL},
		{"bad prospect status", good, withField(`"prospect_status":"Hot"`), 400, comeet.CodeInvalidProspectStatus},
		{"source contact without email", good, withField(`"source_contact":{"full_name":"M"}`), 400, comeet.CodeRequiredField},
		{"source contact without name", good, withField(`"source_contact":{"email":"m@example.com"}`), 400, comeet.CodeRequiredField},
		{"bad country", good, withField(`"address":{"country":"us"}`), 400, comeet.CodeIncorrectCountryCode},
		{"unknown custom field", good, withField(`"custom_fields":{"field2":"v"}`), 400, comeet.CodeInvalidCustomField},
		{"resume too large", good, withField(`"resume":{"name":"cv.pdf","file":"` + b64("01234567890") + `"}`), 403, comeet.CodeFileSizeLimit},
		{"file too large", good, withField(`"files":[{"name":"a","file":"` + b64("01234567890") + `"}]`), 403, comeet.CodeFileSizeLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, opts)
			r := do(t, http.MethodPost, s.URL+"/candidates", tt.auth, tt.body)
			if r.status != tt.wantStatus || r.err.Error != tt.wantCode {
				t.Errorf("got %d %q (%s), want %d %q", r.status, r.err.Error, r.err.Message, tt.wantStatus, tt.wantCode)
			}
			if tt.wantCode != "" && r.err.Status != tt.wantStatus {
				t.Errorf("body status: got %d, want %d", r.err.Status, tt.wantStatus)
			}
			if got := len(s.Candidates()); (got == 1) != (tt.wantStatus == 201) {
				t.Errorf("got %d stored candidates after a %d", got, r.status)
			}
		})
	}
}

func TestFilesDecoded(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	data := strings.Repeat("file bytes \x00\xff ", 100_000)
	enc := strings.ReplaceAll(b64(data), "/", `\/`) // as some encoders write it
	body := withField(`"resume":{"file":"` + enc + `","name":"cv.pdf"}`)
	r := do(t, http.MethodPost, s.URL+"/candidates", token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute)), body)
	if r.status != 201 {
		t.Fatalf("got %d %s, want 201", r.status, r.body)
	}
	resume := s.Candidates()[0].Candidate.Resume
	sum := sha256.Sum256([]byte(data))
	if resume.Name != "cv.pdf" || resume.Size != int64(len(data)) || resume.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("got %q %d bytes %s, want cv.pdf %d bytes %x", resume.Name, resume.Size, resume.SHA256, len(data), sum)
	}
}

func TestConflictAndStatus(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute))
	post := func() reply { return do(t, http.MethodPost, s.URL+"/candidates", auth, validBody) }
	var created comeet.Created
	first := post()
	if err := json.Unmarshal(first.body, &created); err != nil || first.status != 201 || created.Status != StatusInProgress {
		t.Fatalf("first post: got %d %s", first.status, first.body)
	}
	second := post()
	if second.status != 409 || second.err.Error != comeet.CodeCandidatePostConflict || second.err.CandidateUID != created.UID {
		t.Fatalf("second post: got %d %s, want 409 naming %s", second.status, second.body, created.UID)
	}
	if !s.SetStatus(created.UID, StatusRejected) {
		t.Fatalf("SetStatus(%s) found no candidate", created.UID)
	}
	if s.SetStatus("nope", StatusHired) {
		t.Errorf("SetStatus of an unknown uid reported true")
	}
	if third := post(); third.status != 201 {
		t.Errorf("post after rejection: got %d, want 201", third.status)
	}
	key := comeet.Key{PositionUID: "11.11", PartnerCandidateID: "1111A"}
	if got := s.CreatedCount(key); got != 2 {
		t.Errorf("CreatedCount: got %d, want 2", got)
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name           string
		header         bool
		wantRetryAfter string
	}{
		{"without retry-after", false, ""},
		{"with retry-after", true, "50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newTestServer(t, Options{Rate: 2, Per: time.Minute, RetryAfterHeader: tt.header})
			auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Hour))
			get := func() reply { return do(t, http.MethodGet, s.URL+"/candidates", auth, "") }
			get()
			c.Add(10 * time.Second)
			get()
			r := get()
			if r.status != 429 || r.err.Message != "allowed limit of 2 requests per 60 seconds" {
				t.Fatalf("third request: got %d %s", r.status, r.body)
			}
			if got := r.header.Get("Retry-After"); got != tt.wantRetryAfter {
				t.Errorf("Retry-After: got %q, want %q", got, tt.wantRetryAfter)
			}
			c.Add(51 * time.Second) // the first request left the window
			if r := get(); r.status != 200 {
				t.Errorf("after the window moved: got %d, want 200", r.status)
			}
			if got := s.Count429(); got != 1 {
				t.Errorf("Count429: got %d, want 1", got)
			}
		})
	}
}

func TestList(t *testing.T) {
	s, c := newTestServer(t, Options{})
	auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Hour))
	do(t, http.MethodPost, s.URL+"/candidates", auth, validBody)
	c.Add(time.Minute)
	tests := []struct {
		query      string
		wantStatus int
		wantCount  int
	}{
		{"", 200, 1},
		{"?time_created:after=" + t0.Add(-time.Second).Format(time.RFC3339), 200, 1},
		{"?time_created%3Aafter=" + t0.Format(time.RFC3339), 200, 0},
		{"?time_created:after=yesterday", 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := do(t, http.MethodGet, s.URL+"/candidates"+tt.query, auth, "")
			var list []comeet.Created
			json.Unmarshal(r.body, &list) //nolint:errcheck // checked by the count
			if r.status != tt.wantStatus || len(list) != tt.wantCount {
				t.Errorf("got %d with %d candidates (%s), want %d with %d", r.status, len(list), r.body, tt.wantStatus, tt.wantCount)
			}
		})
	}
	if r := do(t, http.MethodGet, s.URL+"/candidates", "", ""); r.status != 401 {
		t.Errorf("list without a token: got %d, want 401", r.status)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name        string
		fault       Fault
		wantStatus  int // 0: no answer
		wantCode    string
		wantHTML    bool
		wantRetry   string
		wantStored  int
		wantRecords FaultKind
	}{
		{"server error", Fault{Kind: FaultServerError}, 503, CodeServerError, false, "", 0, FaultServerError},
		{"server error 500 html", Fault{Kind: FaultServerError, Status: 500, HTML: true}, 500, "", true, "", 0, FaultServerError},
		{"throttle", Fault{Kind: FaultThrottle}, 429, comeet.CodeTooManyRequests, false, "", 0, FaultThrottle},
		{"throttle with retry-after", Fault{Kind: FaultThrottle, RetryAfter: "3"}, 429, comeet.CodeTooManyRequests, false, "3", 0, FaultThrottle},
		{"html page", Fault{Kind: FaultHTMLPage}, 502, "", true, "", 0, FaultHTMLPage},
		{"expired token", Fault{Kind: FaultExpiredToken}, 401, comeet.CodeTokenExpired, false, "", 0, FaultExpiredToken},
		{"slow", Fault{Kind: FaultSlow, Delay: 20 * time.Millisecond}, 201, "", false, "", 1, FaultSlow},
		{"lost reply", Fault{Kind: FaultLostReply}, 502, "", true, "", 1, FaultLostReply},
		{"reset", Fault{Kind: FaultReset}, 0, "", false, "", 0, FaultReset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{})
			s.Inject(tt.fault)
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/candidates", strings.NewReader(validBody))
			req.Header.Set("Authorization", "Bearer "+token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute)))
			resp, err := http.DefaultClient.Do(req)
			if tt.wantStatus == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got %d, want no answer", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				checkFaultAnswer(t, resp, tt.wantStatus, tt.wantCode, tt.wantHTML, tt.wantRetry)
			}
			if got := len(s.Candidates()); got != tt.wantStored {
				t.Errorf("got %d stored, want %d", got, tt.wantStored)
			}
			recs := s.Requests()
			if len(recs) != 1 || recs[0].Fault != tt.wantRecords || recs[0].Status != tt.wantStatus {
				t.Errorf("got records %+v, want one with fault %v status %d", recs, tt.wantRecords, tt.wantStatus)
			}
			if r := do(t, http.MethodGet, s.URL+"/candidates", token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute)), ""); r.status != 200 {
				t.Errorf("the request after the fault: got %d, want 200", r.status)
			}
		})
	}
}

func checkFaultAnswer(t *testing.T, resp *http.Response, status int, code string, html bool, retryAfter string) {
	t.Helper()
	data, _ := io.ReadAll(resp.Body)
	var e errorReply
	json.Unmarshal(data, &e) //nolint:errcheck // an HTML page is not JSON
	isHTML := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
	if resp.StatusCode != status || e.Error != code || isHTML != html || resp.Header.Get("Retry-After") != retryAfter {
		t.Errorf("got %d code %q html %v retry-after %q, want %d %q %v %q",
			resp.StatusCode, e.Error, isHTML, resp.Header.Get("Retry-After"), status, code, html, retryAfter)
	}
}

func TestFaultCountAndOrder(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	s.Inject(Fault{Kind: FaultServerError, Count: 2}, Fault{Kind: FaultThrottle})
	auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute))
	var got []int
	for range 4 {
		got = append(got, do(t, http.MethodGet, s.URL+"/candidates", auth, "").status)
	}
	if want := []int{503, 503, 429, 200}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got statuses %v, want %v", got, want)
	}
	if s.PendingFaults() != 0 || s.Count429() != 1 {
		t.Errorf("got %d pending, %d 429s; want 0 and 1", s.PendingFaults(), s.Count429())
	}
}

func TestRandomFaultsRepeatable(t *testing.T) {
	run := func() []FaultKind {
		s, _ := newTestServer(t, Options{})
		s.SetRandomFaults(RandomFaults{Seed: 42, P5xx: 0.2, P429: 0.2, PLostReply: 0.1, PSlow: 0.1, Slow: time.Millisecond})
		auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute))
		for range 30 {
			do(t, http.MethodGet, s.URL+"/candidates", auth, "")
		}
		var kinds []FaultKind
		for _, r := range s.Requests() {
			kinds = append(kinds, r.Fault)
		}
		return kinds
	}
	first, second := run(), run()
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("same seed, different faults:\n%v\n%v", first, second)
	}
	faulty := 0
	for _, k := range first {
		if k != FaultNone {
			faulty++
		}
	}
	if faulty == 0 || faulty == len(first) {
		t.Errorf("got %d faults in %d requests, want some but not all", faulty, len(first))
	}
}

func TestCloseCutsSlowAnswers(t *testing.T) {
	s := NewServer(Options{})
	s.Inject(Fault{Kind: FaultSlow, Delay: time.Minute})
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.URL + "/candidates")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for s.PendingFaults() > 0 {
		time.Sleep(time.Millisecond)
	}
	s.Close() // returns only when the slow handler has ended
	if err := <-done; err == nil {
		t.Errorf("got an answer from a closed server, want an error")
	}
	if len(s.Requests()) != 1 {
		t.Errorf("got %d records, want the slow request recorded", len(s.Requests()))
	}
}

func TestUnknownPath(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	// /positions is served since the positions endpoints came; another path is not.
	if r := do(t, http.MethodGet, s.URL+"/v9/positions", "", ""); r.status != 404 || r.err.Error != comeet.CodeNotFound {
		t.Errorf("got %d %q, want 404 not_found", r.status, r.err.Error)
	}
}

func TestBodyTooLarge(t *testing.T) {
	s, _ := newTestServer(t, Options{MaxBodySize: 100})
	body := withField(`"note":"` + strings.Repeat("x", 200) + `"`)
	r := do(t, http.MethodPost, s.URL+"/candidates", token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Minute)), body)
	if r.status != 413 {
		t.Errorf("got %d, want 413", r.status)
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(validBody))
	f.Add([]byte(withField(`"resume":{"name":"a","file":"aGVsbG8="},"custom_fields":{"a":1,"b":"\u00e9\ud83d\ude00"}`)))
	f.Add([]byte(`{"links":[{"url":"x"}],"address":null,"files":[null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cand, err := newDecoder(bytes.NewReader(body)).candidate()
		if err != nil {
			return
		}
		// What the stream decoder accepts, encoding/json must accept too,
		// and the plain fields must agree (keys match case-sensitively).
		var members map[string]json.RawMessage
		if jerr := json.Unmarshal(body, &members); jerr != nil {
			t.Fatalf("stream decoder accepted %q, encoding/json says %v", body, jerr)
		}
		for key, got := range map[string]string{
			"first_name": cand.FirstName, "note": cand.Note, "position_uid": cand.PositionUID,
		} {
			var want string
			if raw, ok := members[key]; ok {
				if jerr := json.Unmarshal(raw, &want); jerr != nil && string(raw) != "null" {
					t.Fatalf("stream decoder took %s %s as a string: %v", key, raw, jerr)
				}
			}
			if got != want {
				t.Errorf("%s: got %q, want %q", key, got, want)
			}
		}
	})
}

func TestServeUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", Options{}) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: got %v, want nil after cancel", err)
	}
	if _, err := NewServerAt("127.0.0.1:notaport", Options{}); err == nil {
		t.Errorf("NewServerAt with a bad address: got nil error")
	}
}

func TestSandboxCredentials(t *testing.T) {
	tests := []struct {
		name, url, key, secret string
		want                   bool
	}{
		{"loopback without credentials", "http://127.0.0.1:8080", "", "", true},
		{"localhost without credentials", "http://localhost:8080", "", "", true},
		{"remote host", "https://api.comeet.co", "", "", false},
		{"a key was given", "http://127.0.0.1:8080", "k", "", false},
		{"a secret was given", "http://127.0.0.1:8080", "", "s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, sec, ok := SandboxCredentials(tt.url, tt.key, tt.secret)
			switch {
			case ok != tt.want:
				t.Errorf("ok = %v, want %v", ok, tt.want)
			case ok && (key != DefaultAPIKey || sec != DefaultSecret):
				t.Errorf("got %q, %q, want the sandbox's", key, sec)
			case !ok && (key != tt.key || sec != tt.secret):
				t.Errorf("got %q, %q, want the given %q, %q", key, sec, tt.key, tt.secret)
			}
		})
	}
}
