package comeettest

import (
	"net/http"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// TestEndpointRefusals checks, at the HTTP level, what the client never
// sends: methods, fields and bodies the endpoints refuse.
func TestEndpointRefusals(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Hour))
	created := do(t, http.MethodPost, s.URL+"/candidates", auth, validBody)
	if created.status != 201 {
		t.Fatalf("create: got %d %s", created.status, created.body)
	}
	uid := "00.0001"
	tests := []struct {
		name, method, path, auth, body string
		wantStatus                     int
		wantCode                       string
	}{
		{"delete a candidate", http.MethodDelete, "/candidates/" + uid, auth, "", 405, "method_not_allowed"},
		{"post positions", http.MethodPost, "/positions", auth, "{}", 405, "method_not_allowed"},
		{"positions without a token", http.MethodGet, "/positions", "", "", 401, comeet.CodeUnauthorized},
		{"patch the position", http.MethodPatch, "/candidates/" + uid, auth, `{"position_uid":"22.22"}`, 400, CodeBadRequest},
		{"patch a wide field", http.MethodPatch, "/candidates/" + uid, auth, `{"note":"n"}`, 400, CodeBadRequest},
		{"patch nothing", http.MethodPatch, "/candidates/" + uid, auth, `{}`, 400, comeet.CodeRequiredField},
		{"patch a required name away", http.MethodPatch, "/candidates/" + uid, auth, `{"last_name":""}`, 400, comeet.CodeRequiredField},
		{"patch with a bad updated_by", http.MethodPatch, "/candidates/" + uid, auth,
			`{"phone":"1","updated_by":{"type":"robot"}}`, 400, CodeBadRequest},
		{"patch not JSON", http.MethodPatch, "/candidates/" + uid, auth, `phone=1`, 400, CodeBadRequest},
		{"file without a name", http.MethodPost, "/candidates/" + uid + "/files", auth, `{"file":"` + b64("x") + `"}`, 400, comeet.CodeRequiredField},
		{"file body null", http.MethodPost, "/candidates/" + uid + "/files", auth, `null`, 400, CodeBadRequest},
		{"file not base64", http.MethodPost, "/candidates/" + uid + "/files", auth, `{"name":"a.pdf","file":"!!"}`, 400, CodeBadRequest},
		{"unknown position", http.MethodGet, "/positions/nope", auth, "", 404, comeet.CodePositionNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, s.URL+tt.path, tt.auth, tt.body)
			if r.status != tt.wantStatus || r.err.Error != tt.wantCode {
				t.Errorf("got %d %q (%s), want %d %s", r.status, r.err.Error, r.body, tt.wantStatus, tt.wantCode)
			}
		})
	}
	if st, _ := s.Candidate(uid); st.Candidate.LastName != "Chauck" || !st.Updated.IsZero() {
		t.Errorf("a refused patch changed the candidate: %+v", st)
	}
	ok := do(t, http.MethodPatch, s.URL+"/candidates/"+uid, auth, `{"phone":"+1 555","updated_by":{"type":"app","name":"x"}}`)
	if ok.status != 200 {
		t.Errorf("a good patch: got %d %s", ok.status, ok.body)
	}
}

// TestEveryEndpointCountsInTheWindow: reads, patches and files spend the
// same budget as creates.
func TestEveryEndpointCountsInTheWindow(t *testing.T) {
	s, _ := newTestServer(t, Options{Rate: 4, Per: time.Minute})
	auth := token(t, DefaultAPIKey, DefaultSecret, t0.Add(time.Hour))
	do(t, http.MethodPost, s.URL+"/candidates", auth, validBody)
	do(t, http.MethodGet, s.URL+"/positions", auth, "")
	do(t, http.MethodPatch, s.URL+"/candidates/00.0001", auth, `{"phone":"1"}`)
	do(t, http.MethodPost, s.URL+"/candidates/00.0001/files", auth, `{"name":"a.pdf","file":"`+b64("x")+`"}`)
	if r := do(t, http.MethodGet, s.URL+"/candidates/00.0001", auth, ""); r.status != 429 {
		t.Errorf("fifth request of four allowed: got %d, want 429", r.status)
	}
}
