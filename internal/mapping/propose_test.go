package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Issue 10: the note on a column of channels came once per matching pass
// that tried it for source_contact.full_name (alias, then close spelling).
func TestSuggestFromNotesAChannelColumnOnce(t *testing.T) {
	header := []string{"ID", "Name", "Email", "Source"}
	sample := [][]string{{"1", "Ann Lee", "a@example.com", "LinkedIn"}, {"2", "Bo Li", "b@example.com", "Referral"}}
	p := SuggestFrom(header, sample)
	var notes bytes.Buffer
	p.WriteNotes(&notes)
	if n := strings.Count(notes.String(), `column "Source" holds where candidates came from`); n != 1 {
		t.Errorf("the note on column \"Source\" is written %d times, want once:\n%s", n, notes.String())
	}
}

func TestSuggestFrom(t *testing.T) {
	header := []string{"ID", "Candidate Name", "Email", "Source", "Recruiter", "Status", "Country"}
	sample := [][]string{
		{"1", "Dana Levi", "dana@example.com", "LinkedIn", "Ruth Cohen", "Screening", "Israel"},
		{"2", "Levi, Omer", "omer@example.com", "Referral", "Ruth Cohen", "new", "Germany"},
		{"3", "Noa Katz", "noa@example.com", "Website", "", "Hired", "Atlantis"},
		{"4", "Avi Biton", "avi@example.com", "linkedin", "Yossi", "Maybe later", "USA"},
		{"5", "Tal Ron", "tal@example.com", "Indeed", "", "sourced", "il"},
		{"6", "Gil Sade"}, // a short row is read as far as it goes
	}
	p := SuggestFrom(header, sample)
	wantRules := []Rule{
		{"partner_candidate_id", "ID", ""},
		{"full_name", "Candidate Name", ""},
		{"email", "Email", ""},
		{"prospect_status", "Status", ""},
		{"address.country", "Country", ""},
	}
	if !reflect.DeepEqual(p.Mapping.Rules, wantRules) {
		t.Errorf("got rules\n%q\nwant\n%q", p.Mapping.Rules, wantRules)
	}
	var sends []string
	for _, v := range p.Mapping.Values {
		sends = append(sends, v.Field+": "+v.Value+" -> "+v.Send)
	}
	wantSends := []string{"prospect_status: Screening -> Interested", "prospect_status: new -> Sourced", "prospect_status: Hired -> Interested"}
	if !reflect.DeepEqual(sends, wantSends) {
		t.Errorf("got value lines %q, want %q", sends, wantSends)
	}
	wantUndecided := []Undecided{
		{Field: "prospect_status", Column: "Status", Values: []string{"Maybe later"}},
		{Field: "address.country", Column: "Country", Values: []string{"Atlantis"}},
	}
	if !reflect.DeepEqual(p.Undecided, wantUndecided) {
		t.Errorf("got undecided %+v, want %+v", p.Undecided, wantUndecided)
	}
	if want := []string{"Source", "Recruiter"}; !reflect.DeepEqual(p.Unplaced, want) {
		t.Errorf("got unplaced %q, want %q", p.Unplaced, want)
	}
	var notes bytes.Buffer
	p.WriteNotes(&notes)
	for _, want := range []string{
		`columns not placed (add a line for each one you want sent): "Source", "Recruiter"`,
		`column "Source" holds where candidates came from ("LinkedIn", "Referral", "Website"), not who brought them: not proposed as source_contact.full_name`,
		`"Recruiter" (source_contact.full_name) not proposed: Comeet takes a source contact only with both source_contact.full_name and source_contact.email`,
		`values of column "Status" that prospect_status does not take (rows holding them are invalid until the mapping maps each, as in prospect_status,,,Maybe later,<value>): "Maybe later"`,
		`values of column "Country" that address.country does not take`,
		`required fields no column feeds (give each a column or a default): position_uid`,
	} {
		if !strings.Contains(notes.String(), want) {
			t.Errorf("got notes\n%s\nwant them to contain\n%s", notes.String(), want)
		}
	}
	// What it proposes, Load reads back.
	var buf bytes.Buffer
	if err := p.Mapping.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(&buf); err != nil {
		t.Errorf("Load of the proposal: %v\n%s", err, buf.String())
	}
}

