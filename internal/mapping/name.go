package mapping

import (
	"errors"
	"strings"
	"unicode"
)

// Faults of a whole name that cannot be split without guessing.
var (
	errNameEmpty    = errors.New("empty")
	errNameOneWord  = errors.New("a single word")
	errNameCommas   = errors.New("with more than one comma")
	errNameNoGiven  = errors.New("with nothing on one side of its comma")
	errNameAllTitle = errors.New("only a suffix")
)

// splitName splits a person's whole name, as one column of an export holds
// it, into first, middle and last name. It takes:
//   - "Dana Levi", "Dana Marie Levi" (middle names between), "Dana M. Levi";
//   - "Levi, Dana" and "Levi, Dana Marie" (last name before the comma);
//   - "LEVI Dana", "VAN DER BERG Anna" (a surname written in capitals before
//     a given name that is not: the French and administrative habit), and
//     "Dana LEVI COHEN" (capitals after);
//   - surname particles written in lower case ("Ludwig van Beethoven",
//     "Juan de la Cruz") and suffixes ("Dana Levi Jr.") in the last name;
//   - any script ("דנה לוי" is first דנה, last לוי: scripts without case are
//     read first name first) and any run of spaces;
//   - titles before a name ("Dr. Kenji Patel", "Mrs Dana Levi", "Herr Max
//     Müller", "הרב דוד כהן"), dropped: a title is not a given name;
//   - a surname with its particle first ("de la Cruz Maria", "van Dijk Jan").
//
// It refuses, rather than guesses, an empty cell, a single word ("Madonna")
// and more than one comma. A leading word in capitals of two letters ("JJ
// Abrams") is read as a given name: initials are more common than
// two-letter surnames written in capitals.
func splitName(s string) (first, middle, last string, err error) {
	if strings.Count(s, ",") > 1 {
		return "", "", "", errNameCommas
	}
	if before, after, ok := strings.Cut(s, ","); ok {
		given := dropTitles(strings.Fields(after))
		if len(given) == 1 && isSuffix(given[0]) {
			return splitName(before + " " + given[0])
		}
		family := dropTitles(strings.Fields(before))
		if n := len(given); n > 1 && isSuffix(given[n-1]) {
			family, given = append(family, given[n-1]), given[:n-1]
		}
		if len(family) == 0 || len(given) == 0 {
			return "", "", "", errNameNoGiven
		}
		return given[0], strings.Join(given[1:], " "), strings.Join(family, " "), nil
	}
	words := dropTitles(strings.Fields(s))
	switch len(words) {
	case 0:
		return "", "", "", errNameEmpty
	case 1:
		if isSuffix(words[0]) {
			return "", "", "", errNameAllTitle
		}
		return "", "", "", errNameOneWord
	case 2:
		if isSuffix(words[1]) {
			return "", "", "", errNameOneWord
		}
	}
	// A surname led by its particle: "de la Cruz Maria".
	if particles[words[0]] {
		n := 0
		for n < len(words)-1 && particles[words[n]] {
			n++
		}
		if n+1 < len(words) {
			rest := words[n+1:]
			return rest[0], strings.Join(rest[1:], " "), strings.Join(words[:n+1], " "), nil
		}
	}
	// A surname in capitals first: "LEVI Dana", "VAN DER BERG Anna".
	lead := 0
	for lead < len(words) && isUpperWord(words[lead]) {
		lead++
	}
	if lead > 0 && lead < len(words) && letters(words[0]) >= 3 {
		rest := words[lead:]
		return rest[0], strings.Join(rest[1:], " "), strings.Join(words[:lead], " "), nil
	}
	// Given names first. The last name starts at the trailing words in
	// capitals, else at a lower-case particle, else at the last word; a
	// suffix stays with it.
	end := len(words)
	if end > 2 && isSuffix(words[end-1]) {
		end--
	}
	start := end - 1
	if lead == 0 {
		for start > 1 && isUpperWord(words[start-1]) && isUpperWord(words[start]) {
			start--
		}
	}
	for i := 1; i < start; i++ {
		if particles[words[i]] {
			start = i
			break
		}
	}
	return words[0], strings.Join(words[1:start], " "), strings.Join(words[start:], " "), nil
}

// particles start a last name when written in lower case.
var particles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "da": true, "del": true,
	"della": true, "di": true, "du": true, "dos": true, "das": true, "le": true, "la": true,
	"ter": true, "ten": true, "bin": true, "ibn": true, "al": true, "el": true, "y": true,
	"ben": true, "bat": true, "bint": true, "abu": true, "dei": true, "degli": true, "des": true,
	"zu": true, "vom": true, "zum": true, "zur": true, "op": true,
}

// titles are the honorifics written before a name, in lower case and
// without their dot: English, and the forms of the languages exports come
// in most (German, French, Spanish, Italian, Portuguese, Dutch, Polish,
// Hebrew, Russian). "Don" and "M." are left out: a first name and an initial
// far more often than a title.
var titles = map[string]bool{
	"dr": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "prof": true,
	"professor": true, "rabbi": true, "rav": true, "sir": true, "dame": true, "lord": true,
	"lady": true, "rev": true, "fr": true, "herr": true, "frau": true, "hr": true, "mme": true,
	"mlle": true, "monsieur": true, "madame": true, "sr": true, "sra": true, "srta": true,
	"dra": true, "dott": true, "dottssa": true, "dott.ssa": true, "ing": true, "dhr": true,
	"mevr": true, "mgr": true, "pan": true, "pani": true, "prof.dr": true, "dr.med": true,
	"מר": true, "גב'": true, "גברת": true, "ד\"ר": true, "ד״ר": true, "פרופ'": true,
	"פרופסור": true, "הרב": true, "עו\"ד": true, "г-н": true, "г-жа": true,
}

// dropTitles removes the honorifics that lead words ("Dr. Kenji Patel",
// "Prof. Dr. Anna Weber"), and keeps them when nothing else would be left.
func dropTitles(words []string) []string {
	n := 0
	for n < len(words) && titles[strings.ToLower(strings.TrimSuffix(words[n], "."))] {
		n++
	}
	if n == len(words) {
		return words
	}
	return words[n:]
}

// isSuffix reports a generational or academic suffix that belongs with the
// last name.
func isSuffix(w string) bool {
	switch strings.ToLower(strings.TrimSuffix(w, ".")) {
	case "jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa":
		return true
	}
	return false
}

// isUpperWord reports a word of two letters or more written in capitals:
// some cased letter and no lower-case one. Words of scripts without case
// (Hebrew, Arabic, Chinese) are never in capitals.
func isUpperWord(w string) bool {
	cased := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			return false
		case unicode.IsUpper(r):
			cased++
		}
	}
	return cased >= 2
}

func letters(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
