package mapping

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestBindErrors(t *testing.T) {
	header := []string{"First Name", "Surname", "Email Address", "Phone"}
	tests := []struct {
		name    string
		mapping *Mapping
		want    string
	}{
		{
			name: "every missing column at once, with fields and hints",
			mapping: &Mapping{Rules: []Rule{
				{Field: "first_name", Column: "Frist Name"},
				{Field: "last_name", Column: "Surname"},
				{Field: "email", Column: "E-mail"},
				{Field: "source_contact.email", Column: "E-mail"},
				{Field: "links", Column: "GitHub"},
				{Field: "position_uid", Column: "Job", Default: "11.11"},
			}},
			want: `bind mapping: 4 mapped columns are not in the header: ` +
				`"Frist Name" (first_name; did you mean "First Name"?), ` +
				`"E-mail" (email, source_contact.email), "GitHub" (links), "Job" (position_uid)`,
		},
		{
			name:    "one missing column",
			mapping: &Mapping{Rules: []Rule{{Field: "phone", Column: "Phnoe"}}},
			want:    `bind mapping: a mapped column is not in the header: "Phnoe" (phone; did you mean "Phone"?)`,
		},
		{
			name:    "empty mapping",
			mapping: &Mapping{},
			want:    `bind mapping: the mapping feeds no field: no column of the header is an API field name and there is no mapping file`,
		},
		{
			name: "rules built in code are checked too",
			mapping: &Mapping{Rules: []Rule{
				{Field: "first_name", Column: "First Name"},
				{Field: "first_name", Column: "Surname"},
				{Field: "emale", Column: "Email Address"},
			}},
			want: "bind mapping: rule 2: field first_name is given twice (first on rule 1); only links, files and note take several (a note joins its columns)\n" +
				`rule 3: unknown field "emale"; did you mean email?`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.mapping.Bind(header)
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n%s\nwant\n%s", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want an error matching ErrInvalid", err)
			}
		})
	}
}

func TestMissingColumnsErrorFields(t *testing.T) {
	m := &Mapping{Rules: []Rule{{Field: "email", Column: "Mail"}, {Field: "phone", Column: "Tel"}}}
	_, err := m.Bind([]string{"x"})
	var mc *MissingColumnsError
	if !errors.As(err, &mc) {
		t.Fatalf("got %v, want a *MissingColumnsError", err)
	}
	want := []MissingColumn{{Column: "Mail", Fields: []string{"email"}}, {Column: "Tel", Fields: []string{"phone"}}}
	if !reflect.DeepEqual(mc.Missing, want) {
		t.Errorf("got %+v, want %+v", mc.Missing, want)
	}
}

func TestBindColumnMatching(t *testing.T) {
	header := []string{" email ", "EMAIL", "Email", "phone"}
	m := &Mapping{Rules: []Rule{{Field: "email", Column: "Email"}, {Field: "phone", Column: "PHONE"}, {Field: "note", Column: "email"}}}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	c, _ := b.Candidate([]string{"a", "b", "c", "d"})
	if c.Email != "c" || c.Phone != "d" || c.Note != "a" {
		t.Errorf("got email %q phone %q note %q, want the exact match c, the case-insensitive match d and the trimmed match a",
			c.Email, c.Phone, c.Note)
	}
	if got, want := b.Columns(), []string{"email", "Email", "phone"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got columns %q, want %q", got, want)
	}
	if got, ok := b.Column("phone"); got != "phone" || !ok {
		t.Errorf("got Column(phone) %q %v, want phone true", got, ok)
	}
	if got, ok := b.Column("first_name"); got != "" || ok {
		t.Errorf("got Column(first_name) %q %v, want \"\" false", got, ok)
	}
}

