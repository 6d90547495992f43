package mapping

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// checkValues validates value-map lines against the rules: each names a
// field that a rule feeds and that takes one value, holds the value it maps,
// and maps it once.
func checkValues(values []ValueMap, ruled map[string]int, locate func(int, error) error) ([]ValueMap, error) {
	var out []ValueMap
	seen := map[string]int{} // field + folded value -> index
	var errs []error
	for i, v := range values {
		v, err := checkValue(v, ruled)
		if err == nil {
			key := v.Field + "\x00" + foldValue(v.Value)
			if prev, dup := seen[key]; dup {
				where := strings.TrimSuffix(locate(prev, errors.New("")).Error(), ": ")
				err = fmt.Errorf("%s value %q is mapped twice (first on %s)", v.Field, v.Value, where)
			}
			seen[key] = i
		}
		if err != nil {
			errs = append(errs, locate(i, err))
			continue
		}
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}

func checkValue(v ValueMap, ruled map[string]int) (ValueMap, error) {
	if v.columnGiven {
		return v, errors.New("a line with a value or send maps one value of its field's column: leave its column and default empty (the column is on the field's own line)")
	}
	t, err := parseField(v.Field)
	if err != nil {
		return v, err
	}
	v = ValueMap{Field: t.name(), Value: trim(v.Value), Send: trim(v.Send), Note: v.Note}
	switch {
	case t.kind.multi() || t.kind == kindFullName || t.kind == kindResume || t.kind == kindPicture:
		return v, fmt.Errorf("field %s does not take a value map", v.Field)
	case v.Value == "":
		return v, fmt.Errorf("a value line for %s needs the value it maps in the value column (or %s for every other value)", v.Field, OtherValues)
	}
	if _, ok := ruled[v.Field]; !ok {
		return v, fmt.Errorf("%s has value lines but no line giving its column (add %s,<column>,)", v.Field, v.Field)
	}
	return v, checkSend(t.kind, v)
}

// checkSend refuses a line that sends a value its field's closed set does
// not hold: every row it matched would be invalid.
func checkSend(k kind, v ValueMap) error {
	auto := autoValue(k)
	if auto == nil || v.Send == "" {
		return nil
	}
	if _, ok := auto(v.Send); ok {
		return nil
	}
	takes := "send one of " + strings.Join(comeet.ProspectStatuses, ", ")
	if k == kindCountry {
		takes = "send an ISO 3166 code (NL) or a country's English name"
	}
	return fmt.Errorf("%s value line sends %q, which %s does not take: %s", v.Field, v.Send, v.Field, takes)
}

// foldValue folds a cell value for value-map lookups: lower case, with
// runs of spaces, underscores and hyphens made one space, trimmed.
func foldValue(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '\u00a0' {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// valueMap is a field's value lines ready for lookups, plus what the field
// knows by itself: Comeet's spellings of a status, the countries.
type valueMap struct {
	to     map[string]string // folded value -> what to send ("" drops it)
	other  string            // what to send for an unmapped value
	hasAny bool              // a "*" line exists
	// auto recognises a value without a line: a country name, a status in
	// any case. nil for fields with no closed set.
	auto func(string) (string, bool)
	// spellingOnly says auto only respells a value (a status in another
	// case or spacing), which the field rules do too.
	spellingOnly bool
}

// mapOutcome is what a valueMap made of a cell.
type mapOutcome uint8

const (
	mapSend    mapOutcome = iota // send the value returned
	mapDropped                   // dropped on purpose by a line
	mapWarn                      // unmapped, dropped by the "*" line: warn
)

// autoValue is the built-in recognition of a field's closed set of values.
func autoValue(k kind) func(string) (string, bool) {
	switch k {
	case kindCountry:
		return comeet.LookupCountry
	case kindProspectStatus:
		return comeet.CanonicalProspectStatus
	}
	return nil
}

// newValueMap builds the lookup for field t from m's value lines; it returns
// nil when t has none and no built-in recognition.
func newValueMap(t target, values []ValueMap) *valueMap {
	vm := &valueMap{auto: autoValue(t.kind), spellingOnly: t.kind == kindProspectStatus}
	name := t.name()
	for _, v := range values {
		if v.Field != name {
			continue
		}
		if v.Value == OtherValues {
			vm.other, vm.hasAny = v.Send, true
			continue
		}
		if vm.to == nil {
			vm.to = map[string]string{}
		}
		vm.to[foldValue(v.Value)] = v.Send
	}
	if vm.to == nil && !vm.hasAny && vm.auto == nil {
		return nil
	}
	return vm
}

// maps reports whether a value line of the field maps v itself (a "*"
// line does not count); false for a nil map.
func (vm *valueMap) maps(v string) bool {
	if vm == nil || vm.to == nil {
		return false
	}
	_, ok := vm.to[foldValue(v)]
	return ok
}

// configured reports whether the field has value lines.
func (vm *valueMap) configured() bool { return vm.to != nil || vm.hasAny }

// apply maps one non-empty cell.
func (vm *valueMap) apply(v string) (string, mapOutcome) {
	if vm.to != nil {
		if send, ok := vm.to[foldValue(v)]; ok {
			if send == "" {
				return "", mapDropped
			}
			return vm.recognise(send), mapSend
		}
	}
	if vm.auto != nil {
		if got, ok := vm.auto(v); ok {
			if !vm.configured() && (vm.spellingOnly || strings.EqualFold(got, v)) {
				// A spelling the field rules canonicalise: kept as
				// written, at no cost on the per-row path.
				return v, mapSend
			}
			return got, mapSend
		}
	}
	switch {
	case vm.hasAny && vm.other != "":
		return vm.recognise(vm.other), mapSend
	case vm.hasAny:
		return "", mapWarn
	}
	// No line maps it: sent as written, so that the field rules refuse the
	// row (a status or a country outside the set) with the code Comeet
	// would answer, and Binder.Locate names the column.
	return v, mapSend
}

// recognise turns what a line sends into its canonical form when the field
// knows one ("not interested" -> "Not interested", "Israel" -> "IL"), so
// that a hand-written line need not spell it exactly.
func (vm *valueMap) recognise(s string) string {
	if vm.auto != nil {
		if got, ok := vm.auto(s); ok {
			return got
		}
	}
	return s
}

// FoldValue is the form in which value-map lines match cells: lower case,
// runs of spaces, underscores and hyphens made one space, trimmed. Two
// values of a column that fold alike share a value line.
func FoldValue(s string) string { return foldValue(s) }
