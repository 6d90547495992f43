package importer

import (
	"hash/maphash"
	"testing"
	"testing/fstest"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/source"
)

// Each problem the checker finds names the input column it came from, so
// that an errors workbook can highlight the cell.
func TestCheckerLocatesProblems(t *testing.T) {
	header := []string{"Job", "Id", "Given", "Family", "Mail", "CV", "Other files"}
	m := &mapping.Mapping{Rules: []mapping.Rule{
		{Field: "position_uid", Column: "Job"},
		{Field: "partner_candidate_id", Column: "Id"},
		{Field: "first_name", Column: "Given"},
		{Field: "last_name", Column: "Family"},
		{Field: "email", Column: "Mail"},
		{Field: "resume", Column: "CV"},
		{Field: "files", Column: "Other files"},
		{Field: "prospect_status", Default: "Nope"},
	}}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	k := &checker{
		binder: b,
		files:  attach.New(fstest.MapFS{"cv.pdf": {Data: []byte("%PDF")}}),
		rules:  comeet.DefaultRules(),
		seed:   maphash.MakeSeed(),
	}
	var rw row
	rw.init(source.Record{Row: 1, Line: 2, Fields: []string{"11.11", "A1", "Ann", "", "not-an-email", "cv.pdf", "a.pdf;missing.pdf"}})
	k.check(&rw)
	want := map[string]int{
		"last_name":       3,
		"email":           4,
		"files[0]":        6,
		"files[1]":        6,
		"prospect_status": -1, // fed by a default, no cell
	}
	got := map[string]int{}
	for _, p := range rw.problems {
		got[p.Field] = p.Column
	}
	for field, col := range want {
		if c, ok := got[field]; !ok || c != col {
			t.Errorf("%s: got column %d (found %v), want %d; problems %+v", field, c, ok, col, rw.problems)
		}
	}
	if rw.finished() {
		t.Errorf("the checker finished the row (%s); the admitter decides", rw.outcome())
	}
}
