package mapping

import (
	"cmp"
	"slices"
	"strings"
)

// FromHeader maps every column whose name is an API field name, ignoring
// case, spaces and punctuation ("First Name" feeds first_name,
// "Source Contact Email" feeds source_contact.email), and every column named
// custom_fields.<name>. Other columns are ignored. A field takes the first
// such column, except links and files, which take them all.
func FromHeader(header []string) *Mapping {
	p := newPlacer(header)
	p.pass(exactTarget)
	return p.mapping()
}

// Suggest proposes a mapping for a header: the names FromHeader takes, then
// common aliases ("Surname", "E-mail", "CV", "Recruiter"), then close
// spellings of either ("Emial"). A column feeds at most one field and a field
// takes at most one column, except links and files. unplaced lists, in header
// order, the non-blank columns it could not place. The mapping is a proposal
// for a person to review: write it out with Write and edit it.
func Suggest(header []string) (m *Mapping, unplaced []string) {
	p := newPlacer(header)
	p.pass(exactTarget)
	p.pass(aliasTarget)
	p.pass(closeTarget)
	return p.mapping(), p.unplaced()
}

// placement is one column placed on one field.
type placement struct {
	target target
	column int
}

// placer assigns header columns to fields, one pass per way of recognising
// a column, so that a better way always wins over a looser one.
type placer struct {
	columns []string // trimmed header names
	skip    []bool   // blank, a repeated name, or already placed
	taken   map[target]bool
	placed  []placement
	// fits, when set, vets a placement by the column's values.
	fits func(t target, column int) bool
}

func newPlacer(header []string) *placer {
	p := &placer{columns: make([]string, len(header)), skip: make([]bool, len(header)), taken: map[target]bool{}}
	seen := map[string]bool{}
	for i, h := range header {
		h = trim(h)
		p.columns[i] = h
		// A repeated name cannot be told apart from its first use by a
		// mapping, which names columns.
		p.skip[i] = h == "" || seen[h]
		seen[h] = true
	}
	return p
}

// pass places every free column that recognise maps to a free field.
func (p *placer) pass(recognise func(string) (target, bool)) {
	for i, col := range p.columns {
		if p.skip[i] {
			continue
		}
		t, ok := recognise(col)
		if !ok || (p.taken[t] && !t.kind.multi()) || (p.fits != nil && !p.fits(t, i)) {
			continue
		}
		p.taken[t] = true
		p.skip[i] = true
		p.placed = append(p.placed, placement{target: t, column: i})
	}
}

// mapping returns the placements as rules in the order of Fields, columns of
// one field in header order.
func (p *placer) mapping() *Mapping {
	p.preferSplitNames()
	placed := slices.Clone(p.placed)
	slices.SortStableFunc(placed, func(a, b placement) int {
		return cmp.Or(cmp.Compare(order(a.target.kind), order(b.target.kind)), cmp.Compare(a.column, b.column))
	})
	m := &Mapping{Rules: make([]Rule, 0, len(placed))}
	for _, pl := range placed {
		m.Rules = append(m.Rules, Rule{Field: pl.target.name(), Column: p.columns[pl.column]})
	}
	return m
}

// preferSplitNames drops a full_name placement when columns feed the
// names one by one: a mapping takes one or the other.
func (p *placer) preferSplitNames() {
	split := slices.ContainsFunc(p.placed, func(pl placement) bool {
		k := pl.target.kind
		return k == kindFirstName || k == kindMiddleName || k == kindLastName
	})
	if split {
		p.placed = slices.DeleteFunc(p.placed, func(pl placement) bool { return pl.target.kind == kindFullName })
	}
}

// order is a field's place in a proposed mapping: Fields order, full_name
// where the names it feeds are.
func order(k kind) kind {
	if k == kindFullName {
		return kindFirstName
	}
	return k
}

func (p *placer) unplaced() []string {
	p.preferSplitNames()
	var out []string
	for i, col := range p.columns {
		if col == "" {
			continue
		}
		if !slices.ContainsFunc(p.placed, func(pl placement) bool { return pl.column == i }) {
			out = append(out, col)
		}
	}
	return out
}

// exactTarget recognises an API field name or a custom_fields.<name> column.
func exactTarget(col string) (target, bool) {
	if prefix, key, ok := strings.Cut(col, "."); ok && normalize(prefix) == "customfields" {
		t, err := parseCustom(col, trim(key))
		return t, err == nil
	}
	k, ok := kindByNorm[normalize(col)]
	return target{kind: k}, ok
}

func aliasTarget(col string) (target, bool) {
	k, ok := kindByAlias[normalize(col)]
	return target{kind: k}, ok
}

