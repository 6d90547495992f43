package mapping

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestFromHeader(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   []Rule
	}{
		{
			name:   "API names in any case and spacing map themselves, in field order",
			header: []string{"Last Name", "FIRST-NAME", " email ", "Source Contact Email", "address_country", "Position UID", "Date added"},
			want: []Rule{
				{Field: "position_uid", Column: "Position UID"},
				{Field: "first_name", Column: "FIRST-NAME"},
				{Field: "last_name", Column: "Last Name"},
				{Field: "email", Column: "email"},
				{Field: "source_contact.email", Column: "Source Contact Email"},
				{Field: "address.country", Column: "address_country"},
			},
		},
		{
			name:   "custom fields keep their key; the placeholder is ignored",
			header: []string{"custom_fields.Notice period", "Custom_Fields.team", "custom_fields.", "custom_fields.<name>"},
			want: []Rule{
				{Field: "custom_fields.Notice period", Column: "custom_fields.Notice period"},
				{Field: "custom_fields.team", Column: "Custom_Fields.team"},
			},
		},
		{
			name:   "a field takes the first column; links and files take all",
			header: []string{"email", "E-mail", "links", "files", "Links ", "Files", "links"},
			want: []Rule{
				{Field: "email", Column: "email"},
				{Field: "links", Column: "links"},
				{Field: "links", Column: "Links"},
				{Field: "files", Column: "files"},
				{Field: "files", Column: "Files"},
			},
		},
		{
			name:   "aliases are not API names",
			header: []string{"Surname", "CV", "Recruiter"},
			want:   []Rule{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromHeader(tt.header).Rules
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name         string
		header       []string
		want         []Rule
		wantUnplaced []string
	}{
		{
			name: "agency export",
			header: []string{"Candidate ID", "First Name", "Surname", "E-mail", "Mobile", "Phone number",
				"LinkedIn", "CV", "Recruiter", "Recruiter email", "Country", "City", "Notes", "Date added", "Job ID", "Stage"},
			want: []Rule{
				{Field: "position_uid", Column: "Job ID"},
				{Field: "partner_candidate_id", Column: "Candidate ID"},
				{Field: "first_name", Column: "First Name"},
				{Field: "last_name", Column: "Surname"},
				{Field: "email", Column: "E-mail"},
				{Field: "phone", Column: "Phone number"},
				{Field: "mobile_phone", Column: "Mobile"},
				{Field: "linkedin_url", Column: "LinkedIn"},
				{Field: "resume", Column: "CV"},
				{Field: "source_contact.full_name", Column: "Recruiter"},
				{Field: "source_contact.email", Column: "Recruiter email"},
				{Field: "address.country", Column: "Country"},
				{Field: "address.city", Column: "City"},
				{Field: "note", Column: "Notes"},
			},
			wantUnplaced: []string{"Date added", "Stage"},
		},
		{
			name: "applicant tracking export with typos and duplicates",
			header: []string{"ID", "Frist Name", "Last name", "Emial", "Email Address", "Cell phone", "Telephone",
				"Home phone", "Salary", "Status", "Resume", "Photo", "Website", "GitHub", "Attachments",
				"Zip", "Street", "State", "custom_fields.Notice period", "", "Full Name"},
			want: []Rule{
				{Field: "partner_candidate_id", Column: "ID"},
				{Field: "first_name", Column: "Frist Name"},
				{Field: "last_name", Column: "Last name"},
				{Field: "email", Column: "Email Address"},
				{Field: "phone", Column: "Telephone"},
				{Field: "mobile_phone", Column: "Cell phone"},
				{Field: "salary_expectations", Column: "Salary"},
				{Field: "prospect_status", Column: "Status"},
				{Field: "resume", Column: "Resume"},
				{Field: "picture", Column: "Photo"},
				{Field: "links", Column: "Website"},
				{Field: "links", Column: "GitHub"},
				{Field: "files", Column: "Attachments"},
				{Field: "address.state", Column: "State"},
				{Field: "address.zip", Column: "Zip"},
				{Field: "address.street", Column: "Street"},
				{Field: "custom_fields.Notice period", Column: "custom_fields.Notice period"},
			},
			// "Emial" is a close spelling of email, which the alias
			// "Email Address" took first; "Home phone" is an alias of phone,
			// which "Telephone" took first.
			wantUnplaced: []string{"Emial", "Home phone", "Full Name"},
		},
		{
			name:         "a repeated column name is left out",
			header:       []string{"Email", "Email", "Portfolio", "Portfolio"},
			want:         []Rule{{Field: "email", Column: "Email"}, {Field: "links", Column: "Portfolio"}},
			wantUnplaced: []string{"Email", "Portfolio"},
		},
		{
			name:         "short names need an exact match; look-alikes stay unplaced",
			header:       []string{"Cty", "Score", "County", "Statu"},
			want:         []Rule{},
			wantUnplaced: []string{"Cty", "Score", "County", "Statu"},
		},
		{
			name:         "nothing to place",
			header:       []string{"", "  "},
			want:         []Rule{},
			wantUnplaced: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, unplaced := Suggest(tt.header)
			if !reflect.DeepEqual(m.Rules, tt.want) {
				t.Errorf("got rules\n%q\nwant\n%q", m.Rules, tt.want)
			}
			if !reflect.DeepEqual(unplaced, tt.wantUnplaced) {
				t.Errorf("got unplaced %q, want %q", unplaced, tt.wantUnplaced)
			}
		})
	}
}

