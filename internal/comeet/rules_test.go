package comeet

import (
	"flag"
	"io"
	"maps"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

var updateRules = flag.Bool("update-rules", false, "rewrite testdata/rules_*.golden")

// rulesValid returns a candidate that breaks no rule, shaped like the seed's
// example.
func rulesValid() *Candidate {
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }
	return &Candidate{
		PositionUID:        "11.11",
		PartnerCandidateID: "1111A",
		FirstName:          "Bobby",
		MiddleName:         "Robert",
		LastName:           "Chauck",
		Email:              "bobby@example.com",
		Phone:              "07-4442321",
		MobilePhone:        "052-8644246",
		NationalID:         "5454-2233-1",
		LinkedInURL:        "https://www.linkedin.com/in/bobby-hauck-06b0735",
		SalaryExpectations: "80k / Annual",
		ProspectStatus:     "Interested",
		Resume:             &File{Path: "cv/bobby_cv.docx", Name: "bobby_cv.docx", Size: 1 << 20, Open: open},
		Picture:            &File{Path: "img/image.png", Name: "image.png", Size: 2048, Open: open},
		Links:              []Link{{URL: "https://www.github.com/bobbyc"}},
		Files:              []*File{{Path: "challenge.zip", Name: "challenge.zip", Size: 10, Open: open}},
		SourceContact:      &SourceContact{FullName: "Michael Rosen", Email: "michael@example.com", Phone: "555 555 1234"},
		Address:            &Address{Country: "US", City: "New York", State: "NY", Zip: "11249", Street: "109 S 5th st. #302"},
		CustomFields:       map[string]string{"field1": "value1"},
		Note:               "The candidate expressed his interest in this position",
	}
}

type rulesCase struct {
	name   string
	rules  *Rules
	edit   func(c *Candidate)
	field  string // "" when the candidate must stay clean
	code   string
	inMsg  string // a fragment the message must contain
	notMsg string // a fragment it must not contain
	nProbs int    // 0 means 1 when field is set
}

func runRulesCases(t *testing.T, cases []rulesCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := rulesValid()
			tc.edit(c)
			got := tc.rules.Check(c)
			if tc.field == "" {
				if len(got) != 0 {
					t.Fatalf("got problems %v, want none", got)
				}
				return
			}
			want := max(tc.nProbs, 1)
			if len(got) != want {
				t.Fatalf("got %d problems %v, want %d", len(got), got, want)
			}
			p := got[0]
			if p.Field != tc.field || p.Code != tc.code {
				t.Errorf("got field %q code %q, want field %q code %q", p.Field, p.Code, tc.field, tc.code)
			}
			if !strings.HasPrefix(p.Message, tc.field+" ") {
				t.Errorf("message %q does not start with the field name %q", p.Message, tc.field)
			}
			if !strings.Contains(p.Message, tc.inMsg) {
				t.Errorf("message %q does not contain %q", p.Message, tc.inMsg)
			}
			if tc.notMsg != "" && strings.Contains(p.Message, tc.notMsg) {
				t.Errorf("message %q contains %q", p.Message, tc.notMsg)
			}
		})
	}
}

func TestCheckValidCandidate(t *testing.T) {
	for _, r := range []*Rules{nil, {}, DefaultRules()} {
		if got := r.Check(rulesValid()); got != nil {
			t.Errorf("rules %+v: got %v, want no problems", r, got)
		}
	}
}

func TestCheckRequired(t *testing.T) {
	runRulesCases(t, []rulesCase{
		{name: "position", edit: func(c *Candidate) { c.PositionUID = "" }, field: "position_uid", code: CodeRequiredField, inMsg: "is required"},
		{name: "partner id", edit: func(c *Candidate) { c.PartnerCandidateID = "" }, field: "partner_candidate_id", code: CodeRequiredField},
		{name: "first name", edit: func(c *Candidate) { c.FirstName = "" }, field: "first_name", code: CodeRequiredField},
		{name: "last name", edit: func(c *Candidate) { c.LastName = "" }, field: "last_name", code: CodeRequiredField},
		{name: "optional fields empty", edit: func(c *Candidate) {
			*c = Candidate{PositionUID: "1", PartnerCandidateID: "2", FirstName: "a", LastName: "b"}
		}},
	})
}

func TestCheckSourceContact(t *testing.T) {
	runRulesCases(t, []rulesCase{
		{name: "no full name", edit: func(c *Candidate) { c.SourceContact.FullName = "" }, field: "source_contact.full_name", code: CodeRequiredField},
		{name: "no email", edit: func(c *Candidate) { c.SourceContact.Email = "" }, field: "source_contact.email", code: CodeRequiredField, inMsg: "when a source contact is given"},
		{name: "phone only", edit: func(c *Candidate) { c.SourceContact = &SourceContact{Phone: "1"} },
			field: "source_contact.full_name", code: CodeRequiredField, nProbs: 2},
		{name: "bad email", edit: func(c *Candidate) { c.SourceContact.Email = "michael at example.com" }, field: "source_contact.email", code: CodeInvalidEmail},
		{name: "empty object is absent", edit: func(c *Candidate) { c.SourceContact = &SourceContact{} }},
		{name: "nil", edit: func(c *Candidate) { c.SourceContact = nil }},
	})
}