func TestSuggestFromKeepsPeopleAndSplitNames(t *testing.T) {
	// A source column of people, with an e-mail column: a source contact.
	header := []string{"First Name", "Last Name", "Name", "Source", "Source Email"}
	sample := [][]string{{"Dana", "Levi", "Dana Levi", "Ruth Cohen", "ruth@agency.example"}}
	p := SuggestFrom(header, sample)
	want := []Rule{
		{"first_name", "First Name", ""},
		{"last_name", "Last Name", ""},
		{"source_contact.full_name", "Source", ""},
		{"source_contact.email", "Source Email", ""},
	}
	if !reflect.DeepEqual(p.Mapping.Rules, want) || !slices.Equal(p.Unplaced, []string{"Name"}) {
		t.Errorf("got %q, unplaced %q; want %q and the Name column unplaced (the names have their columns)", p.Mapping.Rules, p.Unplaced, want)
	}
}

// atsExport builds the kind of export another ATS produces: one name column
// (in every way people write names), its own statuses, countries written
// out, a channel column next to the recruiter, several links in one cell.
// wrong holds the ids of the rows that are really wrong.
func atsExport() (header []string, rows [][]string, wrong map[string]string) {
	header = []string{"Candidate ID", "Candidate Name", "E-mail Address", "Phone", "Status", "Source", "Recruiter",
		"Country", "City", "LinkedIn", "Links", "Applied On"}
	names := []string{"Dana Levi", "Omer  Katz", "Levi, Noa", "COHEN Avi", "Maya Rose Adler", "דנה לוי", "Tal Ben-Ami",
		"Juan de la Cruz", "O'BRIEN Sean", "Schmidt, Anna Maria", "Иван Петров", "Yael\u00a0Mizrahi"}
	statuses := []string{"Screening", "New", "Contacted", "Rejected", "Hired", "sourced", "Interview", "Offer",
		"Phone Screen", "Withdrawn", "Not Interested", " in process ", "Applied", "REPLIED"}
	countries := []string{"Israel", "United States", "USA", "Germany", "Deutschland", "ישראל", "United Kingdom",
		"France", "GBR", "Netherlands", "india", "", "IL", "España"}
	sources := []string{"LinkedIn", "Referral", "Website", "Indeed", "Agency"}
	recruiters := []string{"Ruth Cohen", "", "Michael Rosen"}
	wrong = map[string]string{}
	for i := range 200 {
		id := fmt.Sprintf("C-%04d", i+1)
		name := names[i%len(names)]
		email := fmt.Sprintf("cand%d@example.com", i+1)
		country := countries[i%len(countries)]
		switch i {
		case 17, 88, 150:
			name, wrong[id] = "Madonna", "full_name"
		case 42, 120:
			name, wrong[id] = "  ", "full_name"
		case 63, 177:
			email, wrong[id] = fmt.Sprintf("cand%d@@example", i+1), "email"
		case 99, 190:
			country, wrong[id] = "Atlantis", "address.country"
		}
		links := fmt.Sprintf("https://github.com/cand%d, https://cand%d.dev", i+1, i+1)
		if i%3 == 0 {
			links = ""
		}
		rows = append(rows, []string{id, name, email, fmt.Sprintf("+972-52-%07d", i), statuses[i%len(statuses)],
			sources[i%len(sources)], recruiters[i%len(recruiters)], country, "Tel Aviv",
			fmt.Sprintf("linkedin.com/in/cand%d", i+1), links, "2025-03-21"})
	}
	return header, rows, wrong
}

