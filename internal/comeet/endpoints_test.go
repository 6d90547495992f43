package comeet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// created posts bobby and returns the uid.
func created(t *testing.T, h *harness, partnerID string) string {
	t.Helper()
	cand := bobby(t)
	cand.PartnerCandidateID, cand.Resume = partnerID, nil
	reply, err := h.client.CreateCandidate(context.Background(), cand)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return reply.Created.UID
}

func wantAPIError(t *testing.T, err error, status int, code string) *comeet.APIError {
	t.Helper()
	var ae *comeet.APIError
	if !errors.As(err, &ae) || ae.Status != status || ae.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	return ae
}

func TestUpdateCandidate(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	uid := created(t, h, "P1")
	ctx := context.Background()
	reply, err := h.client.UpdateCandidate(ctx, uid, &comeet.Patch{
		Phone: new("+1 555 0100"), CustomFields: map[string]string{"field2": "v2"},
		UpdatedBy: &comeet.UpdatedBy{Type: comeet.UpdatedByApp, Name: "comeet-import"},
	})
	if err != nil || reply.Created == nil || reply.Created.UID != uid || reply.Attempts != 1 {
		t.Fatalf("got (%+v, %v), want the candidate %s in 1 attempt", reply, err, uid)
	}
	reqs := h.srv.Requests()
	if got := reqs[len(reqs)-1].Fields; !slices.Equal(got, []string{"phone", "custom_fields"}) {
		t.Errorf("PATCH carried %v, want [phone custom_fields]", got)
	}
	rec, _, err := h.client.GetCandidate(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Phone != "+1 555 0100" || rec.Email != "bobby@example.com" || rec.CustomFields["field1"] != "value1" ||
		rec.CustomFields["field2"] != "v2" || rec.Status != comeettest.StatusInProgress {
		t.Errorf("read back %+v: want the new phone and custom field, the rest as created", rec)
	}
}

func TestUpdateCandidateRefusals(t *testing.T) {
	tests := []struct {
		name       string
		wideClient bool
		wideServer bool
		setup      func(h *harness, uid string) string // returns the uid to patch
		patch      *comeet.Patch
		check      func(t *testing.T, reply comeet.Reply, err error)
	}{
		{"unknown uid", false, false, func(*harness, string) string { return "00.NOPE" },
			&comeet.Patch{Phone: new("1")}, func(t *testing.T, _ comeet.Reply, err error) {
				if ae := wantAPIError(t, err, 404, comeet.CodeCandidateNotFound); !ae.Invalid() || ae.Retryable() {
					t.Errorf("candidate_not_found: want final, not retryable")
				}
			}},
		{"deleted", false, false, func(h *harness, uid string) string { h.srv.Delete(uid); return uid },
			&comeet.Patch{Phone: new("1")}, func(t *testing.T, _ comeet.Reply, err error) {
				wantAPIError(t, err, 404, comeet.CodeCandidateNotFound)
			}},
		{"merged", false, false, func(h *harness, uid string) string {
			other := created(t, h, "P2")
			h.srv.Merge(uid, other)
			return uid
		}, &comeet.Patch{Phone: new("1")}, func(t *testing.T, _ comeet.Reply, err error) {
			if ae := wantAPIError(t, err, 401, comeet.CodeDuplicateCandidate); ae.Auth() {
				t.Errorf("duplicate_candidate taken for a credentials failure")
			}
		}},
		{"invalid email", false, false, nil, &comeet.Patch{Email: new("not-an-email")},
			func(t *testing.T, _ comeet.Reply, err error) { wantAPIError(t, err, 400, comeet.CodeInvalidEmail) }},
		{"field outside the narrow list", false, false, nil, &comeet.Patch{Note: new("n"), Phone: new("1")},
			func(t *testing.T, reply comeet.Reply, err error) {
				var fe *comeet.PatchFieldError
				if !errors.As(err, &fe) || !slices.Equal(fe.Fields, []string{"note"}) || reply.Attempts != 0 {
					t.Errorf("got %v after %d attempts, want note refused before sending", err, reply.Attempts)
				}
			}},
		{"empty patch", false, false, nil, &comeet.Patch{},
			func(t *testing.T, _ comeet.Reply, err error) {
				if !errors.Is(err, comeet.ErrEmptyPatch) {
					t.Errorf("got %v, want ErrEmptyPatch", err)
				}
			}},
		{"wide field to a narrow server", true, false, nil, &comeet.Patch{Note: new("n")},
			func(t *testing.T, _ comeet.Reply, err error) { wantAPIError(t, err, 400, comeettest.CodeBadRequest) }},
		{"wide field, wide on both sides", true, true, nil, &comeet.Patch{Note: new("n")},
			func(t *testing.T, reply comeet.Reply, err error) {
				if err != nil || reply.Created == nil {
					t.Errorf("got %v, want the note updated", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{WidePatch: tt.wideServer}, func(c *comeet.Config) {
				if tt.wideClient {
					c.PatchFields = comeet.WidePatchFields
				}
			})
			uid := created(t, h, "P1")
			if tt.setup != nil {
				uid = tt.setup(h, uid)
			}
			before, _ := h.srv.Candidate(uid)
			reply, err := h.client.UpdateCandidate(context.Background(), uid, tt.patch)
			tt.check(t, reply, err)
			if after, _ := h.srv.Candidate(uid); err != nil && after.Candidate.Email != before.Candidate.Email {
				t.Errorf("a refused patch changed the candidate")
			}
		})
	}
}

func TestAddFile(t *testing.T) {
	h := newHarness(t, comeettest.Options{MaxFileSize: 1000, MaliciousFiles: []string{"evil.pdf"}}, nil)
	ctx := context.Background()
	cand := bobby(t)
	cand.Resume = fileOnDisk(t, "cv.pdf", []byte("resume"))
	reply, err := h.client.CreateCandidate(ctx, cand)
	if err != nil {
		t.Fatal(err)
	}
	uid := reply.Created.UID
	file := fileOnDisk(t, "cover letter.docx", bytes.Repeat([]byte{0, 1, 2}, 100))
	if reply, err := h.client.AddFile(ctx, uid, file); err != nil || reply.Attempts != 1 {
		t.Fatalf("AddFile: got (%+v, %v)", reply, err)
	}
	files, _, err := h.client.ListFiles(ctx, uid)
	if err != nil || len(files) != 2 || files[1].Name != "cover letter.docx" || files[1].URL == "" || files[1].Size != file.Size {
		t.Fatalf("ListFiles: got (%+v, %v), want the resume and the letter, with its size", files, err)
	}
	if got := h.srv.Files(uid); got[1].SHA256 != file.SHA256 || got[1].Size != file.Size {
		t.Errorf("stored %+v, want the letter's digest and size", got[1])
	}
	other := created(t, h, "P2")
	h.srv.Merge(other, uid)
	tests := []struct {
		name, uid string
		file      *comeet.File
		status    int
		code      string
	}{
		{"over the size limit", uid, fileOnDisk(t, "big.pdf", make([]byte, 1001)), 403, comeet.CodeFileSizeLimit},
		{"malicious", uid, fileOnDisk(t, "evil.pdf", []byte("x")), 403, comeet.CodeMaliciousFile},
		{"unknown candidate", "00.NOPE", file, 404, comeet.CodeCandidateNotFound},
		{"merged candidate", other, file, 401, comeet.CodeDuplicateCandidate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := h.client.AddFile(ctx, tt.uid, tt.file)
			wantAPIError(t, err, tt.status, tt.code)
			if reply.Attempts != 1 {
				t.Errorf("attempts: got %d, want 1", reply.Attempts)
			}
		})
	}
	if n := len(h.srv.Files(uid)); n != 2 {
		t.Errorf("got %d files after the refusals, want 2", n)
	}
}

// TestAddFileRetries: a file is sent again after a 429 (not taken), never
// after a lost answer (it may have been taken), nor after an uncertain 2xx.
func TestAddFileRetries(t *testing.T) {
	tests := []struct {
		name         string
		fault        comeettest.Fault
		wantErr      bool
		wantAttempts int
		wantFiles    int
	}{
		{"429", comeettest.Fault{Kind: comeettest.FaultThrottle}, false, 2, 1},
		{"lost answer", comeettest.Fault{Kind: comeettest.FaultLostReply}, true, 1, 1},
		{"503", comeettest.Fault{Kind: comeettest.FaultServerError}, true, 1, 0},
		{"200 HTML", comeettest.Fault{Kind: comeettest.FaultAnswer, Apply: true,
			Raw: comeettest.RawAnswer{Status: 200, ContentType: "text/html", Body: []byte("<p>ok</p>")}}, true, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{}, nil)
			cand := bobby(t)
			cand.Resume = nil
			reply, err := h.client.CreateCandidate(context.Background(), cand)
			if err != nil {
				t.Fatal(err)
			}
			uid := reply.Created.UID
			h.srv.Inject(tt.fault)
			reply, err = h.client.AddFile(context.Background(), uid, fileOnDisk(t, "a.pdf", []byte("pdf")))
			if (err != nil) != tt.wantErr || reply.Attempts != tt.wantAttempts {
				t.Errorf("got (%d attempts, %v), want %d attempts, error %v", reply.Attempts, err, tt.wantAttempts, tt.wantErr)
			}
			if n := len(h.srv.Files(uid)); n != tt.wantFiles {
				t.Errorf("got %d files, want %d", n, tt.wantFiles)
			}
		})
	}
}