func TestCheckEmail(t *testing.T) {
	valid := []string{
		"bob@example.com", "bob.smith+jobs@mail.example.co.il", "o'brien@example.ie",
		"a_b-c@sub-domain.example.org", "x@xn--80ak6aa92e.com", "דני@דוגמה.ישראל", "user@example.com.",
	}
	invalid := []string{
		"bob@", "@example.com", "bob", "bob@example", "bob example@example.com", "bob@exa mple.com",
		"bob@@example.com", ".bob@example.com", "bob.@example.com", "bo..b@example.com",
		"bob@example..com", "bob@-example.com", "bob@example-.com", "bob@example.123",
		"Bob <bob@example.com>", "bob@[127.0.0.1]", `"bob"@example.com`, "bob@exam_ple.com",
		"bob,alice@example.com", "bob@example.com\n", strings.Repeat("a", 65) + "@example.com",
	}
	var cases []rulesCase
	for _, e := range valid {
		if e == "user@example.com." {
			continue // trailing dot: a valid DNS name but refused as a host here
		}
		cases = append(cases, rulesCase{name: "valid " + e, edit: func(c *Candidate) { c.Email = e }})
	}
	for _, e := range invalid {
		cases = append(cases, rulesCase{name: "invalid " + e, edit: func(c *Candidate) { c.Email = e },
			field: "email", code: CodeInvalidEmail, inMsg: "is not a valid address"})
	}
	cases = append(cases, rulesCase{name: "trailing dot", edit: func(c *Candidate) { c.Email = "user@example.com." },
		field: "email", code: CodeInvalidEmail})
	runRulesCases(t, cases)

	p := (&Rules{}).Check(&Candidate{PositionUID: "1", PartnerCandidateID: "2", FirstName: "a", LastName: "b", Email: "bob@"})
	if want := `email "bob@" is not a valid address`; len(p) != 1 || p[0].Message != want {
		t.Errorf("got %v, want one problem %q", p, want)
	}
}

// TestValidEmailAgreesWithNetMail pins that the local check is never looser
// than net/mail: whatever it accepts parses to exactly the same address.
func TestValidEmailAgreesWithNetMail(t *testing.T) {
	for _, e := range []string{"bob@example.com", "o'brien@example.ie", "דני@דוגמה.ישראל", "a!#$%&'*+-/=?^_`{|}~b@x.io"} {
		if !validEmail(e) {
			t.Errorf("validEmail(%q) = false, want true", e)
			continue
		}
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e {
			t.Errorf("mail.ParseAddress(%q) = %v, %v; want the same address", e, a, err)
		}
	}
}

func TestCheckLinkedInURL(t *testing.T) {
	valid := []string{
		"https://www.linkedin.com/in/bobby-hauck-06b0735",
		"http://linkedin.com/in/bob/",
		"https://il.linkedin.com/in/dana-levi-12345/en",
		"https://WWW.LinkedIn.com/IN/bob?trk=public",
		"https://www.linkedin.com/pub/bob-smith/1/2/3",
		"https://www.linkedin.com/profile/view?id=12345",
		"https://www.linkedin.com/in/%D7%93%D7%A0%D7%99",
	}
	invalid := []string{
		"www.linkedin.com/in/bob", "https://www.linkedin.com/", "https://www.linkedin.com/in/",
		"https://www.linkedin.com/company/comeet", "https://evillinkedin.com/in/bob",
		"https://linkedin.com.evil.io/in/bob", "ftp://linkedin.com/in/bob", "https://www.linkedin.com/in/bob smith",
		"https://www.linkedin.com/profile/view", "linkedin", "https://user:pw@linkedin.com/in/bob",
	}
	var cases []rulesCase
	for _, u := range valid {
		cases = append(cases, rulesCase{name: "valid " + u, edit: func(c *Candidate) { c.LinkedInURL = u }})
	}
	for _, u := range invalid {
		cases = append(cases, rulesCase{name: "invalid " + u, edit: func(c *Candidate) { c.LinkedInURL = u },
			field: "linkedin_url", code: CodeInvalidLinkedInURL, inMsg: "is not a LinkedIn profile URL"})
	}
	cases = append(cases, rulesCase{name: "scheme hint", edit: func(c *Candidate) { c.LinkedInURL = "linkedin.com/in/bob" },
		field: "linkedin_url", code: CodeInvalidLinkedInURL, inMsg: `did you mean "https://linkedin.com/in/bob"?`})
	runRulesCases(t, cases)
}

