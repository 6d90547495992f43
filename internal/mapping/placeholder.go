package mapping

import (
	"fmt"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// CodePlaceholder is the code of a warning: an optional field's cell held a
// placeholder ("N/A", "Remote", "-") rather than a value, and the field was
// sent empty.
const CodePlaceholder = "placeholder"

// placeholders are what exports write in a cell that has no value, in
// lower case.
var placeholders = setOf("n/a", "n.a.", "n.a", "n\\a", "none", "nil", "null", "unknown", "tbd", "tba",
	"tbc", "?", "??", "???", "-", "--", "---", "—", "–", ".", "not applicable", "not available", "not specified",
	"unspecified", "not provided", "no data", "#n/a", "לא ידוע", "אין")

// placeAddress are the placeholders of an address only: "Remote" is no
// place, but may be the value of a custom field.
var placeAddress = setOf("remote", "remote only", "anywhere", "worldwide", "global", "various", "multiple", "online")

// maxPlaceholder is the longest placeholder, in bytes: a longer cell is a
// value, decided without looking further (the check runs on every cell).
const maxPlaceholder = 16

// isPlaceholder reports whether a cell of a field of kind k holds a
// placeholder rather than a value. Case does not matter; it does not
// allocate.
func isPlaceholder(k kind, v string) bool {
	if len(v) > maxPlaceholder {
		return false
	}
	var buf [maxPlaceholder]byte
	for i := range len(v) {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	f := buf[:len(v)]
	if placeholders[string(f)] {
		return true
	}
	switch k {
	case kindCountry, kindCity, kindState, kindZip, kindStreet:
		return placeAddress[string(f)]
	}
	return false
}

// placeholderApplies reports the fields whose placeholders are sent empty: the
// optional fields with a form or a closed set, where a placeholder would
// make the row invalid or send a wrong value. A note and a custom field
// keep what they hold.
func placeholderApplies(k kind) bool {
	switch k {
	case kindNote, kindCustom, kindFullName:
		return false
	}
	return true
}

// requiredKind reports the fields Comeet refuses a candidate without.
func requiredKind(k kind) bool {
	switch k {
	case kindPositionUID, kindPartnerCandidateID, kindFirstName, kindLastName:
		return true
	}
	return false
}

// placeholder is the warning of an optional field's placeholder, sent
// empty, or the problem of a required field's (ok false).
func (b *Binder) placeholder(s *slot, v string) (p comeet.Problem, required bool) {
	field := s.target.name()
	if requiredKind(s.target.kind) {
		return comeet.Problem{Field: field, Code: comeet.CodeRequiredField, Message: fmt.Sprintf(
			"%s: %s holds %q, a placeholder, not a value: %s is required", field, b.columnOf(s), clip(v), field),
			Reason: fmt.Sprintf("a placeholder, not a value: %s is required", strings.ReplaceAll(field, "_", " "))}, true
	}
	return comeet.Problem{Field: field, Code: CodePlaceholder, Message: fmt.Sprintf(
		"%s: %s holds %q, a placeholder: sent without %s", field, b.columnOf(s), clip(v), fieldWords(s.target.kind)),
		Reason: "a placeholder: sent without " + fieldWords(s.target.kind)}, false
}

// fieldWords names a field as a person says it: "a country", "a phone".
func fieldWords(k kind) string {
	switch k {
	case kindCountry:
		return "a country"
	case kindEmail:
		return "an e-mail"
	case kindLinkedInURL:
		return "a LinkedIn URL"
	case kindProspectStatus:
		return "a prospect status"
	}
	name := fieldNames[k]
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return "a " + strings.ReplaceAll(name, "_", " ")
}