// everyField maps one column to each fixed field, plus two custom fields and a
// second column for links and files.
var everyField = &Mapping{Rules: []Rule{
	{Field: "position_uid", Column: "pos"},
	{Field: "partner_candidate_id", Column: "id"},
	{Field: "first_name", Column: "first"},
	{Field: "middle_name", Column: "middle"},
	{Field: "last_name", Column: "last"},
	{Field: "email", Column: "email"},
	{Field: "phone", Column: "phone"},
	{Field: "mobile_phone", Column: "mobile"},
	{Field: "national_id", Column: "nid"},
	{Field: "linkedin_url", Column: "li"},
	{Field: "salary_expectations", Column: "salary"},
	{Field: "prospect_status", Column: "status"},
	{Field: "resume", Column: "cv"},
	{Field: "picture", Column: "photo"},
	{Field: "links", Column: "links"},
	{Field: "links", Column: "github"},
	{Field: "files", Column: "files"},
	{Field: "files", Column: "more files"},
	{Field: "source_contact.full_name", Column: "sc name"},
	{Field: "source_contact.email", Column: "sc email"},
	{Field: "source_contact.phone", Column: "sc phone"},
	{Field: "address.country", Column: "country"},
	{Field: "address.city", Column: "city"},
	{Field: "address.state", Column: "state"},
	{Field: "address.zip", Column: "zip"},
	{Field: "address.street", Column: "street"},
	{Field: "custom_fields.Notice period", Column: "notice"},
	{Field: "custom_fields.team", Column: "team"},
	{Field: "note", Column: "note"},
}}

func everyFieldHeader() []string {
	h := make([]string, len(everyField.Rules))
	for i, r := range everyField.Rules {
		h[i] = r.Column
	}
	return h
}

