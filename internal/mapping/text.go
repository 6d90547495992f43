package mapping

import (
	"strings"
	"unicode"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// trim is comeet.TrimCell: white space and the invisible characters
// spreadsheets leave behind, at both ends.
func trim(s string) string { return comeet.TrimCell(s) }

// normalize folds a name for comparison: lower case, letters and digits only,
// so "E-mail", "e_mail" and "E Mail" agree.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Closeness limits: a name of at least closeMinLen letters may differ from
// the name it matches by up to closeMaxDistance edits.
const (
	closeMinLen      = 5
	closeMaxDistance = 2
)

// closeDistance is the largest edit distance at which Suggest takes a
// normalized header name for another: 0 (exact) for short names.
func closeDistance(n string) int {
	if len([]rune(n)) >= closeMinLen {
		return closeMaxDistance
	}
	return 0
}

// hintDistance is the largest distance at which an error message proposes a
// spelling. A wrong hint costs little, so short names get one edit.
func hintDistance(n string) int {
	if d := closeDistance(n); d > 0 {
		return d
	}
	return 1
}

// distance is comeet.EditDistance: swaps of neighbours count as one edit.
func distance(a, b string) int { return comeet.EditDistance(a, b) }