func TestGetCandidate(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	ctx := context.Background()
	a, b, c := created(t, h, "A"), created(t, h, "B"), created(t, h, "C")
	h.srv.Merge(b, a)
	h.srv.Delete(c)
	rec, reply, err := h.client.GetCandidate(ctx, a)
	if err != nil || rec.UID != a || rec.PartnerCandidateID != "A" || rec.PositionUID != "11.11" || reply.Attempts != 1 {
		t.Fatalf("got (%+v, %+v, %v)", rec, reply, err)
	}
	_, _, err = h.client.GetCandidate(ctx, b)
	if ae := wantAPIError(t, err, 401, comeet.CodeDuplicateCandidate); ae.Message != "candidate was merged into "+a {
		t.Errorf("message %q does not name %s", ae.Message, a)
	}
	_, _, err = h.client.GetCandidate(ctx, c)
	wantAPIError(t, err, 404, comeet.CodeCandidateNotFound)
	if _, _, err := h.client.GetCandidate(ctx, " "); err == nil {
		t.Errorf("an empty uid was sent")
	}
}

func TestListCandidates(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := newHarness(t, comeettest.Options{PageSize: 2, Now: clock}, func(c *comeet.Config) { c.Now = clock })
	ctx := context.Background()
	var uids []string
	for i := range 5 {
		uids = append(uids, created(t, h, fmt.Sprint("L", i)))
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
	}
	h.srv.Delete(uids[4])
	recs, reply, err := h.client.ListCandidates(ctx, comeet.CandidateFilter{})
	if err != nil || len(recs) != 4 || reply.Attempts != 2 {
		t.Fatalf("got %d candidates in %d requests (%v), want 4 in 2 pages", len(recs), reply.Attempts, err)
	}
	recs, _, err = h.client.ListCandidates(ctx, comeet.CandidateFilter{Deleted: true,
		CreatedAfter: time.Date(2025, 3, 1, 12, 1, 30, 0, time.UTC)})
	if err != nil || len(recs) != 3 || recs[0].UID != uids[2] || recs[2].UID != uids[4] {
		t.Errorf("after 12:01:30 with the deleted: got %d (%v), want the last 3", len(recs), err)
	}
}