func TestCandidate(t *testing.T) {
	b, err := everyField.Bind(everyFieldHeader())
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	tests := []struct {
		name  string
		cells []string
		want  *comeet.Candidate
	}{
		{
			name: "every field",
			cells: []string{"11.11", "1111A", "Bobby", "J", "Chauck", "bobby@example.com", "0528644246", "+972 52 864 4246",
				"012345678", "https://www.linkedin.com/in/bobby", "10,000", "Interested", "cv/bobby_cv.docx", "bobby.png",
				"https://bobby.dev", "https://github.com/bobbyc", "a.pdf", "b.pdf", "Michael Rosen", "michael@example.com",
				"03-5551234", "US", "New York", "NY", "10001", "5th Avenue 1", "30 days", "Backend", "Met at a meetup"},
			want: &comeet.Candidate{
				PositionUID: "11.11", PartnerCandidateID: "1111A", FirstName: "Bobby", MiddleName: "J", LastName: "Chauck",
				Email: "bobby@example.com", Phone: "0528644246", MobilePhone: "+972 52 864 4246", NationalID: "012345678",
				LinkedInURL: "https://www.linkedin.com/in/bobby", SalaryExpectations: "10,000", ProspectStatus: "Interested",
				Resume: &comeet.File{Path: "cv/bobby_cv.docx"}, Picture: &comeet.File{Path: "bobby.png"},
				Links:         []comeet.Link{{URL: "https://bobby.dev"}, {URL: "https://github.com/bobbyc"}},
				Files:         []*comeet.File{{Path: "a.pdf"}, {Path: "b.pdf"}},
				SourceContact: &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com", Phone: "03-5551234"},
				Address:       &comeet.Address{Country: "US", City: "New York", State: "NY", Zip: "10001", Street: "5th Avenue 1"},
				CustomFields:  map[string]string{"Notice period": "30 days", "team": "Backend"},
				Note:          "Met at a meetup",
			},
		},
		{
			name:  "empty row: nothing set, every nested object nil",
			cells: make([]string, len(everyField.Rules)),
			want:  &comeet.Candidate{},
		},
		{
			name: "blank cells count as empty; values are trimmed, case kept",
			cells: []string{" 11.11\t", "\u00a0", " BoBBy ", "\u200b", "", " \t ", "", "", "", "", "", " interested ", " ",
				"", "", "", "", "", "", "", "", " us ", "", "", "", "", "", "", "\n"},
			want: &comeet.Candidate{PositionUID: "11.11", FirstName: "BoBBy", ProspectStatus: "interested", Address: &comeet.Address{Country: "us"}},
		},
		{
			name: "multi-value cells split on ; | and newlines, empties dropped, in order",
			cells: []string{"", "", "", "", "", "", "", "", "", "", "", "", "", "",
				" https://a.example ; https://b.example|https://c.example ;; ", "https://d.example\r\nhttps://e.example",
				"x.pdf||y.pdf\n", " ; | ", "", "", "", "", "", "", "", "", "", "", ""},
			want: &comeet.Candidate{
				Links: []comeet.Link{{URL: "https://a.example"}, {URL: "https://b.example"}, {URL: "https://c.example"},
					{URL: "https://d.example"}, {URL: "https://e.example"}},
				Files: []*comeet.File{{Path: "x.pdf"}, {Path: "y.pdf"}},
			},
		},
		{
			name: "one nested field is enough for its object",
			cells: []string{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
				"", "", "", "", "", "NY", "", "", "", "x", ""},
			want: &comeet.Candidate{Address: &comeet.Address{State: "NY"}, CustomFields: map[string]string{"team": "x"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := b.Candidate(tt.cells)
			if problems != nil {
				t.Fatalf("got problems %v, want none", problems)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", jsonOf(t, got), jsonOf(t, tt.want))
			}
		})
	}
}

// jsonOf shows a candidate for a failure message, with files as their paths
// (how a File goes on the wire is the comeet package's business).
func jsonOf(t *testing.T, c *comeet.Candidate) string {
	t.Helper()
	if c == nil {
		return "nil"
	}
	shown := *c
	var paths []string
	for _, f := range append([]*comeet.File{c.Resume, c.Picture}, c.Files...) {
		if f != nil {
			paths = append(paths, f.Path)
		} else {
			paths = append(paths, "-")
		}
	}
	shown.Resume, shown.Picture, shown.Files = nil, nil, nil
	b, err := json.Marshal(shown)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s files(resume, picture, files...)=%q", b, paths)
}

func TestCandidateDefaults(t *testing.T) {
	m := &Mapping{Rules: []Rule{
		{Field: "position_uid", Default: "11.11"},
		{Field: "prospect_status", Column: "Status", Default: "Sourced"},
		{Field: "first_name", Column: "First"},
		{Field: "links", Default: "https://agency.example"},
		{Field: "links", Column: "Site"},
		{Field: "files", Default: "terms.pdf; nda.pdf"},
		{Field: "source_contact.full_name", Column: "Recruiter", Default: "Michael Rosen"},
		{Field: "source_contact.email", Default: "michael@example.com"},
		{Field: "custom_fields.origin", Default: "agency"},
	}}
	b, err := m.Bind([]string{"First", "Status", "Site", "Recruiter"})
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	tests := []struct {
		name  string
		cells []string
		want  *comeet.Candidate
	}{
		{
			name:  "empty cells take the defaults",
			cells: []string{"Dana", " ", "", ""},
			want: &comeet.Candidate{PositionUID: "11.11", ProspectStatus: "Sourced", FirstName: "Dana",
				Links:         []comeet.Link{{URL: "https://agency.example"}},
				Files:         []*comeet.File{{Path: "terms.pdf"}, {Path: "nda.pdf"}},
				SourceContact: &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
				CustomFields:  map[string]string{"origin": "agency"},
			},
		},
		{
			name:  "cells win over the defaults",
			cells: []string{"Dana", "Contacted", "https://dana.dev", "Ruth"},
			want: &comeet.Candidate{PositionUID: "11.11", ProspectStatus: "Contacted", FirstName: "Dana",
				Links:         []comeet.Link{{URL: "https://agency.example"}, {URL: "https://dana.dev"}},
				Files:         []*comeet.File{{Path: "terms.pdf"}, {Path: "nda.pdf"}},
				SourceContact: &comeet.SourceContact{FullName: "Ruth", Email: "michael@example.com"},
				CustomFields:  map[string]string{"origin": "agency"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := b.Candidate(tt.cells)
			if problems != nil {
				t.Fatalf("got problems %v, want none", problems)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", jsonOf(t, got), jsonOf(t, tt.want))
			}
		})
	}
	// Rows share nothing: changing one candidate leaves the next intact.
	first, _ := b.Candidate([]string{"A", "", "", ""})
	first.Files[0].Path = "changed"
	first.CustomFields["origin"] = "changed"
	second, _ := b.Candidate([]string{"B", "", "", ""})
	if second.Files[0].Path != "terms.pdf" || second.CustomFields["origin"] != "agency" {
		t.Errorf("got %s, want the defaults untouched by a change to an earlier row", jsonOf(t, second))
	}
}

func TestCandidateMalformedRow(t *testing.T) {
	b, err := FromHeader([]string{"first_name", "last_name"}).Bind([]string{"first_name", "last_name"})
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	for _, cells := range [][]string{nil, {"a"}, {"a", "b", "c"}} {
		c, problems := b.Candidate(cells)
		want := []comeet.Problem{{Code: comeet.CodeMalformedRow, Message: fmt.Sprintf("the row has %d cells, the header has 2", len(cells))}}
		if c != nil || !reflect.DeepEqual(problems, want) {
			t.Errorf("Candidate(%q) got %v, %v; want nil, %v", cells, c, problems, want)
		}
	}
}

// TestCandidateAllocations guards the hot path: a row of scalars costs the
// candidate and nothing else; each nested object adds one.
func TestCandidateAllocations(t *testing.T) {
	header := []string{"first_name", "last_name", "email", "phone", "note", "source_contact.full_name", "address.city"}
	b, err := FromHeader(header).Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	tests := []struct {
		cells []string
		want  float64
	}{
		{[]string{" Dana ", "Levi", "dana@example.com", "0528644246", "note", "", ""}, 1},
		{[]string{"Dana", "Levi", "dana@example.com", "0528644246", "", "Ruth", "Haifa"}, 3},
	}
	for _, tt := range tests {
		got := testing.AllocsPerRun(100, func() { b.Candidate(tt.cells) })
		if got != tt.want {
			t.Errorf("Candidate(%q) got %v allocations, want %v", tt.cells, got, tt.want)
		}
	}
	// A status and a country in any case cost nothing more.
	header = append(header, "prospect_status", "address.country")
	if b, err = FromHeader(header).Bind(header); err != nil {
		t.Fatalf("Bind: %v", err)
	}
	tests = append(tests[:0], struct {
		cells []string
		want  float64
	}{[]string{"Dana", "Levi", "dana@example.com", "0528644246", "", "", "Haifa", "not interested", "il"}, 2})
	for _, tt := range tests {
		got := testing.AllocsPerRun(100, func() { b.Candidate(tt.cells) })
		if got != tt.want {
			t.Errorf("Candidate(%q) got %v allocations, want %v", tt.cells, got, tt.want)
		}
	}
}

// TestAgencyFiles maps the example export with the example mapping, both read
// from testdata as the importer reads them.
func TestAgencyFiles(t *testing.T) {
	m, err := LoadFile(filepath.Join("testdata", "agency_mapping.csv"))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	f, err := os.Open(filepath.Join("testdata", "agency_candidates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Bind(records[0])
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	want := []*comeet.Candidate{
		{
			PositionUID: "11.11", PartnerCandidateID: "A-1001", FirstName: "Dana", LastName: "Levi",
			Email: "dana.levi@example.com", Phone: "03-5551234", MobilePhone: "0528644246",
			LinkedInURL: "https://www.linkedin.com/in/danalevi", SalaryExpectations: "32,000", ProspectStatus: "Interested",
			Resume:        &comeet.File{Path: "cv/dana_levi.pdf"},
			Links:         []comeet.Link{{URL: "https://dana.dev"}, {URL: "https://github.com/danalevi"}},
			Files:         []*comeet.File{{Path: "cover.pdf"}, {Path: "certificates.pdf"}},
			SourceContact: &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
			Address:       &comeet.Address{Country: "IL", City: "Tel Aviv"},
			CustomFields:  map[string]string{"Notice period": "30", "Referral": "Yossi Cohen"},
			Note:          "Strong Go, wants hybrid",
		},
		{
			PositionUID: "11.11", PartnerCandidateID: "A-1002", FirstName: "Omer", LastName: "Katz",
			Email: "omer@example.com", ProspectStatus: "Sourced",
			SourceContact: &comeet.SourceContact{FullName: "Ruth Ben-Ami", Email: "ruth@agency.example"},
			Address:       &comeet.Address{Country: "US", City: "New York"},
		},
	}
	for i, rec := range records[1:] {
		c, problems := b.Candidate(rec)
		if problems != nil {
			t.Fatalf("row %d: got problems %v", i+1, problems)
		}
		if !reflect.DeepEqual(c, want[i]) {
			t.Errorf("row %d: got\n%s\nwant\n%s", i+1, jsonOf(t, c), jsonOf(t, want[i]))
		}
	}
	if got, want := strings.Join(b.Columns(), "|"), strings.Join(records[0][:20], "|"); got != want {
		t.Errorf("got columns %s, want every column but the last: %s", got, want)
	}
}

func BenchmarkCandidate(b *testing.B) {
	bd, err := everyField.Bind(everyFieldHeader())
	if err != nil {
		b.Fatal(err)
	}
	row := []string{"11.11", "1111A", " Bobby ", "", "Chauck", "bobby@example.com", "0528644246", "",
		"", "https://www.linkedin.com/in/bobby", "", "Interested", "cv/bobby_cv.docx", "",
		"https://bobby.dev", "", "", "", "Michael Rosen", "michael@example.com",
		"", "US", "New York", "", "", "", "", "", "Met at a meetup"}
	b.ReportAllocs()
	for b.Loop() {
		if c, _ := bd.Candidate(row); c == nil {
			b.Fatal("no candidate")
		}
	}
}

// TestBinderConcurrent maps rows from several goroutines with one Binder, as
// the importer's workers may; run with -race.
func TestBinderConcurrent(t *testing.T) {
	m := &Mapping{Rules: []Rule{
		{Field: "first_name", Column: "First"},
		{Field: "files", Column: "Files", Default: "terms.pdf"},
		{Field: "custom_fields.origin", Default: "agency"},
	}}
	b, err := m.Bind([]string{"First", "Files"})
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	const workers, rows = 4, 200
	errs := make(chan string, workers)
	for w := range workers {
		go func() {
			for i := range rows {
				name := fmt.Sprintf("w%d-%d", w, i)
				c, _ := b.Candidate([]string{name, ""})
				c.CustomFields["origin"] = name
				if c.FirstName != name || len(c.Files) != 1 || c.Files[0].Path != "terms.pdf" {
					errs <- fmt.Sprintf("row %s: got %+v", name, c)
					return
				}
			}
			errs <- ""
		}()
	}
	for range workers {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}

// Several columns may feed the note: each non-empty one is a line led by
// its column's name, so a stage Comeet cannot set travels with the
// candidate; one column alone is sent as it is.
func TestNoteFromSeveralColumns(t *testing.T) {
	m, err := Load(strings.NewReader("field,column,default\npartner_candidate_id,ID,\nfull_name,Name,\nposition_uid,,11.11\n" +
		"note,Summary,\nnote,Stage,\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Bind([]string{"ID", "Name", "Summary", "Stage"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ summary, stage, want string }{
		{"Strong Go background", "Interview", "Summary: Strong Go background\nStage: Interview"},
		{"", "Offer", "Stage: Offer"},
		{"", "", ""},
	} {
		c, problems := b.Candidate([]string{"1", "Dana Levi", tt.summary, tt.stage})
		if len(problems) != 0 || c.Note != tt.want {
			t.Errorf("note of %q, %q = %q (%v), want %q", tt.summary, tt.stage, c.Note, problems, tt.want)
		}
	}
}

// A source contact is sent only with its name: a default e-mail (the
// agency's address) leaves a row whose name cell is blank valid, and an
// e-mail cell without a name is a warning, not a contact Comeet refuses.
func TestSourceContactNeedsItsName(t *testing.T) {
	m, err := Load(strings.NewReader("field,column,default\npartner_candidate_id,ID,\nfull_name,Name,\nposition_uid,,11.11\n" +
		"source_contact.full_name,Recruiter,\nsource_contact.email,Recruiter Email,recruiting@agency.example\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Bind([]string{"ID", "Name", "Recruiter", "Recruiter Email"})
	if err != nil {
		t.Fatal(err)
	}
	rules := comeet.DefaultRules()
	for _, tt := range []struct {
		recruiter, email string
		want             *comeet.SourceContact
		warned           bool
	}{
		{"Ruth Cohen", "", &comeet.SourceContact{FullName: "Ruth Cohen", Email: "recruiting@agency.example"}, false},
		{"Ruth Cohen", "ruth@agency.example", &comeet.SourceContact{FullName: "Ruth Cohen", Email: "ruth@agency.example"}, false},
		{"", "", nil, false},
		{"", "ruth@agency.example", nil, true},
	} {
		c, problems, warnings := b.Map([]string{"1", "Dana Levi", tt.recruiter, tt.email})
		if !reflect.DeepEqual(c.SourceContact, tt.want) || len(warnings) > 0 != tt.warned {
			t.Errorf("%q, %q: source contact %+v, warnings %v; want %+v, warned %v", tt.recruiter, tt.email, c.SourceContact, warnings, tt.want, tt.warned)
		}
		rules.Normalize(c)
		if ps := append(problems, rules.Check(c)...); len(ps) != 0 {
			t.Errorf("%q, %q: problems %v, want a valid row", tt.recruiter, tt.email, ps)
		}
	}
}