func TestCheckLinks(t *testing.T) {
	valid := []string{
		"https://www.github.com/bobbyc", "http://example.com", "https://example.com:8443/a/b?q=1#top",
		"https://192.0.2.1/portfolio", "https://[2001:db8::1]:8080/", "https://bücher.example/путь",
		"HTTPS://EXAMPLE.COM/%41",
	}
	invalid := []string{
		"www.github.com/bobbyc", "github", "mailto:bob@example.com", "ftp://example.com/x",
		"https://", "https:///path", "https://exa mple.com", "https://example.com/a b",
		"https://example.com/%zz", "https://example.com:99999/", "https://example.com:/",
		"https://bob:secret@example.com/", "https://localhost/", "https://999.1.1.1/",
		"https://[fe80::1%25eth0]/", "https://example.com/\x7f", "javascript:alert(1)",
	}
	var cases []rulesCase
	for _, u := range valid {
		cases = append(cases, rulesCase{name: "valid " + u, edit: func(c *Candidate) { c.Links = []Link{{URL: u}} }})
	}
	for _, u := range invalid {
		cases = append(cases, rulesCase{name: "invalid " + u,
			edit: func(c *Candidate) {
				c.Links = []Link{{URL: "https://ok.example"}, {URL: "https://ok.example"}, {URL: u}}
			},
			field: "links[2]", code: CodeInvalidURL, inMsg: "is not an absolute http(s) URL"})
	}
	cases = append(cases,
		rulesCase{name: "empty", edit: func(c *Candidate) { c.Links = []Link{{}} }, field: "links[0]", code: CodeInvalidURL, inMsg: "is empty"},
		rulesCase{name: "hint", edit: func(c *Candidate) { c.Links = []Link{{URL: "github.com/bob"}} }, field: "links[0]", code: CodeInvalidURL,
			inMsg: `did you mean "https://github.com/bob"?`})
	runRulesCases(t, cases)

	for _, u := range valid {
		host, _, _ := splitHTTPURL(u)
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Hostname() != host {
			t.Errorf("url.Parse(%q) = %v, %v; want an http(s) URL with host %q", u, pu, err, host)
		}
	}
}

func TestCheckCountry(t *testing.T) {
	runRulesCases(t, []rulesCase{
		{name: "IL", edit: func(c *Candidate) { c.Address.Country = "IL" }},
		{name: "no country", edit: func(c *Candidate) { c.Address.Country = "" }},
		{name: "lower case", edit: func(c *Candidate) { c.Address.Country = "il" }, field: "address.country", code: CodeIncorrectCountryCode,
			inMsg: `did you mean "IL" (Israel)?`},
		{name: "name", edit: func(c *Candidate) { c.Address.Country = "Israel" }, field: "address.country", code: CodeIncorrectCountryCode,
			inMsg: `"Israel" is not an ISO 3166-1 alpha-2 country code; did you mean "IL"`},
		{name: "alias", edit: func(c *Candidate) { c.Address.Country = "UK" }, field: "address.country", code: CodeIncorrectCountryCode,
			inMsg: `did you mean "GB"`},
		{name: "XK", edit: func(c *Candidate) { c.Address.Country = "XK" }, field: "address.country", code: CodeIncorrectCountryCode},
		{name: "alpha-3", edit: func(c *Candidate) { c.Address.Country = "ISR" }, field: "address.country", code: CodeIncorrectCountryCode},
	})
}

func TestCheckProspectStatus(t *testing.T) {
	var cases []rulesCase
	for _, s := range ProspectStatuses {
		cases = append(cases, rulesCase{name: s, edit: func(c *Candidate) { c.ProspectStatus = s }})
	}
	cases = append(cases,
		rulesCase{name: "case", edit: func(c *Candidate) { c.ProspectStatus = "not interested" }, field: "prospect_status",
			code: CodeInvalidProspectStatus, inMsg: `did you mean "Not interested"?`},
		rulesCase{name: "unknown", edit: func(c *Candidate) { c.ProspectStatus = "Hired" }, field: "prospect_status",
			code: CodeInvalidProspectStatus, inMsg: `"Hired" is not one of "Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact"`},
	)
	runRulesCases(t, cases)
}

