package comeet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// TestCreateCandidateNotACandidate: a 2xx that is not a candidate with a uid
// is an uncertain outcome, never a success, and is not sent again.
func TestCreateCandidateNotACandidate(t *testing.T) {
	tests := []struct {
		name  string
		raw   comeettest.RawAnswer
		apply bool // the candidate was created before the odd answer
	}{
		{"201 with an HTML page", comeettest.RawAnswer{Status: 201, ContentType: "text/html",
			Body: []byte("<html><body>Maintenance</body></html>")}, false},
		{"200 from a proxy", comeettest.RawAnswer{Status: 200, ContentType: "text/html",
			Body: []byte("<html>ok</html>")}, true},
		{"204", comeettest.RawAnswer{Status: 204}, true},
		{"JSON without uid", comeettest.RawAnswer{Status: 201, ContentType: "application/json",
			Body: []byte(`{"status":"In progress"}`)}, true},
		{"JSON with an empty uid", comeettest.RawAnswer{Status: 201, ContentType: "application/json",
			Body: []byte(`{"uid":""}`)}, true},
		{"JSON array", comeettest.RawAnswer{Status: 200, ContentType: "application/json",
			Body: []byte(`[{"uid":"{{uid}}"}]`)}, true},
		{"JSON cut short", comeettest.RawAnswer{Status: 201, ContentType: "application/json",
			Body: []byte(`{"uid":"{{uid}}","position_uid":"11`)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{}, nil)
			h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: tt.raw, Apply: tt.apply})
			reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
			var ue *comeet.UncertainError
			if !errors.As(err, &ue) {
				t.Fatalf("got (%+v, %v), want an UncertainError", reply.Created, err)
			}
			var ae *comeet.APIError
			if !errors.As(err, &ae) || ae.Code != comeet.CodeUncertainOutcome || ae.Status != tt.raw.Status {
				t.Errorf("APIError view: got %+v, want code %s status %d", ae, comeet.CodeUncertainOutcome, tt.raw.Status)
			}
			if reply.Created != nil || reply.Attempts != 1 || len(h.srv.Requests()) != 1 {
				t.Errorf("got created %+v after %d attempts (%d requests), want nil after 1",
					reply.Created, reply.Attempts, len(h.srv.Requests()))
			}
			if !strings.Contains(err.Error(), "outcome is unknown") {
				t.Errorf("message %q does not say the outcome is unknown", err)
			}
		})
	}
}

// TestCreateCandidateUIDAsNumber: a uid sent as a JSON number still proves
// the candidate.
func TestCreateCandidateUIDAsNumber(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{
		Status: 201, ContentType: "application/json", Body: []byte(`{"uid": 1234, "status": "In progress"}`)}})
	reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
	if err != nil || reply.Created == nil || reply.Created.UID != "1234" {
		t.Fatalf("got (%+v, %v), want uid 1234", reply.Created, err)
	}
}

// TestRetryAfter401HasFreshToken: the resend after a refused token carries
// another token, even when the clock has not moved.
func TestRetryAfter401HasFreshToken(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	h := newHarness(t, comeettest.Options{Now: clock}, func(c *comeet.Config) { c.Now = clock })
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultExpiredToken})
	if _, err := h.client.CreateCandidate(context.Background(), bobby(t)); err != nil {
		t.Fatal(err)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	if reqs[0].Token == reqs[1].Token {
		t.Errorf("the retry after the 401 carried the refused token again")
	}
}