// TestListCandidatesNextPageElsewhere: a next_page on another host is not
// followed (it would be handed the token).
func TestListCandidatesNextPageElsewhere(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	for _, next := range []string{"https://evil.example/candidates?page=2", "http://127.0.0.1:1/candidates?page=2", "ftp://" + h.srv.URL[len("http://"):] + "/candidates"} {
		h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 200,
			ContentType: "application/json", Body: []byte(`{"candidates":[{"uid":"00.1"}],"next_page":"` + next + `"}`)}})
		recs, reply, err := h.client.ListCandidates(context.Background(), comeet.CandidateFilter{})
		if err == nil || len(recs) != 1 || reply.Attempts != 1 {
			t.Errorf("next_page %s: got %d records, %d requests, %v; want it refused after 1", next, len(recs), reply.Attempts, err)
		}
	}
}

func TestPositions(t *testing.T) {
	for _, vis := range []string{comeettest.VisibleAll, comeettest.VisiblePublished, comeettest.VisibleNonDiscreet} {
		t.Run(vis, func(t *testing.T) {
			h := newHarness(t, comeettest.Options{PositionVisibility: vis}, nil)
			h.srv.AddPosition("P.OPEN", "Backend engineer", comeet.PositionOpen)
			h.srv.AddPosition("P.CLOSED", "Designer", comeet.PositionClosed)
			h.srv.AddPosition("P.HOLD", "Tester", comeet.PositionOnHold)
			h.srv.PutPosition(comeettest.Position{UID: "P.SECRET", Name: "CTO", Status: comeet.PositionOpen, Discreet: true, Published: true})
			h.srv.PutPosition(comeettest.Position{UID: "P.DRAFT", Name: "Intern", Status: comeet.PositionOpen})
			ctx := context.Background()
			want := map[string][]string{
				comeettest.VisibleAll:         {"P.OPEN", "P.CLOSED", "P.HOLD", "P.SECRET", "P.DRAFT"},
				comeettest.VisiblePublished:   {"P.OPEN", "P.CLOSED", "P.HOLD", "P.SECRET"},
				comeettest.VisibleNonDiscreet: {"P.OPEN", "P.CLOSED", "P.HOLD", "P.DRAFT"},
			}[vis]
			all, _, err := h.client.ListPositions(ctx, comeet.PositionFilter{})
			var got []string
			for _, p := range all {
				got = append(got, p.UID)
			}
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("list: got %v (%v), want %v", got, err, want)
			}
			open, _, _ := h.client.ListPositions(ctx, comeet.PositionFilter{Status: comeet.PositionOpen})
			for _, p := range open {
				if !p.Open() {
					t.Errorf("status=open listed %+v", p)
				}
			}
			p, _, err := h.client.GetPosition(ctx, "P.HOLD")
			if err != nil || p.Name != "Tester" || p.Status != comeet.PositionOnHold || p.Open() {
				t.Errorf("get: got (%+v, %v)", p, err)
			}
			_, _, err = h.client.GetPosition(ctx, "P.NONE")
			wantAPIError(t, err, 404, comeet.CodePositionNotFound)
			for _, uid := range []string{"P.SECRET", "P.DRAFT"} {
				_, _, err := h.client.GetPosition(ctx, uid)
				if visible := slices.Contains(want, uid); visible != (err == nil) {
					t.Errorf("get %s: got %v, want visible %v", uid, err, visible)
				}
			}
		})
	}
}

