package mapping

import (
	"bytes"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// A placeholder in an optional field is sent empty with a warning naming
// the column and the value as typed; in a required field it is a problem;
// a value line that maps it wins; a custom field keeps it.
func TestPlaceholders(t *testing.T) {
	m, err := Load(strings.NewReader("field,column,default,value,send\n" +
		"partner_candidate_id,ID,\nfull_name,Name,\nposition_uid,Job,\naddress.country,Country,\n" +
		"phone,Phone,\ncustom_fields.mode,Mode,\naddress.city,City,\n" +
		"address.city,,,TBD,Tel Aviv\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Bind([]string{"ID", "Name", "Job", "Country", "Phone", "Mode", "City"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		row                  []string
		country, phone, city string
		warnings, problems   []string
	}{
		{row: []string{"1", "Dana Levi", "11.11", "N/A", "-", "Remote", "TBD"}, city: "Tel Aviv",
			warnings: []string{`address.country: column "Country" holds "N/A", a placeholder: sent without a country`,
				`phone: column "Phone" holds "-", a placeholder: sent without a phone`}},
		{row: []string{"2", "Dana Levi", "11.11", "Remote", "unknown", "", "remote"},
			warnings: []string{`address.country: column "Country" holds "Remote", a placeholder: sent without a country`,
				`phone: column "Phone" holds "unknown", a placeholder: sent without a phone`,
				`address.city: column "City" holds "remote", a placeholder: sent without a city`}},
		{row: []string{"3", "Dana Levi", "TBD", "Korea", "+972 52 000 0000", "", ""}, country: "KR", phone: "+972 52 000 0000",
			problems: []string{`position_uid: column "Job" holds "TBD", a placeholder, not a value: position_uid is required`}},
		{row: []string{"4", "Dana Levi", "11.11", "NA", "", "", ""}, country: "NA"}, // Namibia
	}
	for _, tt := range tests {
		c, problems, warnings := b.Map(tt.row)
		if c == nil {
			t.Fatalf("row %s: no candidate", tt.row[0])
		}
		var country, city string
		if c.Address != nil {
			country, city = c.Address.Country, c.Address.City
		}
		if country != tt.country || c.Phone != tt.phone || city != tt.city {
			t.Errorf("row %s: country %q phone %q city %q, want %q %q %q", tt.row[0], country, c.Phone, city, tt.country, tt.phone, tt.city)
		}
		if c.CustomFields["mode"] != tt.row[5] {
			t.Errorf("row %s: custom field %q, want it kept as %q", tt.row[0], c.CustomFields["mode"], tt.row[5])
		}
		if got := messages(warnings); strings.Join(got, "|") != strings.Join(tt.warnings, "|") {
			t.Errorf("row %s: warnings\n%q\nwant\n%q", tt.row[0], got, tt.warnings)
		}
		if got := messages(problems); strings.Join(got, "|") != strings.Join(tt.problems, "|") {
			t.Errorf("row %s: problems\n%q\nwant\n%q", tt.row[0], got, tt.problems)
		}
	}
}

func messages(ps []comeet.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Message)
	}
	return out
}

// The proposal says once which placeholders a column holds and what
// becomes of them, and does not list them as values to decide.
func TestSuggestFromNotesPlaceholdersOnce(t *testing.T) {
	header := []string{"ID", "Name", "Email", "Country"}
	sample := [][]string{
		{"1", "Ann Lee", "a@example.com", "Israel"}, {"2", "Bo Li", "b@example.com", "N/A"},
		{"3", "Cy Wu", "c@example.com", "Remote"}, {"4", "Di Ma", "d@example.com", "n/a"},
		{"5", "Ed Yu", "e@example.com", "Korea"},
	}
	p := SuggestFrom(header, sample)
	var notes bytes.Buffer
	p.WriteNotes(&notes)
	want := `"N/A", "Remote" in column "Country": placeholders, sent without a country`
	if n := strings.Count(notes.String(), want); n != 1 {
		t.Errorf("the placeholder note is written %d times, want once:\n%s", n, notes.String())
	}
	if len(p.Undecided) != 0 {
		t.Errorf("undecided %v, want none: placeholders and Korea need no line", p.Undecided)
	}
}