func TestCheckStringSize(t *testing.T) {
	long := strings.Repeat("a", DefaultMaxStringLength+1)
	fit := strings.Repeat("א", DefaultMaxStringLength) // 510 bytes, 255 characters
	runRulesCases(t, []rulesCase{
		{name: "first name", edit: func(c *Candidate) { c.FirstName = long }, field: "first_name", code: CodeStringSizeLimit,
			inMsg: "is 256 characters long; the limit is 255"},
		{name: "runes not bytes", edit: func(c *Candidate) { c.FirstName = fit }},
		{name: "middle name", edit: func(c *Candidate) { c.MiddleName = long }, field: "middle_name", code: CodeStringSizeLimit},
		{name: "national id", edit: func(c *Candidate) { c.NationalID = long }, field: "national_id", code: CodeStringSizeLimit},
		{name: "salary", edit: func(c *Candidate) { c.SalaryExpectations = long }, field: "salary_expectations", code: CodeStringSizeLimit},
		{name: "street", edit: func(c *Candidate) { c.Address.Street = long }, field: "address.street", code: CodeStringSizeLimit},
		{name: "source phone", edit: func(c *Candidate) { c.SourceContact.Phone = long }, field: "source_contact.phone", code: CodeStringSizeLimit},
		{name: "file name", edit: func(c *Candidate) { c.Files[0].Name = long + ".pdf" }, field: "files[0].name", code: CodeStringSizeLimit},
		{name: "note fits long limit", edit: func(c *Candidate) { c.Note = strings.Repeat("n", DefaultNoteMaxLength) }},
		{name: "note", edit: func(c *Candidate) { c.Note = strings.Repeat("n", DefaultNoteMaxLength+1) }, field: "note", code: CodeStringSizeLimit},
		{name: "link", edit: func(c *Candidate) { c.Links[0].URL = "https://example.com/" + strings.Repeat("p", DefaultURLMaxLength) },
			field: "links[0]", code: CodeStringSizeLimit},
		{name: "custom value", edit: func(c *Candidate) { c.CustomFields["field1"] = strings.Repeat("v", DefaultNoteMaxLength+1) },
			field: "custom_fields.field1", code: CodeStringSizeLimit},
		{name: "configured limit", rules: &Rules{MaxStringLength: 3}, edit: func(c *Candidate) {
			*c = Candidate{PositionUID: "1", PartnerCandidateID: "2", FirstName: "Bob", LastName: "Chauck"}
		}, field: "last_name", code: CodeStringSizeLimit, inMsg: "the limit is 3"},
		{name: "limit off", rules: &Rules{MaxStringLength: -1, NoteMaxLength: -1}, edit: func(c *Candidate) {
			c.FirstName = long
			c.Note = strings.Repeat("n", 2*DefaultNoteMaxLength)
		}},
		{name: "too long and invalid", edit: func(c *Candidate) { c.Email = long }, field: "email", code: CodeInvalidEmail, nProbs: 2},
	})
}

func TestCheckCustomFields(t *testing.T) {
	known := &Rules{CustomFields: []string{"field1", "Years of experience", "Notice period"}}
	runRulesCases(t, []rulesCase{
		{name: "unchecked without names", edit: func(c *Candidate) { c.CustomFields = map[string]string{"anything": "x"} }},
		{name: "known", rules: known, edit: func(c *Candidate) { c.CustomFields["Notice period"] = "30 days" }},
		{name: "unknown near", rules: known, edit: func(c *Candidate) { c.CustomFields = map[string]string{"years of experiance": "5"} },
			field: "custom_fields.years of experiance", code: CodeInvalidCustomField, inMsg: `did you mean "Years of experience"?`},
		{name: "unknown far", rules: known, edit: func(c *Candidate) { c.CustomFields = map[string]string{"shoe size": "44"} },
			field: "custom_fields.shoe size", code: CodeInvalidCustomField, inMsg: `"shoe size" is not a custom field of this account`, notMsg: "did you mean"},
		{name: "long key gets no hint", rules: &Rules{CustomFields: []string{strings.Repeat("x", 150)}},
			edit:  func(c *Candidate) { c.CustomFields = map[string]string{strings.Repeat("x", 150) + "1": "v"} },
			field: "custom_fields." + strings.Repeat("x", 150) + "1", code: CodeInvalidCustomField, inMsg: "of this account", notMsg: "did you mean"},
		{name: "empty key", edit: func(c *Candidate) { c.CustomFields = map[string]string{"": "x"} },
			field: "custom_fields", code: CodeInvalidCustomField},
	})

	c := rulesValid()
	c.CustomFields = map[string]string{"zeta": "1", "alpha": "2", "mid": "3", "field1": "ok", "beta": "4"}
	for range 20 { // map order is random: the output must not be
		got := fieldsOf(known.Check(c))
		want := []string{"custom_fields.alpha", "custom_fields.beta", "custom_fields.mid", "custom_fields.zeta"}
		if !slices.Equal(got, want) {
			t.Fatalf("got fields %v, want %v", got, want)
		}
	}
	if strings.Contains(known.Check(c)[0].Message, "did you mean") {
		t.Errorf("got a suggestion for a far name: %q", known.Check(c)[0].Message)
	}
}