// closeTarget recognises a close spelling of a field name or an alias. A
// column equally close to two fields is left for a person to place.
func closeTarget(col string) (target, bool) {
	n := normalize(col)
	limit := closeDistance(n)
	if limit == 0 || notClose[n] {
		return target{}, false
	}
	best, bestDist, tie := kind(0), limit+1, false
	size := len([]rune(n))
	for name, k := range kindByAny {
		if diff := size - len([]rune(name)); diff > limit || -diff > limit {
			continue // too far apart in length to be within the limit
		}
		d := distance(n, name)
		switch {
		case d < bestDist:
			best, bestDist, tie = k, d, false
		case d == bestDist && k != best:
			tie = true
		}
	}
	if bestDist > limit || tie {
		return target{}, false
	}
	return target{kind: best}, true
}

// aliases are the column names people commonly use for each field. They
// are compared normalized, so one spelling stands for "E-mail address",
// "Email Address" and "email_address".
var aliases = map[kind][]string{
	kindPositionUID:        {"Position", "Position ID", "Job ID", "Job", "Job code", "Requisition ID"},
	kindPartnerCandidateID: {"ID", "Candidate ID", "External ID", "Partner ID", "Applicant ID", "Candidate number"},
	kindFirstName:          {"First", "Given name", "Forename", "Christian name"},
	kindMiddleName:         {"Middle", "Middle initial"},
	kindLastName:           {"Last", "Surname", "Family name"},
	kindEmail:              {"Email address", "Mail", "Personal email", "אימייל", "מייל", "דואל", "דואר אלקטרוני"},
	kindPhone:              {"Telephone", "Tel", "Phone number", "Telephone number", "Home phone", "Work phone", "טלפון"},
	kindMobilePhone:        {"Mobile", "Cell", "Cell phone", "Mobile number", "Cell number", "נייד", "טלפון נייד"},
	kindNationalID:         {"Passport", "Passport number", "SSN", "ID number", "Identity number"},
	kindLinkedInURL:        {"LinkedIn", "LinkedIn profile", "LinkedIn link", "LinkedIn profile URL"},
	kindSalaryExpectations: {"Salary", "Expected salary", "Salary expectation", "Desired salary"},
	kindProspectStatus:     {"Status", "Candidate status", "סטטוס"},
	kindResume:             {"CV", "CV file", "Resume file", "Résumé"},
	kindPicture:            {"Photo", "Avatar", "Profile picture", "Photo file"},
	kindLinks:              {"Link", "Website", "Portfolio", "GitHub", "URLs"},
	kindFiles:              {"Attachments", "Attachment", "Documents", "Other files"},
	kindSourceFullName:     {"Recruiter", "Recruiter name", "Source", "Source name", "Agency contact", "Source contact", "Headhunter", "Referrer", "Owner", "Owner name", "Candidate owner", "Sourcer"},
	kindSourceEmail:        {"Recruiter email", "Source email", "Agency contact email", "Headhunter email", "Referrer email", "Owner email", "Candidate owner email", "Sourcer email"},
	kindSourcePhone:        {"Recruiter phone", "Source phone", "Agency contact phone", "Headhunter phone", "Referrer phone", "Owner phone"},
	kindCountry:            {"Country", "Country code", "Nationality country", "מדינה", "ארץ"},
	kindCity:               {"City", "Town", "עיר", "יישוב"},
	kindState:              {"State", "Region", "Province"},
	kindZip:                {"Zip", "Zip code", "Postal code", "Postcode"},
	kindStreet:             {"Street", "Address", "Street address", "Address line 1"},
	kindNote:               {"Notes", "Comment", "Comments", "Remarks", "Summary"},
	kindFullName:           {"Name", "Candidate name", "Candidate", "Applicant name", "Applicant", "Candidate full name", "Contact name", "Person", "שם", "שם מלא", "שם המועמד"},
}

// notClose are names that look like a field's but mean something else, so
// they are never taken for a close spelling.
var notClose = map[string]bool{
	"stage":  true, // a pipeline stage, not address.state
	"score":  true, // not source
	"county": true, // not country
	"title":  true,
	"notice": true, // a notice period, not note(s)
}

var kindByAlias = func() map[string]kind {
	m := map[string]kind{}
	for k, names := range aliases {
		for _, name := range names {
			m[normalize(name)] = k
		}
	}
	return m
}()

// kindByAny finds a fixed field by its normalized name or alias.
var kindByAny = func() map[string]kind {
	m := make(map[string]kind, len(kindByNorm)+len(kindByAlias))
	for n, k := range kindByNorm {
		m[n] = k
	}
	for n, k := range kindByAlias {
		m[n] = k
	}
	return m
}()