// virtualPacer paces by moving a shared clock forward one interval per
// request instead of sleeping, so the server's rate window sees requests
// exactly as a real pacer would space them.
type virtualPacer struct {
	mu       sync.Mutex
	now      time.Time
	interval time.Duration
}

func (p *virtualPacer) Now() time.Time { p.mu.Lock(); defer p.mu.Unlock(); return p.now }
func (p *virtualPacer) Wait(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = p.now.Add(p.interval)
	return ctx.Err()
}

// TestMixedRequestsShareTheRateWindow: creates, updates, files and reads
// all count in one window; paced at the rate, none gets a 429, unpaced
// (the control) they do.
func TestMixedRequestsShareTheRateWindow(t *testing.T) {
	const rate = 10
	for _, paced := range []bool{true, false} {
		t.Run(fmt.Sprint("paced=", paced), func(t *testing.T) {
			pacer := &virtualPacer{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
			if paced {
				pacer.interval = time.Minute / rate
			}
			h := newHarness(t, comeettest.Options{Rate: rate, Per: time.Minute, Now: pacer.Now}, func(c *comeet.Config) {
				c.Limiter, c.Now, c.MaxAttempts = pacer, pacer.Now, 2
			})
			ctx := context.Background()
			sent := 0
			for i := range 12 {
				cand := bobby(t)
				cand.PartnerCandidateID = fmt.Sprint("M", i)
				reply, err := h.client.CreateCandidate(ctx, cand)
				sent += reply.Attempts
				if err != nil {
					continue
				}
				uid := reply.Created.UID
				r, _ := h.client.UpdateCandidate(ctx, uid, &comeet.Patch{Phone: new(fmt.Sprint(i))})
				sent += r.Attempts
				r, _ = h.client.AddFile(ctx, uid, fileOnDisk(t, "f.pdf", []byte("pdf")))
				sent += r.Attempts
				_, r, _ = h.client.GetCandidate(ctx, uid)
				sent += r.Attempts
			}
			_, r, _ := h.client.ListPositions(ctx, comeet.PositionFilter{})
			sent += r.Attempts
			got429 := h.srv.Count429()
			if paced && (got429 != 0 || sent != 49) {
				t.Errorf("paced: got %d 429s in %d requests, want 0 in 49", got429, sent)
			}
			if !paced && got429 == 0 {
				t.Errorf("unpaced: got no 429, the window is not shared")
			}
			if len(h.srv.Requests()) != sent {
				t.Errorf("server saw %d requests, replies counted %d", len(h.srv.Requests()), sent)
			}
		})
	}
}