func TestCheckFiles(t *testing.T) {
	runRulesCases(t, []rulesCase{
		{name: "upper-case extension", edit: func(c *Candidate) { c.Resume.Name = "CV.PDF" }},
		{name: "image resume", edit: func(c *Candidate) { c.Resume.Name = "scan.jpg" }},
		{name: "name from path", edit: func(c *Candidate) { c.Resume = &File{Path: `cvs\bob.rtf`} }},
		{name: "exe resume", edit: func(c *Candidate) { c.Resume.Name = "cv.exe" }, field: "resume", code: CodeInvalidFileType,
			inMsg: `"cv.exe": type ".exe" is not allowed here; allowed: .jpeg`},
		{name: "no extension", edit: func(c *Candidate) { c.Files[0].Name = "Coding Challenge" }, field: "files[0]", code: CodeInvalidFileType,
			inMsg: "has no extension"},
		{name: "dot directory", edit: func(c *Candidate) { c.Files = []*File{{Path: `a.d\bob`}} }, field: "files[0]", code: CodeInvalidFileType},
		{name: "pdf picture", edit: func(c *Candidate) { c.Picture.Name = "photo.pdf" }, field: "picture", code: CodeInvalidFileType},
		{name: "strict resume", rules: &Rules{ResumeTypes: StrictResumeTypes}, edit: func(c *Candidate) { c.Resume.Name = "cv.txt" },
			field: "resume", code: CodeInvalidFileType, inMsg: "allowed: .pdf .doc .docx"},
		{name: "strict resume docx", rules: &Rules{ResumeTypes: StrictResumeTypes}, edit: func(c *Candidate) { c.Resume.Name = "cv.DOCX" }},
		{name: "enterprise list", rules: &Rules{FileTypes: []string{".step"}}, edit: func(c *Candidate) { c.Files[0].Name = "part.step" }},
		{name: "at the limit", edit: func(c *Candidate) { c.Resume.Size = DefaultMaxFileSize }},
		{name: "over the limit", edit: func(c *Candidate) { c.Resume.Size = DefaultMaxFileSize + 1 }, field: "resume", code: CodeFileSizeLimit,
			inMsg: "is 6291457 bytes; the limit is 6291456 bytes (6 MiB)"},
		{name: "configured limit", rules: &Rules{MaxFileSize: 100}, edit: func(c *Candidate) {
			c.Resume.Size, c.Picture.Size, c.Files[0].Size = 100, 0, 101
		},
			field: "files[0]", code: CodeFileSizeLimit},
		{name: "limit off", rules: &Rules{MaxFileSize: -1}, edit: func(c *Candidate) { c.Files[0].Size = 1 << 40 }},
		{name: "not attached", edit: func(c *Candidate) { c.Resume = &File{Path: "cv.pdf"} }},
		{name: "empty path ignored", edit: func(c *Candidate) { c.Files = []*File{{Name: "x.exe", Size: 1 << 40}, nil} }},
		{name: "second of files", edit: func(c *Candidate) { c.Files = append(c.Files, &File{Path: "virus.exe"}) },
			field: "files[1]", code: CodeInvalidFileType},
	})
}

func TestCheckReportsAllInOrder(t *testing.T) {
	c := rulesValid()
	c.PositionUID = ""
	c.LastName = ""
	c.Email = "bob@"
	c.LinkedInURL = "https://example.com/in/bob"
	c.ProspectStatus = "Hired"
	c.Resume.Name = "cv.exe"
	c.Links = []Link{{URL: "https://ok.example"}, {URL: "nope"}}
	c.Files[0].Size = DefaultMaxFileSize + 1
	c.SourceContact.Email = ""
	c.Address.Country = "Israel"
	c.CustomFields = map[string]string{"b": "1", "a": "2"}
	c.Note = strings.Repeat("n", DefaultNoteMaxLength+1)
	r := &Rules{CustomFields: []string{"field1"}}

	got := r.Check(c)
	want := []string{
		"position_uid " + CodeRequiredField,
		"last_name " + CodeRequiredField,
		"email " + CodeInvalidEmail,
		"linkedin_url " + CodeInvalidLinkedInURL,
		"prospect_status " + CodeInvalidProspectStatus,
		"resume " + CodeInvalidFileType,
		"links[1] " + CodeInvalidURL,
		"files[0] " + CodeFileSizeLimit,
		"source_contact.email " + CodeRequiredField,
		"address.country " + CodeIncorrectCountryCode,
		"custom_fields.a " + CodeInvalidCustomField,
		"custom_fields.b " + CodeInvalidCustomField,
		"note " + CodeStringSizeLimit,
	}
	var gotKeys []string
	for _, p := range got {
		gotKeys = append(gotKeys, p.Field+" "+p.Code)
	}
	if !slices.Equal(gotKeys, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(gotKeys, "\n"), strings.Join(want, "\n"))
	}
	checkRulesGolden(t, "rules_problems.golden", got)
}

// checkRulesGolden compares the messages with a reviewed file, so a change
// of wording is a visible diff.
func checkRulesGolden(t *testing.T, name string, ps []Problem) {
	t.Helper()
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	path := filepath.Join("testdata", name)
	if *updateRules {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update-rules to create it): %v", err)
	}
	if b.String() != string(want) {
		t.Errorf("messages differ from %s (run with -update-rules after review):\ngot\n%s\nwant\n%s", path, b.String(), want)
	}
}

func fieldsOf(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return out
}

func TestCheckNilCandidate(t *testing.T) {
	if got := DefaultRules().Check(nil); len(got) != 1 || got[0].Code != CodeRequiredField {
		t.Errorf("got %v, want one required_field problem", got)
	}
	DefaultRules().Normalize(nil) // must not panic
}

