package mapping

import (
	"fmt"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// CustomFieldPrefix starts a custom field's name: custom_fields.<name> sends
// <name>, as written, as a key of the candidate's custom_fields object.
const CustomFieldPrefix = comeet.CustomFieldsPrefix

// customPlaceholder stands for the custom field's name in Fields and Template.
const customPlaceholder = CustomFieldPrefix + "<name>"

// kind says where a field's value goes in a comeet.Candidate.
type kind uint8

const (
	kindPositionUID kind = iota
	kindPartnerCandidateID
	kindFirstName
	kindMiddleName
	kindLastName
	kindEmail
	kindPhone
	kindMobilePhone
	kindNationalID
	kindLinkedInURL
	kindSalaryExpectations
	kindProspectStatus
	kindResume
	kindPicture
	kindLinks
	kindFiles
	kindSourceFullName
	kindSourceEmail
	kindSourcePhone
	kindCountry
	kindCity
	kindState
	kindZip
	kindStreet
	kindCustom
	kindNote
	// kindFullName is not an API field: one column split into first,
	// middle and last name.
	kindFullName
)

// fieldNames are the API names in the seed's order, indexed by kind; the
// custom field entry is the placeholder of its pattern.
var fieldNames = [...]string{
	kindPositionUID:        comeet.FieldPositionUID,
	kindPartnerCandidateID: comeet.FieldPartnerCandidateID,
	kindFirstName:          comeet.FieldFirstName,
	kindMiddleName:         comeet.FieldMiddleName,
	kindLastName:           comeet.FieldLastName,
	kindEmail:              comeet.FieldEmail,
	kindPhone:              comeet.FieldPhone,
	kindMobilePhone:        comeet.FieldMobilePhone,
	kindNationalID:         comeet.FieldNationalID,
	kindLinkedInURL:        comeet.FieldLinkedInURL,
	kindSalaryExpectations: comeet.FieldSalaryExpectations,
	kindProspectStatus:     comeet.FieldProspectStatus,
	kindResume:             comeet.FieldResume,
	kindPicture:            comeet.FieldPicture,
	kindLinks:              comeet.FieldLinks,
	kindFiles:              comeet.FieldFiles,
	kindSourceFullName:     comeet.FieldSourceFullName,
	kindSourceEmail:        comeet.FieldSourceEmail,
	kindSourcePhone:        comeet.FieldSourcePhone,
	kindCountry:            comeet.FieldCountry,
	kindCity:               comeet.FieldCity,
	kindState:              comeet.FieldState,
	kindZip:                comeet.FieldZip,
	kindStreet:             comeet.FieldStreet,
	kindCustom:             customPlaceholder,
	kindNote:               comeet.FieldNote,
	kindFullName:           FullName,
}

// FullName is the pseudo-field that feeds first_name, middle_name and
// last_name from one column holding a person's whole name.
const FullName = "full_name"

// Fields returns every field name a mapping accepts, in the order of Comeet's
// Create a Candidate page. Custom fields appear once, as the pattern
// "custom_fields.<name>", where <name> is the custom field's name in Comeet.
func Fields() []string {
	return append([]string(nil), fieldNames[:kindNote+1]...)
}

// multi reports whether a field takes several values (from one cell split on
// separators, and from several rules).
func (k kind) multi() bool { return k == kindLinks || k == kindFiles }

// target is a parsed field name: its kind and, for a custom field, its key.
type target struct {
	kind kind
	key  string
}

// name returns the canonical field name.
func (t target) name() string {
	if t.kind == kindCustom {
		return CustomFieldPrefix + t.key
	}
	return fieldNames[t.kind]
}

// parseField reads a field name as a mapping file writes it. The fixed names
// are matched ignoring case, spaces and punctuation; a custom field keeps its
// key as written after the first dot.
func parseField(s string) (target, error) {
	s = trim(s)
	if s == "" {
		return target{}, fmt.Errorf("empty field")
	}
	if prefix, key, ok := strings.Cut(s, "."); ok && normalize(prefix) == "customfields" {
		return parseCustom(s, trim(key))
	}
	if k, ok := kindByNorm[normalize(s)]; ok {
		return target{kind: k}, nil
	}
	if hint := closestField(s); hint != "" {
		return target{}, fmt.Errorf("unknown field %q; did you mean %s?", s, hint)
	}
	return target{}, fmt.Errorf("unknown field %q", s)
}

func parseCustom(s, key string) (target, error) {
	switch {
	case key == "":
		return target{}, fmt.Errorf("field %q: a custom field needs its name after the dot, as in custom_fields.salary_currency", s)
	case key == "<name>":
		return target{}, fmt.Errorf("field %q: replace <name> with the custom field's name in Comeet", s)
	}
	return target{kind: kindCustom, key: key}, nil
}

// kindByNorm finds a fixed field by its normalized name.
var kindByNorm = func() map[string]kind {
	m := make(map[string]kind, len(fieldNames))
	for k, name := range fieldNames {
		if kind(k) != kindCustom {
			m[normalize(name)] = kind(k)
		}
	}
	return m
}()

// closestField names the API field closest to a misspelt one, or "".
func closestField(s string) string {
	if prefix, key, ok := strings.Cut(s, "."); ok && key != "" &&
		distance(normalize(prefix), "customfields") <= 2 {
		return CustomFieldPrefix + key
	}
	n := normalize(s)
	best, bestDist := "", hintDistance(n)+1
	for k, name := range fieldNames {
		if kind(k) == kindCustom {
			continue
		}
		if d := distance(n, normalize(name)); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}