// TestSuggestAliases checks every alias the brief names, one column at a time.
func TestSuggestAliases(t *testing.T) {
	want := map[string]string{
		"First Name": "first_name", "Given name": "first_name", "Firstname": "first_name", "Forename": "first_name",
		"Last Name": "last_name", "Surname": "last_name", "Family name": "last_name", "Middle name": "middle_name",
		"E-mail": "email", "Email Address": "email", "Mail": "email",
		"Phone": "phone", "Telephone": "phone", "Home phone": "phone", "Work phone": "phone",
		"Mobile": "mobile_phone", "Cell": "mobile_phone", "Cell phone": "mobile_phone", "Mobile phone": "mobile_phone",
		"Candidate ID": "partner_candidate_id", "External ID": "partner_candidate_id", "ID": "partner_candidate_id",
		"Partner ID": "partner_candidate_id", "National ID": "national_id", "Passport": "national_id",
		"LinkedIn": "linkedin_url", "LinkedIn URL": "linkedin_url", "LinkedIn profile": "linkedin_url",
		"Salary": "salary_expectations", "Expected salary": "salary_expectations",
		"Status": "prospect_status", "Prospect status": "prospect_status",
		"CV": "resume", "Resume": "resume", "CV file": "resume",
		"Photo": "picture", "Picture": "picture", "Avatar": "picture",
		"Links": "links", "Website": "links", "Portfolio": "links", "GitHub": "links",
		"Attachments": "files", "Files": "files", "Documents": "files",
		"Recruiter": "source_contact.full_name", "Source": "source_contact.full_name",
		"Agency contact": "source_contact.full_name", "Source contact": "source_contact.full_name",
		"Headhunter": "source_contact.full_name", "Recruiter email": "source_contact.email",
		"Source email": "source_contact.email", "Recruiter phone": "source_contact.phone",
		"Country": "address.country", "City": "address.city", "State": "address.state", "Zip": "address.zip",
		"Postal code": "address.zip", "Street": "address.street", "Address": "address.street",
		"Notes": "note", "Note": "note", "Comments": "note",
		"Position": "position_uid", "Position UID": "position_uid", "Job ID": "position_uid", "Job": "position_uid",
		// close spellings
		"Emial": "email", "Frist name": "first_name", "Surnmae": "last_name", "Linkdin": "linkedin_url",
	}
	for column, field := range want {
		m, unplaced := Suggest([]string{column})
		if len(m.Rules) != 1 || m.Rules[0].Field != field || len(unplaced) != 0 {
			t.Errorf("Suggest(%q) got %q, unplaced %q, want it on %s", column, m.Rules, unplaced, field)
		}
	}
}

func TestAliasesAreUnambiguous(t *testing.T) {
	n := 0
	for _, names := range aliases {
		n += len(names)
	}
	if len(kindByAlias) != n {
		t.Errorf("got %d distinct normalized aliases, want %d: two aliases fold to the same name", len(kindByAlias), n)
	}
	for name := range kindByAlias {
		if _, ok := kindByNorm[name]; ok {
			t.Errorf("alias %q is already a field name", name)
		}
	}
}

func TestSuggestRoundTrip(t *testing.T) {
	header := []string{"Candidate ID", " First Name ", "Surname", "E-mail", "Website", "GitHub",
		"custom_fields.Team, or group", "Comments \"free text\"", "Job"}
	m, _ := Suggest(header)
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	back, err := Load(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("Load of\n%s: %v", buf.String(), err)
	}
	if !reflect.DeepEqual(back.Rules, m.Rules) {
		t.Errorf("got %q after a round trip, want %q", back.Rules, m.Rules)
	}
	if _, err := back.Bind(header); err != nil {
		t.Errorf("Bind of the suggested mapping to its own header: %v", err)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"first", "frist", 1}, {"kitten", "sitting", 3},
		{"email", "emial", 1}, {"ca", "abc", 3}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) got %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
