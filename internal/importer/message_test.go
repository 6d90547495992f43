package importer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
)

// TestMessagesInInputTerms checks a row's message names the input's column,
// quotes the cell as typed rather than as normalised, says what to change,
// and is cut with a count when the problems run long.
func TestMessagesInInputTerms(t *testing.T) {
	header := []string{"Position", "Candidate ID", "First Name", "Last Name", "E-mail", "Country", "CV"}
	m, err := mapping.Load(strings.NewReader("field,column\n" +
		"position_uid,Position\npartner_candidate_id,Candidate ID\nfirst_name,First Name\n" +
		"last_name,Last Name\nemail,E-mail\naddress.country,Country\nresume,CV\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	k := &checker{binder: b, rules: comeet.DefaultRules()}
	w := wording{header: header}
	long := strings.Repeat("x", 500)
	tests := []struct {
		name   string
		fields []string
		want   string
	}{
		{"a country's typo", []string{"P1", "1", "Ana", "Lima", "", " United Stats ", ""},
			`Country " United Stats ": not a country; did you mean "United States"? type its code "US"`},
		{"a country's name is its code", []string{"P1", "1", "Ana", "Lima", "", "israel", ""}, ``},
		{"the value as typed", []string{"P1", "1", "Ana", "Lima", "Ana@Example", "", ""},
			`E-mail "Ana@Example": not an e-mail address (name@example.com)`},
		{"the field in brackets", []string{"", "1", "Ana", "Lima", "", "", ""},
			`Position [position_uid]: required: fill it in`},
		{"long lists cut with a count", []string{"P1", long, long, long, "a@b", "zz", "cv.exe"},
			`and 4 more`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cand, ps := b.Candidate(tt.fields)
			if cand == nil {
				t.Fatalf("no candidate: %v", ps)
			}
			k.rules.Normalize(cand)
			got := w.message(tt.fields, k.located(tt.fields, k.rules.Check(cand)))
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("message\n got %s\nwant %s", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > maxMessage {
				t.Errorf("message is %d characters, over %d: %s", n, maxMessage, got)
			}
		})
	}
}

// Comeet's own words are cut like ours: a message stays short.
func TestComeetMessagesAreCut(t *testing.T) {
	long := strings.Repeat("refused ", 100)
	for _, attempts := range []int{1, 3} {
		rw := &row{}
		record(rw, comeet.Reply{Attempts: attempts}, &comeet.APIError{Status: 400, Code: comeet.CodeInvalidEmail, Message: long})
		if n := utf8.RuneCountInString(rw.res.Message); n > maxMessage || !strings.HasPrefix(rw.res.Message, "refused") {
			t.Errorf("%d attempts: got a message of %d characters: %q", attempts, n, rw.res.Message)
		}
	}
}
