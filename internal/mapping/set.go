package mapping

import (
	"strings"
	"unicode"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// set puts a non-empty value into the field t names, creating the nested
// object it belongs to on first use so that an empty one stays nil.
func (b *Binder) set(c *comeet.Candidate, t target, v string) {
	switch t.kind {
	case kindPositionUID:
		c.PositionUID = v
	case kindPartnerCandidateID:
		c.PartnerCandidateID = v
	case kindFirstName:
		c.FirstName = v
	case kindMiddleName:
		c.MiddleName = v
	case kindLastName:
		c.LastName = v
	case kindEmail:
		c.Email = v
	case kindPhone:
		c.Phone = v
	case kindMobilePhone:
		c.MobilePhone = v
	case kindNationalID:
		c.NationalID = v
	case kindLinkedInURL:
		c.LinkedInURL = v
	case kindSalaryExpectations:
		c.SalaryExpectations = v
	case kindProspectStatus:
		c.ProspectStatus = v
	case kindNote:
		c.Note = v
	default:
		b.setNested(c, t, v)
	}
}

func (b *Binder) setNested(c *comeet.Candidate, t target, v string) {
	switch t.kind {
	case kindResume:
		c.Resume = &comeet.File{Path: v}
	case kindPicture:
		c.Picture = &comeet.File{Path: v}
	case kindLinks:
		eachValue(kindLinks, v, func(s string) { c.Links = append(c.Links, comeet.Link{URL: s}) })
	case kindFiles:
		eachValue(kindFiles, v, func(s string) { c.Files = append(c.Files, &comeet.File{Path: s}) })
	case kindSourceFullName, kindSourceEmail, kindSourcePhone:
		setSource(c, t.kind, v)
	case kindCountry, kindCity, kindState, kindZip, kindStreet:
		setAddress(c, t.kind, v)
	case kindCustom:
		if c.CustomFields == nil {
			c.CustomFields = make(map[string]string, b.customs)
		}
		c.CustomFields[t.key] = v
	}
}

func setSource(c *comeet.Candidate, k kind, v string) {
	if c.SourceContact == nil {
		c.SourceContact = &comeet.SourceContact{}
	}
	switch k {
	case kindSourceFullName:
		c.SourceContact.FullName = v
	case kindSourceEmail:
		c.SourceContact.Email = v
	case kindSourcePhone:
		c.SourceContact.Phone = v
	}
}

func setAddress(c *comeet.Candidate, k kind, v string) {
	if c.Address == nil {
		c.Address = &comeet.Address{}
	}
	switch k {
	case kindCountry:
		c.Address.Country = v
	case kindCity:
		c.Address.City = v
	case kindState:
		c.Address.State = v
	case kindZip:
		c.Address.Zip = v
	case kindStreet:
		c.Address.Street = v
	}
}

// valueSeparators split a links or files cell into its values.
const valueSeparators = ";|\n\r"

// eachValue calls add with every non-empty, trimmed value of a multi-value
// cell, in order. Values are separated by ';', '|' and line breaks, and by
// a comma where it cannot be part of a value (see commaSplits).
func eachValue(k kind, cell string, add func(string)) {
	for cell != "" {
		i := strings.IndexAny(cell, valueSeparators)
		if i < 0 {
			i = len(cell)
		}
		eachCommaValue(k, cell[:i], add)
		if i == len(cell) {
			return
		}
		cell = cell[i+1:]
	}
}

// eachCommaValue splits a value at the commas that separate values.
func eachCommaValue(k kind, s string, add func(string)) {
	from := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && commaSplits(k, s[from:i], s[i+1:]) {
			if v := trim(s[from:i]); v != "" {
				add(v)
			}
			from = i + 1
		}
	}
	if v := trim(s[from:]); v != "" {
		add(v)
	}
}

// commaSplits reports whether a comma between before and after separates
// two values. A comma may sit inside a URL's query ("?ids=1,2") and inside a
// file name ("Levi, Dana CV.pdf"), so:
//   - in links, a comma separates when a space follows it (a URL has no
//     raw space) or the next URL's scheme or "www." does;
//   - in files, a comma separates when the name before it ends with a file
//     extension (".pdf", ".docx"): "cv.pdf, cover.pdf" is two files, while
//     "Levi, Dana CV.pdf" is one.
func commaSplits(k kind, before, after string) bool {
	if k == kindFiles {
		return hasExtension(trim(before))
	}
	if after != "" && (after[0] == ' ' || after[0] == '\t') {
		return true
	}
	after = strings.ToLower(after)
	return strings.HasPrefix(after, "http://") || strings.HasPrefix(after, "https://") || strings.HasPrefix(after, "www.")
}

// hasExtension reports a name ending in a dot and one to five letters or
// digits, one at least a letter: "cv.pdf" and "a.mp4", not "v1.2".
func hasExtension(name string) bool {
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || len(name)-dot-1 < 1 || len(name)-dot-1 > 5 {
		return false
	}
	letter := false
	for _, r := range name[dot+1:] {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case !unicode.IsDigit(r):
			return false
		}
	}
	return letter
}
