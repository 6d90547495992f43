package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// maxMessage is the most characters a row's message takes in the report
// and the errors file: the problems past it are counted, not told
// ("... and 3 more"), so that a cell stays readable.
const maxMessage = 300

// maxQuoted is the most characters of a cell quoted in a message.
const maxQuoted = 60

// wording words a row's problems in its user's terms: the input's column
// where the API field came from (with the field in brackets when the
// column's name does not say it), the cell's value as typed (not as it was
// normalised) and what to change. It is safe for concurrent use.
type wording struct {
	header []string
}

// message is the row's message: its problems in input terms, joined, cut at
// maxMessage characters with the count of those left out.
func (w wording) message(fields []string, ps []problem) string {
	var b strings.Builder
	for i, p := range ps {
		part := w.problem(fields, p)
		sep := ""
		if i > 0 {
			sep = "; "
		}
		rest := len(ps) - i
		more := ""
		if rest > 1 {
			more = fmt.Sprintf(" and %d more", rest-1)
		}
		if i > 0 && utf8.RuneCountInString(b.String())+len(sep)+utf8.RuneCountInString(part)+len(more) > maxMessage {
			fmt.Fprintf(&b, " and %d more", rest)
			break
		}
		b.WriteString(sep)
		b.WriteString(part)
	}
	return clipRunes(b.String(), maxMessage)
}

// problem is one problem in input terms: `Country "United Stats": not a
// country; did you mean "United States"? type its code "US"`. A problem of
// no column (a default value, the whole row) keeps the rules' own words.
func (w wording) problem(fields []string, p problem) string {
	if p.Column < 0 || p.Column >= len(w.header) {
		return p.String()
	}
	var b strings.Builder
	b.WriteString(w.column(p.Column, p.Field))
	if p.Column < len(fields) {
		if v := comeet.TrimCell(fields[p.Column]); v != "" {
			b.WriteString(" ")
			b.WriteString(strconv.Quote(clipRunes(fields[p.Column], maxQuoted)))
		}
	}
	b.WriteString(": ")
	if p.Reason != "" {
		b.WriteString(p.Reason)
	} else {
		b.WriteString(rest(p.Message, p.Field))
	}
	return b.String()
}

// rest is a message without what the wording already says: the field's
// name that leads it, and the value quoted after that.
func rest(msg, field string) string {
	msg = strings.TrimLeft(strings.TrimPrefix(msg, field), ": ")
	if q, err := strconv.QuotedPrefix(msg); err == nil {
		if r := strings.TrimLeft(msg[len(q):], ": "); r != "" {
			return r
		}
	}
	return msg
}

// column names the input column col, with the API field in brackets when
// the column's name does not already say it: "Country", "CV [resume]".
func (w wording) column(col int, field string) string {
	name := strings.TrimSpace(w.header[col])
	if name == "" {
		name = fmt.Sprintf("column %d", col+1)
	}
	if field == "" {
		return name
	}
	part, f := fold(lastPart(field)), fold(name)
	if strings.Contains(f, part) || strings.Contains(f, strings.TrimSuffix(part, "url")) {
		return name
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i] // the quoted cell tells which of its values
	}
	return name + " [" + field + "]"
}

// lastPart is the last part of a dotted field without its index:
// "source_contact.email" -> "email", "files[2]" -> "files".
func lastPart(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	return field
}

// fold keeps the letters and digits of s, in lower case: "E-mail" ->
// "email", "linkedin_url" -> "linkedinurl".
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// clipRunes cuts s to n characters, the last one an ellipsis.
func clipRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n-1 {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
