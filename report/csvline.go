package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/source"
)

// appendLine appends the result as one CSV line, byte for byte what
// encoding/csv writes for r.appendRecord after neutralisation, without its
// per-cell and per-number allocations: a million-row dry run writes a
// million of these on one goroutine.
func (r *Result) appendLine(dst []byte) []byte {
	dst = strconv.AppendInt(dst, int64(r.Row), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(r.Line), 10)
	for _, s := range [...]string{r.PartnerCandidateID, r.PositionUID, r.FirstName, r.LastName, r.Email, string(r.Outcome), r.CandidateUID} {
		dst = appendCell(append(dst, ','), s)
	}
	dst = append(dst, ',')
	if r.HTTPStatus != 0 {
		dst = strconv.AppendInt(dst, int64(r.HTTPStatus), 10)
	}
	dst = appendCell(append(dst, ','), r.ErrorCode)
	dst = appendCell(append(dst, ','), r.Message)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(r.Attempts), 10)
	return append(dst, '\n')
}

// appendCell appends s neutralised (see Neutralize) and quoted where
// encoding/csv would quote it.
func appendCell(dst []byte, s string) []byte {
	prefix := s != "" && source.FormulaStart(s[0])
	if !cellNeedsQuotes(s, prefix) {
		if prefix {
			dst = append(dst, '\'')
		}
		return append(dst, s...)
	}
	dst = append(dst, '"')
	if prefix {
		dst = append(dst, '\'')
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, '"')
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, '"')
}

// cellNeedsQuotes is encoding/csv's rule for a comma-separated cell, applied
// to the cell as written (with the apostrophe when prefix is set).
func cellNeedsQuotes(s string, prefix bool) bool {
	if s == "" {
		return false
	}
	if !prefix && s == `\.` {
		return true
	}
	if strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	if prefix {
		return false // the cell starts with the apostrophe
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
