package comeet_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// TestCreatedSince keeps the candidates a partner key names and finds them
// by key: of two with one key, the one listed last.
func TestCreatedSince(t *testing.T) {
	h := newHarness(t, comeettest.Options{}, nil)
	h.srv.Inject(comeettest.Fault{Kind: comeettest.FaultAnswer, Raw: comeettest.RawAnswer{Status: 200,
		ContentType: "application/json", Body: []byte(`{"candidates":[
		{"uid":"00.1","position_uid":"11.11","partner_candidate_id":"A"},
		{"uid":"00.2","position_uid":"11.11"},
		{"uid":"00.3","position_uid":"11.11","partner_candidate_id":"B"},
		{"uid":"00.4","position_uid":"11.11","partner_candidate_id":"A"},
		{"position_uid":"11.11","partner_candidate_id":"C"}]}`)}})
	since := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	l, reply, err := h.client.CreatedSince(context.Background(), since)
	if err != nil || reply.Attempts != 1 {
		t.Fatalf("got %v after %d requests, want the list in 1", err, reply.Attempts)
	}
	var uids []string
	for _, r := range l.Records {
		uids = append(uids, r.UID)
	}
	if want := []string{"00.1", "00.3", "00.4"}; !slices.Equal(uids, want) || !l.Since.Equal(since) {
		t.Errorf("got %v since %v, want %v since %v", uids, l.Since, want, since)
	}
	for _, tt := range []struct{ id, want string }{{"A", "00.4"}, {"B", "00.3"}, {"C", ""}} {
		r, ok := l.Find(comeet.Key{PositionUID: "11.11", PartnerCandidateID: tt.id})
		if r.UID != tt.want || ok != (tt.want != "") {
			t.Errorf("Find(%s): got %q, %v; want %q", tt.id, r.UID, ok, tt.want)
		}
	}
	if got := h.srv.Requests(); len(got) == 0 || !strings.Contains(got[len(got)-1].Query, "time_created") {
		t.Errorf("the list was not asked for the candidates created after %v: %+v", since, got)
	}
}
