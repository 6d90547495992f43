package mapping

import (
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
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
		eachValue(v, func(s string) { c.Links = append(c.Links, comeet.Link{URL: s}) })
	case kindFiles:
		eachValue(v, func(s string) { c.Files = append(c.Files, &comeet.File{Path: s}) })
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
// cell, in order.
func eachValue(cell string, add func(string)) {
	for cell != "" {
		i := strings.IndexAny(cell, valueSeparators)
		if i < 0 {
			i = len(cell)
		}
		if v := trim(cell[:i]); v != "" {
			add(v)
		}
		if i == len(cell) {
			return
		}
		cell = cell[i+1:]
	}
}
