package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/source"
)

// appendLine appends the result as one CSV line in dialect d (checked),
// byte for byte what encoding/csv writes for r.appendRecord after
// neutralisation, without its per-cell and per-number allocations: a
// million-row dry run writes a million of these on one goroutine.
func (r *Result) appendLine(dst []byte, d Dialect) []byte {
	comma := byte(d.Comma)
	dst = strconv.AppendInt(dst, int64(r.Row), 10)
	dst = append(dst, comma)
	dst = strconv.AppendInt(dst, int64(r.Line), 10)
	for _, s := range [...]string{r.PartnerCandidateID, r.PositionUID, r.FirstName, r.LastName, r.Email, string(r.Outcome), r.CandidateUID} {
		dst = appendCell(append(dst, comma), s, d)
	}
	dst = append(dst, comma)
	if r.HTTPStatus != 0 {
		dst = strconv.AppendInt(dst, int64(r.HTTPStatus), 10)
	}
	dst = appendCell(append(dst, comma), r.ErrorCode, d)
	dst = appendCell(append(dst, comma), r.Message, d)
	dst = append(dst, comma)
	dst = strconv.AppendInt(dst, int64(r.Attempts), 10)
	return append(dst, d.eol()...)
}

// appendRecord appends cells as one CSV line in dialect d, neutralised.
func appendRecord(dst []byte, cells []string, d Dialect) []byte {
	for i, c := range cells {
		if i > 0 {
			dst = append(dst, byte(d.Comma))
		}
		dst = appendCell(dst, c, d)
	}
	return append(dst, d.eol()...)
}

// appendCell appends s neutralised (see Neutralize) and quoted where
// encoding/csv would quote it.
func appendCell(dst []byte, s string, d Dialect) []byte {
	prefix := source.NeedsGuard(s)
	if !cellNeedsQuotes(s, prefix, byte(d.Comma)) {
		if prefix {
			dst = append(dst, '\'')
		}
		return append(dst, s...)
	}
	dst = append(dst, '"')
	if prefix {
		dst = append(dst, '\'')
	}
	if d.CRLF && strings.ContainsAny(s, "\r\n") {
		return append(appendQuotedCRLF(dst, s), '"')
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
func cellNeedsQuotes(s string, prefix bool, comma byte) bool {
	if s == "" {
		return false
	}
	if !prefix && s == `\.` {
		return true
	}
	if strings.IndexByte(s, comma) >= 0 || strings.ContainsAny(s, "\"\r\n") {
		return true
	}
	if prefix {
		return false // the cell starts with the apostrophe
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// appendQuotedCRLF appends the inside of a quoted cell the way encoding/csv
// does with UseCRLF: quotes doubled, \n written as \r\n, a lone \r dropped.
func appendQuotedCRLF(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			dst = append(dst, '"', '"')
		case '\r':
		case '\n':
			dst = append(dst, '\r', '\n')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
