package mapping

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// workableSample is the shape of a Workable export: names in one column
// (with titles and commas), job titles for positions, pipeline stages, an
// owner pair, a recruiter without e-mail, placeholders among the
// countries, blank cells.
func workableSample() ([]string, [][]string) {
	header := []string{"Candidate ID", "Name", "Email", "Phone", "Job", "Stage", "Country", "Recruiter", "Owner", "Owner Email", "Summary"}
	names := []string{"Dana Levi", "Levi, Omer", "LEVI Noa", "Dr. Kenji Patel", "Mr. Avi Biton", "de la Cruz Maria", "Tal Ron Jr."}
	stages := []string{"Sourced", "Contacted", "Applied", "Interview", "Offer", "Hired", "Disqualified"}
	countries := []string{"Israel", "UK", "Remote", "N/A", "Korea", "Germany", "", "United States"}
	var rows [][]string
	for i := range 70 {
		recruiter, owner, ownerEmail := "", "", ""
		if i%3 == 0 {
			recruiter = "Ruth Cohen"
		}
		if i%2 == 0 {
			owner, ownerEmail = "Yael Mor", "yael@agency.example"
		}
		rows = append(rows, []string{fmt.Sprint(1000 + i), names[i%len(names)], fmt.Sprintf("c%d@example.com", i), "+972 52 000 0000",
			[]string{"Backend Engineer", "Designer", "QA"}[i%3], stages[i%len(stages)], countries[i%len(countries)],
			recruiter, owner, ownerEmail, "Strong background"})
	}
	return header, rows
}

// Issue 17: every suggestion the proposal prints, applied, leaves at least
// as many rows valid as the proposal unedited; and the proposal unedited
// leaves every row of a Workable-shaped sample valid.
func TestEverySuggestionKeepsRowsValid(t *testing.T) {
	header, rows := workableSample()
	t.Run("workable", func(t *testing.T) { suggestionsKeepRowsValid(t, header, rows, 1) })
	// Without the owner pair, the recruiter column is a lone source
	// contact name: the proposal suggests a default e-mail for it.
	var lone [][]string
	for _, r := range rows {
		lone = append(lone, r[:8])
	}
	t.Run("recruiter alone", func(t *testing.T) { suggestionsKeepRowsValid(t, header[:8], lone, 2) })
}

func suggestionsKeepRowsValid(t *testing.T, header []string, rows [][]string, want int) {
	p := SuggestFrom(header, rows)
	bad := validRows(t, p.Mapping, header, rows)
	base := len(rows) - len(bad)
	if len(bad) != 0 {
		t.Errorf("the proposal unedited leaves %d of %d rows invalid, want none: %v", len(bad), len(rows), bad)
	}
	suggested := 0
	for _, n := range p.Notes {
		if len(n.Rules)+len(n.Values) == 0 {
			continue
		}
		suggested++
		m := &Mapping{Rules: append(slices.Clone(p.Mapping.Rules), n.Rules...), Values: append(slices.Clone(p.Mapping.Values), n.Values...)}
		if got := len(rows) - len(validRows(t, m, header, rows)); got < base {
			t.Errorf("the suggestion %q leaves %d rows valid, %d without it:\n%s", n.Lines(), got, base, n.Text)
		}
		for _, line := range n.Lines() {
			if !strings.Contains(n.Text, line) {
				t.Errorf("the note does not print its line %q:\n%s", line, n.Text)
			}
		}
	}
	if suggested != want {
		t.Errorf("%d notes suggest lines, want %d (the stages' statuses, and a default for a lone source contact):\n%+v", suggested, want, p.Notes)
	}
}

// The proposal places an export's columns as a recruiter means them: the
// owner pair is the source contact, the summary and the stage go in the
// note, the job titles are said to be names, placeholders are said once.
func TestSuggestFromWorkable(t *testing.T) {
	header, rows := workableSample()
	p := SuggestFrom(header, rows)
	want := map[string]string{
		"source_contact.full_name": "Owner", "source_contact.email": "Owner Email", "position_uid": "Job",
		"full_name": "Name", "address.country": "Country",
	}
	notes := []string{}
	for _, r := range p.Mapping.Rules {
		if col, ok := want[r.Field]; ok && col != r.Column {
			t.Errorf("%s fed by %q, want %q", r.Field, r.Column, col)
		}
		if r.Field == "note" {
			notes = append(notes, r.Column)
		}
	}
	if !slices.Equal(notes, []string{"Summary", "Stage"}) {
		t.Errorf("note fed by %q, want Summary and Stage", notes)
	}
	var text strings.Builder
	p.WriteNotes(&text)
	for _, s := range []string{
		`column "Job" holds position names ("Backend Engineer", "Designer", "QA"), not uids`,
		`"Remote", "N/A" in column "Country": placeholders, sent without a country`,
		`column "Stage" holds pipeline stages`, `"Sourced" -> Sourced`, `"Contacted" -> Contacted`,
	} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("the notes do not say %q:\n%s", s, text.String())
		}
	}
	if len(p.Undecided) != 0 {
		t.Errorf("undecided %+v, want none", p.Undecided)
	}
}

// With the account's positions, the proposal writes a value line for each
// name one open position bears, and notes the others.
func TestResolvePositions(t *testing.T) {
	header, rows := workableSample()
	rows[5][4] = "Astronaut"
	p := SuggestFrom(header, rows)
	p.ResolvePositions([]comeet.Position{
		{UID: "31.A7", Name: "Backend engineer", Status: comeet.PositionOpen},
		{UID: "31.B2", Name: "Designer", Status: comeet.PositionOpen},
		{UID: "31.B3", Name: "Designer", Status: comeet.PositionClosed},
		{UID: "31.C3", Name: "QA", Status: comeet.PositionOnHold},
	})
	var lines []string
	for _, v := range p.Mapping.Values {
		if v.Field == comeet.FieldPositionUID {
			lines = append(lines, v.Value+" -> "+v.Send)
		}
	}
	if !slices.Equal(lines, []string{"Backend Engineer -> 31.A7"}) {
		t.Errorf("value lines %q, want Backend Engineer's only", lines)
	}
	var text strings.Builder
	p.WriteNotes(&text)
	for _, s := range []string{`no position these credentials see bears: "Astronaut"`, `only a closed or on-hold position bears: "QA"`,
		`several positions bear: "Designer"`} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("the notes do not say %q:\n%s", s, text.String())
		}
	}
	// The lines load and bind: the mapping file is one import reads.
	bad := validRows(t, p.Mapping, header, rows)
	if len(bad) != 0 {
		t.Errorf("%d rows invalid with the resolved lines: %v", len(bad), bad)
	}
}