func TestCanonicalProspectStatus(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Interested", "Interested", true},
		{"interested", "Interested", true},
		{"  SOURCED ", "Sourced", true},
		{"not  interested", "Not interested", true},
		{"DO NOT CONTACT", "Do not contact", true},
		{"do_not_contact", "Do not contact", true},
		{"Not-Interested", "Not interested", true},
		{"not\tinterested", "Not interested", true},
		{"notinterested", "", false},
		{"Interested!", "", false},
		{"Do not", "", false},
		{"", "", false},
		{"Hired", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := CanonicalProspectStatus(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	c := &Candidate{
		PositionUID:        " 11.11 ",
		PartnerCandidateID: "\ufeff1111A\u00a0",
		FirstName:          "\tBobby\n",
		LastName:           "Chauck\u200b",
		Email:              " Bobby@Example.COM ",
		LinkedInURL:        " www.linkedin.com/in/bobby ",
		ProspectStatus:     " not  INTERESTED ",
		Resume:             &File{Path: " cv/Bobby.PDF "},
		Links:              []Link{{URL: " github.com/bobbyc "}, {URL: "   "}, {URL: "https://x.example/"}, {URL: "john.doe"}},
		SourceContact:      &SourceContact{FullName: " Michael Rosen ", Email: "mailto:Michael@Example.com"},
		Address:            &Address{Country: " il ", City: " Tel Aviv "},
		CustomFields:       map[string]string{" field1 ": " value1 ", "field2": "v2 "},
		Note:               "  a note  ",
	}
	DefaultRules().Normalize(c)
	want := &Candidate{
		PositionUID:        "11.11",
		PartnerCandidateID: "1111A",
		FirstName:          "Bobby",
		LastName:           "Chauck",
		Email:              "bobby@example.com",
		LinkedInURL:        "https://www.linkedin.com/in/bobby",
		ProspectStatus:     "Not interested",
		Resume:             &File{Path: "cv/Bobby.PDF"},
		Links:              []Link{{URL: "https://github.com/bobbyc"}, {URL: "https://x.example/"}, {URL: "john.doe"}},
		SourceContact:      &SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
		Address:            &Address{Country: "IL", City: "Tel Aviv"},
		CustomFields:       map[string]string{"field1": "value1", "field2": "v2"},
		Note:               "a note",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got\n%+v\nwant\n%+v", c, want)
	}
	if ps := DefaultRules().Check(c); len(ps) != 1 || ps[0].Field != "links[2]" {
		t.Errorf("after Normalize got %v, want only links[2] (a bare word is not guessed into a URL)", ps)
	}
}

func TestNormalizeCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    Candidate
		check func(c *Candidate) string
		want  string
	}{
		{"display name email", Candidate{Email: "Bob Smith <Bob@Example.com>"}, func(c *Candidate) string { return c.Email }, "bob@example.com"},
		{"unknown status kept", Candidate{ProspectStatus: " Hired "}, func(c *Candidate) string { return c.ProspectStatus }, "Hired"},
		{"linkedin without path", Candidate{LinkedInURL: "linkedin.com/in/x"}, func(c *Candidate) string { return c.LinkedInURL }, "https://linkedin.com/in/x"},
		{"http kept", Candidate{LinkedInURL: "http://linkedin.com/in/x"}, func(c *Candidate) string { return c.LinkedInURL }, "http://linkedin.com/in/x"},
		{"bare host with www", Candidate{Links: []Link{{URL: "www.example.com"}}}, func(c *Candidate) string { return c.Links[0].URL }, "https://www.example.com"},
		{"bare host without www", Candidate{Links: []Link{{URL: "example.com"}}}, func(c *Candidate) string { return c.Links[0].URL }, "example.com"},
		{"empty address dropped", Candidate{Address: &Address{Country: " "}}, func(c *Candidate) string {
			if c.Address != nil {
				return "not nil"
			}
			return ""
		}, ""},
		{"all links empty", Candidate{Links: []Link{{URL: " "}}}, func(c *Candidate) string {
			if c.Links != nil {
				return "not nil"
			}
			return ""
		}, ""},
		{"two keys trim alike", Candidate{CustomFields: map[string]string{"k ": "b", " k": "a"}}, func(c *Candidate) string {
			return c.CustomFields["k"] + "|" + c.CustomFields["k "]
		}, "a|b"},
		{"mailto twice", Candidate{Email: "mailto: MAILTO:b@x.io"}, func(c *Candidate) string { return c.Email }, "b@x.io"},
		{"trimmed key taken", Candidate{CustomFields: map[string]string{"k": "a", " k": " b "}}, func(c *Candidate) string {
			return c.CustomFields["k"] + "|" + c.CustomFields[" k"]
		}, "a|b"},
		{"file name trimmed", Candidate{Files: []*File{{Path: " a.pdf ", Name: " a.pdf "}, nil}}, func(c *Candidate) string { return c.Files[0].Path + c.Files[0].Name }, "a.pdfa.pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.in
			(*Rules)(nil).Normalize(&c)
			if got := tc.check(&c); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	var sc Candidate
	sc.SourceContact = &SourceContact{FullName: " "}
	(&Rules{}).Normalize(&sc)
	if sc.SourceContact != nil {
		t.Errorf("got source contact %+v, want nil", sc.SourceContact)
	}
}

func TestCountries(t *testing.T) {
	n := 0
	for code := range rulesAllPairs() {
		if ValidCountry(code) {
			n++
		}
	}
	if n != 249 {
		t.Errorf("got %d assigned codes, want 249", n)
	}
	for code, name := range map[string]string{
		"IL": "Israel", "US": "United States of America", "GB": "United Kingdom of Great Britain and Northern Ireland",
		"DE": "Germany", "FR": "France", "CW": "Curaçao", "SS": "South Sudan", "AX": "Åland Islands", "ZW": "Zimbabwe",
		"AD": "Andorra", "XK": "", "UK": "", "il": "", "EU": "", "": "", "ISR": "", "Z": "",
	} {
		if got := CountryName(code); got != name {
			t.Errorf("CountryName(%q) = %q, want %q", code, got, name)
		}
		if got := ValidCountry(code); got != (name != "") {
			t.Errorf("ValidCountry(%q) = %v, want %v", code, got, name != "")
		}
	}
}

// TestCountriesAgreeWithCLDR compares the list with the region table of
// golang.org/x/text, an independent source. CLDR also knows deprecated and
// exceptionally reserved codes; those, and only those, must be missing here.
func TestCountriesAgreeWithCLDR(t *testing.T) {
	notISO := strings.Fields("AC AN BU CP CQ CS CT DD DG DY EA EZ FQ FX HV IC JT MI NH NQ NT PC PU PZ RH SU TA TP UK UN VD WK XK YD YU ZR")
	for code := range rulesAllPairs() {
		r, err := language.ParseRegion(code)
		cldr := err == nil && r.IsCountry() && r.String() == code
		want := cldr && !slices.Contains(notISO, code)
		if got := ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q) = %v, want %v (CLDR country: %v)", code, got, want, cldr)
		}
	}
}

