package mapping

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// statusCountryMapping maps a Stage and a Country column with value lines,
// as a person writes them in a spreadsheet.
const statusCountryMapping = "field,column,default,value,send\n" +
	"position_uid,,11.11,,\n" +
	"partner_candidate_id,,A-1,,\n" +
	"first_name,,Dana,,\n" +
	"last_name,,Levi,,\n" +
	"prospect_status,Stage,,,\n" +
	"address.country,Country,,,\n" +
	"prospect_status,,,Screening,interested\n" +
	"prospect_status,,,New,Sourced\n" +
	"prospect_status,,,Rejected,NOT_INTERESTED\n" +
	"prospect_status,,,Hired,\n" +
	"address.country,,,Holland ,Netherlands\n" +
	"address.country,,,Remote,\n"

func TestValueMaps(t *testing.T) {
	m, err := Load(strings.NewReader(statusCountryMapping))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	b, err := m.Bind([]string{"Stage", "Country"})
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	tests := []struct {
		name, stage, country string
		wantStatus           string
		wantCountry          string
		wantProblem          string // the one problem's code, or ""
		inMessage            string
	}{
		{name: "mapped, case and spacing ignored", stage: "  SCREENING ", country: "il", wantStatus: "Interested", wantCountry: "IL"},
		{name: "mapped to a loose spelling", stage: "rejected", country: "Israel", wantStatus: "Not interested", wantCountry: "IL"},
		{name: "Comeet's own spelling needs no line", stage: "do-not-contact", country: "ישראל", wantStatus: "Do not contact", wantCountry: "IL"},
		{name: "dropped on purpose", stage: "Hired", country: "Remote", wantStatus: "", wantCountry: ""},
		{name: "country line", stage: "new", country: "holland", wantStatus: "Sourced", wantCountry: "NL"},
		{name: "alpha-3 and local names", stage: "New", country: "Deutschland", wantStatus: "Sourced", wantCountry: "DE"},
		{name: "unmapped status makes the row invalid", stage: "Archived", country: "DEU", wantStatus: "Archived", wantCountry: "DE",
			wantProblem: comeet.CodeInvalidProspectStatus,
			inMessage:   `prospect_status "Archived" is not one of "Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact"`},
		{name: "unmapped country makes the row invalid", stage: "New", country: "Atlantis", wantStatus: "Sourced", wantCountry: "ATLANTIS",
			wantProblem: comeet.CodeIncorrectCountryCode,
			inMessage:   `address.country "ATLANTIS" is not an ISO 3166-1 alpha-2 country code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems, warnings := b.Map([]string{tt.stage, tt.country})
			if len(problems) != 0 {
				t.Fatalf("Map: %v", problems)
			}
			// As the importer does: the field rules after the mapping.
			var rules comeet.Rules
			rules.Normalize(c)
			problems = append(problems, rules.Check(c)...)
			if c.ProspectStatus != tt.wantStatus {
				t.Errorf("got status %q, want %q", c.ProspectStatus, tt.wantStatus)
			}
			country := ""
			if c.Address != nil {
				country = c.Address.Country
			}
			if country != tt.wantCountry {
				t.Errorf("got country %q, want %q", country, tt.wantCountry)
			}
			if len(warnings) != 0 {
				t.Errorf("got warnings %v, want none", warnings)
			}
			if tt.wantProblem == "" {
				if len(problems) != 0 {
					t.Errorf("got problems %v, want none", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Code != tt.wantProblem || problems[0].Message != tt.inMessage {
				t.Errorf("got problems %q, want one %s:\n%s", problems, tt.wantProblem, tt.inMessage)
			}
		})
	}
}

func TestValueMapCatchAll(t *testing.T) {
	for _, tt := range []struct {
		name, line  string
		wantStatus  string
		wantWarning string
	}{
		{name: "dropped with a warning", line: "prospect_status,,,*,\n",
			wantWarning: `prospect_status: column "Stage" holds "Archived", which the mapping does not map: not sent`},
		{name: "sent as a fixed value", line: "prospect_status,,,*,sourced\n", wantStatus: "Sourced"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(strings.NewReader("field,column,default,value,send\nprospect_status,Stage,,,\nprospect_status,,,Screening,Interested\n" + tt.line))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			b, err := m.Bind([]string{"Stage"})
			if err != nil {
				t.Fatalf("Bind: %v", err)
			}
			c, problems, warnings := b.Map([]string{"Archived"})
			if len(problems) != 0 || c.ProspectStatus != tt.wantStatus {
				t.Errorf("got status %q, problems %v; want %q and none", c.ProspectStatus, problems, tt.wantStatus)
			}
			var got string
			if len(warnings) == 1 && warnings[0].Code == CodeValueDropped {
				got = warnings[0].Message
			}
			if got != tt.wantWarning {
				t.Errorf("got warnings %v, want %q", warnings, tt.wantWarning)
			}
			if c, _, _ := b.Map([]string{"screening"}); c.ProspectStatus != "Interested" {
				t.Errorf("a mapped value gave %q", c.ProspectStatus)
			}
		})
	}
}

// Without value lines, a country name still becomes its code, Comeet's
// spelling of a status in any case is kept as written (the field rules
// canonicalise it), and any other value is left for the field rules to
// refuse with the code Comeet would answer.
func TestValueMapUnconfigured(t *testing.T) {
	header := []string{"prospect_status", "address.country"}
	b, err := FromHeader(header).Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	c, problems, _ := b.Map([]string{"not_interested", "United Kingdom"})
	if len(problems) != 0 || c.ProspectStatus != "not_interested" || c.Address.Country != "GB" {
		t.Errorf("got %q %q %v", c.ProspectStatus, c.Address.Country, problems)
	}
	c, problems, _ = b.Map([]string{"Screening", "Atlantis"})
	if len(problems) != 0 || c.ProspectStatus != "Screening" || c.Address.Country != "Atlantis" {
		t.Errorf("got %q %q %v, want the values as written", c.ProspectStatus, c.Address.Country, problems)
	}
}

func TestEachValue(t *testing.T) {
	tests := []struct {
		k    kind
		cell string
		want []string
	}{
		{kindLinks, "https://a.example; https://b.example", []string{"https://a.example", "https://b.example"}},
		{kindLinks, "https://a.example|https://b.example\nhttps://c.example", []string{"https://a.example", "https://b.example", "https://c.example"}},
		{kindLinks, "https://a.example, https://b.example", []string{"https://a.example", "https://b.example"}},
		{kindLinks, "https://a.example,https://b.example,www.c.example", []string{"https://a.example", "https://b.example", "www.c.example"}},
		{kindLinks, "github.com/dana, gitlab.com/dana", []string{"github.com/dana", "gitlab.com/dana"}},
		{kindLinks, "https://x.example/?ids=1,2,3", []string{"https://x.example/?ids=1,2,3"}},
		{kindLinks, "https://x.example/?ids=1,2, https://y.example", []string{"https://x.example/?ids=1,2", "https://y.example"}},
		{kindLinks, " , ;; |", nil},
		{kindFiles, "cover.pdf, certificates.pdf", []string{"cover.pdf", "certificates.pdf"}},
		{kindFiles, "cover.pdf,cv.docx;photo.jpg", []string{"cover.pdf", "cv.docx", "photo.jpg"}},
		{kindFiles, "Levi, Dana CV.pdf", []string{"Levi, Dana CV.pdf"}},
		{kindFiles, "Levi, Dana CV.pdf, cover.pdf", []string{"Levi, Dana CV.pdf", "cover.pdf"}},
		{kindFiles, "Report v1.2, final.pdf", []string{"Report v1.2, final.pdf"}},
		{kindFiles, "a.pdf | b.pdf\r\nc.pdf", []string{"a.pdf", "b.pdf", "c.pdf"}},
	}
	for _, tt := range tests {
		var got []string
		eachValue(tt.k, tt.cell, func(s string) { got = append(got, s) })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("eachValue(%s, %q) = %q, want %q", fieldNames[tt.k], tt.cell, got, tt.want)
		}
	}
}

func TestLoadDialects(t *testing.T) {
	want := []Rule{{"first_name", "First Name", ""}, {"position_uid", "", "11.11"}, {"salary_expectations", "Salary", "10,000"}}
	for _, tt := range []struct{ name, in string }{
		{"comma", "field,column,default\nfirst_name,First Name,\nposition_uid,,11.11\nsalary_expectations,Salary,\"10,000\"\n"},
		{"semicolon, CRLF, BOM (European Excel)", "\uFEFFfield;column;default\r\nfirst_name;First Name;\r\nposition_uid;;11.11\r\nsalary_expectations;Salary;10,000\r\n"},
		{"semicolon after comments", "# made in Excel\n\nField ; Column ; Default\nfirst_name;First Name;\nposition_uid;;11.11\nsalary_expectations;Salary;10,000\n"},
		{"tab", "field\tcolumn\tdefault\nfirst_name\tFirst Name\t\nposition_uid\t\t11.11\nsalary_expectations\tSalary\t10,000\n"},
		{"CR LF with quotes", "field,column,default\r\nfirst_name,\"First Name\",\r\nposition_uid,,11.11\r\nsalary_expectations,Salary,\"10,000\"\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(m.Rules, want) {
				t.Errorf("got %q, want %q", m.Rules, want)
			}
		})
	}
	m, err := Load(strings.NewReader("field;column;default;value;send;comment\r\nfull_name;Candidate Name;;;;\r\nprospect_status;Stage;;;;\r\nprospect_status;;;Screening;Interested;from the ATS\r\n"))
	if err != nil {
		t.Fatalf("Load with value lines: %v", err)
	}
	wantValues := []ValueMap{{Field: "prospect_status", Value: "Screening", Send: "Interested", Note: "from the ATS"}}
	if !reflect.DeepEqual(m.Values, wantValues) || len(m.Rules) != 2 {
		t.Errorf("got %q and %+v, want 2 rules and %+v", m.Rules, m.Values, wantValues)
	}
}

func TestLoadReshapeErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			name: "one column feeds first and last name",
			in:   "field,column,default\nfirst_name,Candidate Name,\nlast_name,candidate name,\n",
			want: `load mapping: line 3: column "Candidate Name" feeds both first_name and last_name, so both would get the whole name; ` +
				`to split a full name, replace the two lines with one: full_name,Candidate Name,`,
		},
		{
			name: "full_name beside a name line",
			in:   "field,column,default\nfull_name,Name,\nlast_name,Surname,\n",
			want: `load mapping: line 3: last_name is fed by full_name (which splits "Name") and by its own line; keep one`,
		},
		{
			name: "value line with a column",
			in:   "field,column,default,value,send\nprospect_status,Stage,,,\nprospect_status,Stage,,New,Sourced\n",
			want: `load mapping: line 3: a line with a value or send maps one value of its field's column: leave its column and default empty (the column is on the field's own line)`,
		},
		{
			name: "value line without its field's line",
			in:   "field,column,default,value,send\nfirst_name,First,,,\naddress.country,,,Holland,NL\n",
			want: `load mapping: line 3: address.country has value lines but no line giving its column (add address.country,<column>,)`,
		},
		{
			name: "send without value",
			in:   "field,column,default,value,send\nprospect_status,Stage,,,\nprospect_status,,,,Sourced\n",
			want: `load mapping: line 3: a value line for prospect_status needs the value it maps in the value column (or * for every other value)`,
		},
		{
			name: "value mapped twice",
			in:   "field,column,default,value,send\nprospect_status,Stage,,,\nprospect_status,,,New,Sourced\nprospect_status,,,  NEW ,Contacted\n",
			want: `load mapping: line 4: prospect_status value "NEW" is mapped twice (first on line 3)`,
		},
		{
			name: "not UTF-8 (Windows-1255 from a spreadsheet's plain CSV)",
			in:   "field,column,default\nfirst_name,First,\nlast_name,\xf9\xed,\n",
			want: `load mapping: line 3: is not UTF-8 text; save the mapping file as "CSV UTF-8" (a spreadsheet's plain "CSV" uses the computer's code page)`,
		},
		{
			name: "value map on links",
			in:   "field,column,default,value,send\nlinks,Site,,,\nlinks,,,a,b\n",
			want: `load mapping: line 3: field links does not take a value map`,
		},
		{
			name: "sends a status Comeet does not take",
			in:   "field,column,default,value,send\nprospect_status,Stage,,,\nprospect_status,,,New,Sourced\nprospect_status,,,*,Bogus\n",
			want: `load mapping: line 4: prospect_status value line sends "Bogus", which prospect_status does not take: send one of Sourced, Contacted, Responded, Interested, Not interested, Do not contact`,
		},
		{
			name: "sends a country Comeet does not take",
			in:   "field,column,default,value,send\naddress.country,Land,,,\naddress.country,,,Holland,Nederland Oost\n",
			want: `load mapping: line 3: address.country value line sends "Nederland Oost", which address.country does not take: send an ISO 3166 code (NL) or a country's English name`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got %q, want error %q", m.Rules, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestWriteValuesRoundTrip(t *testing.T) {
	m := &Mapping{
		Rules: []Rule{{"full_name", "Candidate Name", ""}, {"prospect_status", "Stage", ""}, {"address.country", "Country", ""}},
		Values: []ValueMap{
			{Field: "prospect_status", Value: "Screening", Send: "Interested", Note: "in the pipeline"},
			{Field: "prospect_status", Value: "Hired, placed", Send: ""},
			{Field: "address.country", Value: OtherValues, Send: ""},
		},
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got, want := strings.SplitN(buf.String(), "\n", 2)[0], "field,column,default,value,send,comment"; got != want {
		t.Errorf("got header %q, want %q", got, want)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatalf("Load of\n%s: %v", buf.String(), err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("got %+v after a round trip, want %+v", back, m)
	}
}
