package ledger

import (
	"slices"
	"strconv"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// eachField calls fn for every non-file value of c as it goes on the wire,
// in a fixed order (the order of comeet.Candidate's fields, links by index,
// custom fields by name), with the dotted names of Sent.Fields. A value
// the wire omits when empty is skipped when empty; the four required
// fields and every custom field are always there, as in the JSON body.
//
// The order is part of the fingerprint (FingerprintVersion): changing it
// changes every fingerprint. TestEachFieldMatchesJSON checks that it names
// exactly what the JSON body holds, so a field added to comeet.Candidate
// without a line here fails a test.
func eachField(c *comeet.Candidate, fn func(name, value string)) {
	opt := func(name, v string) {
		if v != "" {
			fn(name, v)
		}
	}
	fn("position_uid", c.PositionUID)
	fn("partner_candidate_id", c.PartnerCandidateID)
	fn("first_name", c.FirstName)
	opt("middle_name", c.MiddleName)
	fn("last_name", c.LastName)
	opt("email", c.Email)
	opt("phone", c.Phone)
	opt("mobile_phone", c.MobilePhone)
	opt("national_id", c.NationalID)
	opt("linkedin_url", c.LinkedInURL)
	opt("salary_expectations", c.SalaryExpectations)
	opt("prospect_status", c.ProspectStatus)
	for i, l := range c.Links {
		fn("links["+strconv.Itoa(i)+"].url", l.URL)
	}
	if s := c.SourceContact; s != nil {
		opt("source_contact.full_name", s.FullName)
		opt("source_contact.email", s.Email)
		opt("source_contact.phone", s.Phone)
	}
	if a := c.Address; a != nil {
		opt("address.country", a.Country)
		opt("address.city", a.City)
		opt("address.state", a.State)
		opt("address.zip", a.Zip)
		opt("address.street", a.Street)
	}
	names := make([]string, 0, len(c.CustomFields))
	for k := range c.CustomFields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fn("custom_fields."+k, c.CustomFields[k])
	}
	opt("note", c.Note)
}

// fieldNames is the dictionary of the fields record: a name's code is its
// index plus one. Append only: a code that has been written is never
// given to another name.
var fieldNames = []string{
	"position_uid", "partner_candidate_id", "first_name", "middle_name",
	"last_name", "email", "phone", "mobile_phone", "national_id",
	"linkedin_url", "salary_expectations", "prospect_status",
	"source_contact.full_name", "source_contact.email", "source_contact.phone",
	"address.country", "address.city", "address.state", "address.zip",
	"address.street", "note", "links[0].url", "links[1].url", "links[2].url",
}

var fieldCodes = func() map[string]byte {
	m := make(map[string]byte, len(fieldNames))
	for i, n := range fieldNames {
		m[n] = byte(i + 1)
	}
	return m
}()