// TestClockSkew: a refused token with the server's Date two hours away says
// so, and no second token is tried (it would be refused the same way).
func TestClockSkew(t *testing.T) {
	local := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		offset   time.Duration
		wantSkew time.Duration
		fault    bool
	}{
		{"server two hours ahead", 2 * time.Hour, 2 * time.Hour, false},
		{"server two hours behind, token refused", -2 * time.Hour, -2 * time.Hour, true},
		{"thirty seconds off", 30 * time.Second, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := func() time.Time { return local.Add(tt.offset) }
			h := newHarness(t, comeettest.Options{Now: server}, func(c *comeet.Config) {
				c.Now = func() time.Time { return local }
				c.MaxAttempts = 1
			})
			if tt.fault {
				h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultExpiredToken, Count: 2})
			}
			reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
			var ae *comeet.APIError
			if !errors.As(err, &ae) || ae.Status != 401 {
				t.Fatalf("got %v, want a 401", err)
			}
			if ae.ClockSkew != tt.wantSkew {
				t.Errorf("ClockSkew: got %v, want %v", ae.ClockSkew, tt.wantSkew)
			}
			wantAttempts := 1
			if tt.wantSkew == 0 {
				wantAttempts = 2 // a fresh token is worth a try
			}
			if reply.Attempts != wantAttempts {
				t.Errorf("attempts: got %d, want %d", reply.Attempts, wantAttempts)
			}
			if mentions := strings.Contains(err.Error(), "clock"); mentions != (tt.wantSkew != 0) {
				t.Errorf("message %q: mentions the clock %v, want %v", err, mentions, tt.wantSkew != 0)
			}
		})
	}
}

// TestCheckNamesSkewedClock: check blames the clock for a plain 401 when
// the server's Date is far off.
func TestCheckNamesSkewedClock(t *testing.T) {
	local := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, comeettest.Options{Now: func() time.Time { return local.Add(-2 * time.Hour) }}, func(c *comeet.Config) {
		c.Now = func() time.Time { return local }
	})
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 401,
		ContentType: "application/json", Body: []byte(`{"status":401,"error":"unauthorized","message":"refused"}`)}})
	var ce *comeet.CheckError
	err := h.client.Check(context.Background())
	if !errors.As(err, &ce) || ce.Cause != comeet.CauseClock || !strings.Contains(err.Error(), "2h0m0s behind") {
		t.Errorf("got %v, want cause clock naming the 2h", err)
	}
}

// TestRedirects: a redirect is followed only to the same host with the
// same method; any other is reported with its Location.
func TestRedirects(t *testing.T) {
	other := comeettest.NewServer(comeettest.Options{})
	defer other.Close()
	tests := []struct {
		name       string
		status     int
		location   func(self string) string
		wantFollow bool
	}{
		{"301 elsewhere", 301, func(string) string { return "https://api.example.net/candidates" }, false},
		{"302 same host", 302, func(self string) string { return self + "/candidates" }, false},
		{"307 to another port", 307, func(string) string { return other.URL + "/candidates" }, false},
		{"308 same host", 308, func(self string) string { return self + "/candidates" }, true},
		{"307 relative", 307, func(string) string { return "/candidates" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{}, nil)
			loc := tt.location(h.srv.URL)
			h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: tt.status,
				Header: http.Header{"Location": {loc}}, ContentType: "text/html", Body: []byte("<a>moved</a>")}})
			reply, err := h.client.CreateCandidate(context.Background(), bobby(t))
			if tt.wantFollow {
				if err != nil || reply.Created == nil || len(h.srv.Candidates()) != 1 {
					t.Fatalf("got (%+v, %v), want created through the redirect", reply.Created, err)
				}
				return
			}
			var ae *comeet.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Location == "" {
				t.Fatalf("got %v, want a %d with its Location", err, tt.status)
			}
			if !strings.Contains(err.Error(), ae.Location) || !strings.HasSuffix(ae.Location, "/candidates") {
				t.Errorf("message %q, Location %q: want the Location in both", err, ae.Location)
			}
			if n := len(other.Requests()); n != 0 {
				t.Errorf("the other host got %d requests, want 0", n)
			}
		})
	}
}