func rulesAllPairs() func(func(string) bool) {
	return func(yield func(string) bool) {
		for a := byte('A'); a <= 'Z'; a++ {
			for b := byte('A'); b <= 'Z'; b++ {
				if !yield(string([]byte{a, b})) {
					return
				}
			}
		}
	}
}

func TestCountryCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Israel", "IL", true},
		{" israel ", "IL", true},
		{"il", "IL", true},
		{"United States of America", "US", true},
		{"USA", "US", true},
		{"UK", "GB", true},
		{"Bolivia", "BO", true},
		{"Korea", "KR", true}, // South Korea, as people mean it
		{"Narnia", "", false},
		{"", "", false},
	} {
		if got, ok := CountryCode(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("CountryCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	if r.MaxFileSize != 6291456 || r.MaxStringLength != DefaultMaxStringLength || r.NoteMaxLength != DefaultNoteMaxLength {
		t.Errorf("got %+v, want the documented defaults", r)
	}
	if len(r.ResumeTypes) != len(ImageTypes)+len(FileTypes) || !slices.Equal(r.PictureTypes, ImageTypes) {
		t.Errorf("got resume types %v, picture types %v", r.ResumeTypes, r.PictureTypes)
	}
	r.ResumeTypes[0] = ".changed"
	if DefaultRules().ResumeTypes[0] == ".changed" || ImageTypes[0] == ".changed" {
		t.Error("DefaultRules shares its lists with the package")
	}
	for _, ext := range slices.Concat(ImageTypes, FileTypes, StrictResumeTypes) {
		if ext != strings.ToLower(ext) || !strings.HasPrefix(ext, ".") {
			t.Errorf("extension %q is not lower case with a dot", ext)
		}
	}
	if len(ImageTypes) != 9 || len(FileTypes) != 46 {
		t.Errorf("got %d image and %d other types, want the seed's 9 and 46", len(ImageTypes), len(FileTypes))
	}
}

func TestCheckValidCandidateDoesNotAllocate(t *testing.T) {
	r := &Rules{CustomFields: []string{"field1"}}
	c := rulesValid()
	c.Files = append(c.Files, &File{Path: "b.pdf"}, &File{Path: "c.png"})
	c.Links = append(c.Links, Link{URL: "https://[2001:db8::1]:8080/x"}, Link{URL: "http://192.0.2.1/"})
	for _, r := range []*Rules{r, nil, DefaultRules()} {
		if got := testing.AllocsPerRun(100, func() { r.Check(c) }); got != 0 {
			t.Errorf("rules %+v: got %v allocations per Check of a valid candidate, want 0", r, got)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	r := DefaultRules()
	c := rulesValid()
	b.ReportAllocs()
	for b.Loop() {
		if ps := r.Check(c); ps != nil {
			b.Fatal(ps)
		}
	}
}

func BenchmarkCheckInvalid(b *testing.B) {
	r := DefaultRules()
	c := rulesValid()
	c.Email = "bob@"
	c.Address.Country = "Israel"
	b.ReportAllocs()
	for b.Loop() {
		r.Check(c)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("bobby@example.com", "https://www.linkedin.com/in/bob", "https://github.com/bob", "US", "Interested", "cv.pdf", "field1")
	f.Add("Bob <BOB@x.io>", "linkedin.com/in/", "www.x.y", "israel", "do_not_contact", `a\b.PNG`, "")
	f.Add("a@b", "http://[::1]:0/", "https://%zz", "xk", "  ", ".", " k ")
	f.Add("\"q\"@x.com", "https://x.linkedin.com/pub/", "http://1.2.3.4:65535/é", "Zz", "Not-interested", "x.", "\ufeff")
	f.Fuzz(func(t *testing.T, email, linkedIn, link, country, status, file, key string) {
		c := &Candidate{
			PositionUID: email, PartnerCandidateID: key, FirstName: status, LastName: country,
			Email: email, LinkedInURL: linkedIn, ProspectStatus: status,
			Resume: &File{Path: file, Size: int64(len(link))}, Picture: &File{Path: file, Name: key},
			Links: []Link{{URL: link}, {URL: linkedIn}}, Files: []*File{{Path: file}, nil},
			SourceContact: &SourceContact{FullName: key, Email: link},
			Address:       &Address{Country: country}, CustomFields: map[string]string{key: email},
		}
		r := &Rules{CustomFields: []string{"field1", status}, MaxFileSize: 10}
		for _, p := range r.Check(c) {
			if p.Field == "" || p.Code == "" || !strings.HasPrefix(p.Message, p.Field) {
				t.Errorf("malformed problem %+v", p)
			}
		}
		r.Normalize(c)
		once := rulesClone(c)
		r.Normalize(c)
		if !reflect.DeepEqual(once, c) {
			t.Errorf("Normalize is not idempotent:\nonce  %+v\ntwice %+v", once, c)
		}
		_ = r.Check(c)
		fuzzEmailAgreesWithNetMail(t, email)
		fuzzURLAgreesWithNetURL(t, link)
		fuzzURLAgreesWithNetURL(t, linkedIn)
	})
}

// rulesClone copies a candidate deeply enough that normalizing the copy
// leaves the original untouched.
func rulesClone(c *Candidate) *Candidate {
	d := *c
	d.Links = slices.Clone(c.Links)
	d.CustomFields = maps.Clone(c.CustomFields)
	d.Files = nil
	for _, f := range c.Files {
		d.Files = append(d.Files, clonePtr(f))
	}
	d.Resume, d.Picture = clonePtr(c.Resume), clonePtr(c.Picture)
	d.SourceContact, d.Address = clonePtr(c.SourceContact), clonePtr(c.Address)
	return &d
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func fuzzEmailAgreesWithNetMail(t *testing.T, s string) {
	if !validEmail(s) {
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		t.Errorf("validEmail(%q) = true but mail.ParseAddress gives %v, %v", s, a, err)
	}
}

func fuzzURLAgreesWithNetURL(t *testing.T, s string) {
	host, _, ok := splitHTTPURL(s)
	if !ok {
		return
	}
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https") || u.Hostname() != host {
		t.Errorf("validHTTPURL(%q) = true but url.Parse gives %v, %v", s, u, err)
	}
}

// Reason words a problem without its field or value, for a caller that
// names them in its user's terms, and suggests what to type.
func TestProblemReason(t *testing.T) {
	r := DefaultRules()
	c := &Candidate{PositionUID: "1", PartnerCandidateID: "a", FirstName: "Ana", LastName: "Lima",
		Email: "ana-at-example", Address: &Address{Country: "United Stats"}}
	r.Normalize(c)
	ps := r.Check(c)
	want := map[string]string{
		FieldEmail:   "not an e-mail address (name@example.com)",
		FieldCountry: `not a country; did you mean "United States"? type its code "US"`,
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(ps), len(want), ps)
	}
	for _, p := range ps {
		if p.Reason != want[p.Field] {
			t.Errorf("%s: got reason %q, want %q", p.Field, p.Reason, want[p.Field])
		}
		if strings.Contains(p.Reason, p.Field) {
			t.Errorf("%s: the reason names the field: %q", p.Field, p.Reason)
		}
	}
}

func TestNearestCountry(t *testing.T) {
	tests := []struct {
		in, want, name string
		ok             bool
	}{
		{"United Stats", "US", "United States", true},
		{"isreal", "IL", "Israel", true},
		{"Germny", "DE", "Germany", true},
		{"Atlantis", "", "", false},
		{"zz", "", "", false},
	}
	for _, tt := range tests {
		got, name, ok := NearestCountry(tt.in)
		if got != tt.want || name != tt.name || ok != tt.ok {
			t.Errorf("NearestCountry(%q) = %q, %q, %v; want %q, %q, %v", tt.in, got, name, ok, tt.want, tt.name, tt.ok)
		}
	}
}

func TestLooksLikeUID(t *testing.T) {
	for s, want := range map[string]bool{
		"11.11": true, "31.A7": true, "00.AAA": true, "D2.94E.1": true,
		"Backend Engineer": false, "QA": false, "11.": false, ".11": false,
		"Sr. Engineer": false, "v2.0 lead": false, "": false, "11,11": false,
	} {
		if got := LooksLikeUID(s); got != want {
			t.Errorf("LooksLikeUID(%q) = %v, want %v", s, got, want)
		}
	}
}
