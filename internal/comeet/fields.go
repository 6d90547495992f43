package comeet

import "strings"

// The API's field names, as Comeet's Create a Candidate page spells them
// (nested ones dotted), in its order: the one list the rules, the mapping
// and the problems name fields by.
const (
	FieldPositionUID        = "position_uid"
	FieldPartnerCandidateID = "partner_candidate_id"
	FieldFirstName          = "first_name"
	FieldMiddleName         = "middle_name"
	FieldLastName           = "last_name"
	FieldEmail              = "email"
	FieldPhone              = "phone"
	FieldMobilePhone        = "mobile_phone"
	FieldNationalID         = "national_id"
	FieldLinkedInURL        = "linkedin_url"
	FieldSalaryExpectations = "salary_expectations"
	FieldProspectStatus     = "prospect_status"
	FieldResume             = "resume"
	FieldPicture            = "picture"
	FieldLinks              = "links"
	FieldFiles              = "files"
	FieldSourceFullName     = "source_contact.full_name"
	FieldSourceEmail        = "source_contact.email"
	FieldSourcePhone        = "source_contact.phone"
	FieldCountry            = "address.country"
	FieldCity               = "address.city"
	FieldState              = "address.state"
	FieldZip                = "address.zip"
	FieldStreet             = "address.street"
	FieldNote               = "note"
)

// CustomFieldsPrefix starts the name of a custom field: "custom_fields.team".
const CustomFieldsPrefix = "custom_fields."

// RequiredFields are the fields Comeet refuses a candidate without.
var RequiredFields = []string{FieldPositionUID, FieldPartnerCandidateID, FieldFirstName, FieldLastName}

// LooksLikeUID reports whether s has the shape of a Comeet uid ("11.11",
// "31.A7", "00.AAA"): groups of letters and digits joined by dots, with no
// space. A position_uid cell of another shape ("Backend Engineer") holds a
// position's name, which the run resolves through the positions list.
func LooksLikeUID(s string) bool {
	groups := strings.Split(s, ".")
	if len(groups) < 2 || len(s) > 32 {
		return false
	}
	for _, g := range groups {
		if g == "" {
			return false
		}
		for _, r := range g {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
				return false
			}
		}
	}
	return true
}

// TopField is the API field of a dotted name, as a patch sets it:
// "address.city" is address, "links[0].url" links.
func TopField(name string) string {
	if i := strings.IndexAny(name, ".["); i >= 0 {
		return name[:i]
	}
	return name
}