// TestCallerClientRedirectPolicy: a caller's HTTP client that would follow
// every redirect still does not follow one to another host.
func TestCallerClientRedirectPolicy(t *testing.T) {
	other := comeettest.NewServer(comeettest.Options{})
	defer other.Close()
	h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) { c.HTTPClient = &http.Client{} })
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 307,
		Header: http.Header{"Location": {other.URL + "/candidates"}}}})
	_, err := h.client.CreateCandidate(context.Background(), bobby(t))
	var ae *comeet.APIError
	if !errors.As(err, &ae) || ae.Status != 307 || len(other.Requests()) != 0 {
		t.Errorf("got %v and %d requests elsewhere, want the 307 reported and none", err, len(other.Requests()))
	}
}

// TestLargeConflictBody: a 409 whose body is far over the error body cap,
// with its fields after the bulk, is still a conflict naming the uid.
func TestLargeConflictBody(t *testing.T) {
	for _, size := range []int{70 << 10, 2 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			// The attempt's timeout is the default minute, so a slow
			// machine (or -race) reading the big body does not fail it.
			h := newHarness(t, comeettest.Options{}, func(c *comeet.Config) { c.Timeout = 0 })
			body := fmt.Sprintf(`{"status":409,"candidate":{"resume":{"name":"cv.pdf","file":"%s"},"links":[{"url":"x"}]},`+
				`"message":"exists","error":"candidate_post_conflict","candidate_uid":"00.BIG"}`,
				bytes.Repeat([]byte("QUJD"), size/4))
			h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{
				Status: 409, ContentType: "application/json", Body: []byte(body)}})
			_, err := h.client.CreateCandidate(context.Background(), bobby(t))
			var ae *comeet.APIError
			if !errors.As(err, &ae) || ae.Code != comeet.CodeCandidatePostConflict || ae.CandidateUID != "00.BIG" {
				t.Fatalf("got %+v (%v), want candidate_post_conflict naming 00.BIG", ae, err)
			}
			if ae.Message != "exists" || ae.Body != "" {
				t.Errorf("got message %q body %q", ae.Message, ae.Body)
			}
		})
	}
}

// FuzzDecodeAnswer: whatever the status, headers and body, the decoder
// neither panics nor calls a 2xx without a uid a success, and every
// failure is typed.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add(201, "Content-Type: application/json", []byte(`{"uid":"00.A"}`))
	f.Add(201, "Content-Type: text/html", []byte(`<html>`))
	f.Add(204, "", []byte{})
	f.Add(409, "Content-Type: application/json", []byte(`{"error":"candidate_post_conflict","candidate_uid":7}`))
	f.Add(401, "Date: Sat, 01 Mar 2025 14:00:00 GMT", []byte(`{"error":"token_expired"}`))
	f.Add(301, "Location: https://x.example/y", []byte(``))
	f.Add(429, "Retry-After: 5", []byte(`{"error":"too_many_requests"}`))
	f.Add(500, "", []byte(`{"a":[{"b":"`))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, rawHeader string, body []byte) {
		header := http.Header{}
		for line := range strings.SplitSeq(rawHeader, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		created, err := comeet.DecodeAnswer(status, header, bytes.NewReader(body), now)
		var ue *comeet.UncertainError
		var ae *comeet.APIError
		switch {
		case status >= 200 && status < 300 && err == nil:
			if created == nil || strings.TrimSpace(created.UID) == "" {
				t.Fatalf("success without a uid: %+v", created)
			}
		case status >= 200 && status < 300:
			if !errors.As(err, &ue) || created != nil {
				t.Fatalf("got (%v, %v), want an UncertainError", created, err)
			}
		case !errors.As(err, &ae) || ae.Status != status:
			t.Fatalf("got %v, want an APIError with status %d", err, status)
		case len(ae.Body) > 1000:
			t.Fatalf("body excerpt of %d bytes", len(ae.Body))
		}
		if err != nil && !utf8.ValidString(err.Error()) {
			t.Fatalf("message is not valid UTF-8: %q", err)
		}
	})
}