// TestATSExportFirstTry runs a realistic export through the proposal, with
// only the position added by hand, as a new user would: every row that is
// not really wrong must be valid, and each wrong one must say what to change
// naming its column.
func TestATSExportFirstTry(t *testing.T) {
	header, rows, wrong := atsExport()
	withPosition := func(m *Mapping) *Mapping {
		m.Rules = append(m.Rules, Rule{Field: "position_uid", Default: "11.11"})
		return m
	}

	old, _ := Suggest(header)
	before := validRows(t, withPosition(old), header, rows)

	p := SuggestFrom(header, rows)
	// The user writes the proposal out and reads it back, as the commands do.
	var buf bytes.Buffer
	if err := withPosition(p.Mapping).Write(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := Load(&buf)
	if err != nil {
		t.Fatalf("Load of the proposal: %v\n%s", err, buf.String())
	}
	after := validRows(t, m, header, rows)
	t.Logf("first try on %d rows: %d valid with the header-only proposal, %d with the proposal that reads the values (%d really wrong)",
		len(rows), len(rows)-len(before), len(rows)-len(after), len(wrong))
	if len(before) != len(rows) {
		t.Errorf("the header-only proposal left %d rows valid; this export was to need the values read (the names are in one column)", len(rows)-len(before))
	}

	for _, row := range rows {
		id := row[0]
		msg, invalid := after[id]
		_, isWrong := wrong[id]
		switch {
		case isWrong && !invalid:
			t.Errorf("row %s (%s wrong) is valid", id, wrong[id])
		case !isWrong && invalid:
			t.Errorf("row %s is invalid: %s", id, msg)
		}
	}
	// The importer names the column of the field rules' problems; the
	// mapping names it for its own (a name that does not split).
	for id, field := range wrong {
		if msg := after[id]; field == "full_name" && !strings.Contains(msg, `column "Candidate Name"`) {
			t.Errorf("row %s: got %q, want it to name the column \"Candidate Name\"", id, msg)
		}
	}
	if got, want := after["C-0018"], `full_name: column "Candidate Name" holds "Madonna", a single word: `+
		`a first and a last name are required; write both ("Dana Levi" or "Levi, Dana"), or map them from two columns`; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(p.Undecided) != 1 || !slices.Equal(p.Undecided[0].Values, []string{"Atlantis"}) {
		t.Errorf("got undecided %+v, want only Atlantis", p.Undecided)
	}
}

// validRows maps and checks every row as the importer does, and returns the
// invalid ones' messages by id (so its length is the invalid count and
// len(rows) minus it the valid count).
func validRows(t *testing.T, m *Mapping, header []string, rows [][]string) (invalid map[string]string) {
	t.Helper()
	b, err := m.Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	var rules comeet.Rules
	invalid = map[string]string{}
	for _, row := range rows {
		c, problems := b.Candidate(slices.Clone(row))
		if c != nil {
			rules.Normalize(c)
			problems = b.Explain(problems, rules.Check(c))
		}
		if len(problems) > 0 {
			var msgs []string
			for _, p := range problems {
				msgs = append(msgs, p.String())
			}
			invalid[row[0]] = strings.Join(msgs, "; ")
		}
	}
	return invalid
}

func TestSuggestFromHebrewStatusesAndCloseCountries(t *testing.T) {
	header := []string{"שם מלא", "סטטוס", "מדינה"}
	sample := [][]string{
		{"דנה לוי", "בתהליך", "Isreal"},
		{"נועה כץ", "נדחה", "ישראל"},
		{"עומר ברק", "חדש", "Germnay"},
	}
	p := SuggestFrom(header, sample)
	var got []string
	for _, v := range p.Mapping.Values {
		got = append(got, v.Value+" -> "+v.Send)
	}
	want := []string{"בתהליך -> Interested", "נדחה -> Not interested", "חדש -> Sourced", "Isreal -> IL", "Germnay -> DE"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got value lines %q, want %q", got, want)
	}
	if len(p.Undecided) != 0 {
		t.Errorf("got undecided %+v, want none", p.Undecided)
	}
	if r := p.Mapping.Rules[0]; r.Field != FullName || r.Column != "שם מלא" {
		t.Errorf("got first rule %q, want full_name from the Hebrew name column", r)
	}
	var notes bytes.Buffer
	p.WriteNotes(&notes)
	if want := `column "מדינה": "Isreal" read as IL, a close spelling of "israel": check it`; !strings.Contains(notes.String(), want) {
		t.Errorf("got notes\n%s\nwant them to contain %s", notes.String(), want)
	}
}

// BenchmarkATSRow maps rows of the ATS-style export with the proposed
// mapping: a name split, status and country translations, a links list.
func BenchmarkATSRow(b *testing.B) {
	header, rows, _ := atsExport()
	p := SuggestFrom(header, rows)
	binder, err := p.Mapping.Bind(header)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		binder.Candidate(rows[i%len(rows)])
		i++
	}
}

func TestProposeNothingPlaced(t *testing.T) {
	p, err := Propose([]string{"First name", "Surname", "Shoe size"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var notes strings.Builder
	p.WriteNotes(&notes)
	for _, want := range []string{`columns not placed (add a line for each one you want sent): "Shoe size"`,
		"required fields no column feeds (give each a column or a default): position_uid, partner_candidate_id"} {
		if !strings.Contains(notes.String(), want) {
			t.Errorf("notes %q lack %q", notes.String(), want)
		}
	}
	if _, err := Propose([]string{"Shoe size"}, nil); !errors.Is(err, ErrNothingPlaced) {
		t.Errorf("got %v, want ErrNothingPlaced", err)
	}
}
