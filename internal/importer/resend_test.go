package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/report"
)

// lossyComeet is the fake Comeet behind a gateway that, for the first POST
// of every other candidate, lets Comeet create it, has it rejected at once
// (as a recruiter screening new candidates would) and answers 502: a
// second POST of its key then creates a second candidate.
type lossyComeet struct {
	srv  *comeettest.Server
	mu   sync.Mutex
	seen map[string]bool // keys already posted
	lost int             // answers replaced by a 502
}

func (g *lossyComeet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/candidates" {
		g.srv.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var c comeet.Candidate
	json.Unmarshal(body, &c)
	key := c.PartnerCandidateID
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	g.srv.ServeHTTP(rec, r)
	g.mu.Lock()
	first := !g.seen[key]
	g.seen[key] = true
	lose := first && rec.Code == http.StatusCreated && strings.ContainsAny(key[len(key)-1:], "13")
	if lose {
		g.lost++
	}
	g.mu.Unlock()
	if !lose {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	for _, st := range g.srv.Candidates() {
		if st.Candidate.PartnerCandidateID == key {
			g.srv.SetStatus(st.UID, comeettest.StatusRejected)
		}
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	w.Write([]byte("<html>502 Bad Gateway</html>"))
}

// A create whose answer was lost (created, then 502) is looked for among
// the recent creations before it is sent again, within the same run: no
// candidate is created twice, even one rejected in between.
func TestRetryLooksBeforeResending(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	g := &lossyComeet{srv: srv, seen: map[string]bool{}}
	front := httptest.NewServer(g)
	defer front.Close()
	const rows = 20
	cfg := testConfig(writeInput(t, testHeader, testRows(rows)), srv)
	cfg.BaseURL = front.URL
	cfg.Concurrency = 2
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if g.lost == 0 {
		t.Fatal("no answer was lost: the test proves nothing")
	}
	for i := 1; i <= rows; i++ {
		key := comeet.Key{PositionUID: "11.11", PartnerCandidateID: fmt.Sprintf("P%d", i)}
		if n := srv.CreatedCount(key); n != 1 {
			t.Errorf("%s: created %d times, want 1", key.PartnerCandidateID, n)
		}
	}
	found := 0
	for _, l := range readCSVMaps(t, cfg.WithDefaults().ReportPath) {
		if l["outcome"] != string(report.Created) || l["candidate_uid"] == "" {
			t.Errorf("row %s: got %s %q (%s), want created with its uid", l["row"], l["outcome"], l["candidate_uid"], l["message"])
		}
		if strings.Contains(l["message"], "answer was lost") {
			found++
		}
	}
	if found != g.lost {
		t.Errorf("%d rows say their answer was lost, want %d", found, g.lost)
	}
	searches := 0
	for _, rq := range srv.Requests() {
		if rq.Method == http.MethodGet && rq.Path == "/candidates" {
			searches++
		}
	}
	if searches == 0 || searches > g.lost {
		t.Errorf("got %d searches, want 1 to %d (one per lost answer at most)", searches, g.lost)
	}
}
