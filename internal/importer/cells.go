package importer

import (
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/source"
)

// codeUncomputed is the error code of a row whose mapped cell is a formula
// with no saved value.
const codeUncomputed = "formula_without_value"

// cellUse knows, for each input column, what the workbook's notes about a
// cell mean for the field it feeds: a hyperlink gives a URL field its
// target, a General-format number in a phone field may have lost its
// leading zero, a formula without a value leaves a mapped field empty. An
// e-mail cell whose text is a label ("e-mail") takes its mailto: link's
// address.
type cellUse struct {
	header []string
	mapped []bool // the column feeds a field
	urls   []bool // the column feeds linkedin_url or links
	emails []bool // the column feeds an e-mail
	phones []bool // the column feeds a phone
}

func newCellUse(b *mapping.Binder, header []string) *cellUse {
	u := &cellUse{header: header, mapped: make([]bool, len(header)),
		urls: make([]bool, len(header)), emails: make([]bool, len(header)), phones: make([]bool, len(header))}
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[h] = i
	}
	for _, c := range b.Columns() {
		if i, ok := index[c]; ok {
			u.mapped[i] = true
		}
	}
	mark := func(into []bool, fields ...string) {
		for _, f := range fields {
			if c, ok := b.Column(f); ok {
				if i, ok := index[c]; ok {
					into[i] = true
				}
			}
		}
	}
	mark(u.urls, comeet.FieldLinkedInURL, comeet.FieldLinks)
	mark(u.emails, comeet.FieldEmail, comeet.FieldSourceEmail)
	mark(u.phones, comeet.FieldPhone, comeet.FieldMobilePhone, comeet.FieldSourcePhone)
	return u
}

// apply puts hyperlink targets in the URL cells whose text is a label, and
// returns the problem of a mapped formula cell without a value ("" if
// none) and the warnings about phones typed as numbers.
func (u *cellUse) apply(rec source.Record) (problem string, warnings []string) {
	warnings = u.scientificPhones(rec)
	n := rec.Notes
	if n == nil {
		return "", warnings
	}
	for i, target := range n.Links {
		if i >= len(rec.Fields) {
			continue
		}
		text := strings.TrimSpace(rec.Fields[i])
		switch {
		case u.is(u.urls, i) && isWebLink(target) && !isWebLink(text):
			rec.Fields[i] = target
		case u.is(u.emails, i) && !strings.Contains(text, "@"):
			if addr, ok := mailto(target); ok {
				rec.Fields[i] = addr
			}
		}
	}
	var problems []string
	for _, i := range n.Uncomputed {
		if u.is(u.mapped, i) {
			problems = append(problems, fmt.Sprintf("column %q (cell %s) is a formula with no saved value: open the workbook in Excel and save it, or paste the values", u.header[i], source.CellName(i, rec.Line)))
		}
	}
	for _, i := range n.Numbers {
		if i < len(rec.Fields) && u.is(u.phones, i) && looksLikePhone(rec.Fields[i]) {
			warnings = append(warnings, fmt.Sprintf("column %q (cell %s): %s is a number in the workbook, so a leading 0 or + may be lost; format the column as Text",
				u.header[i], source.CellName(i, rec.Line), strings.TrimSpace(rec.Fields[i])))
		}
	}
	return strings.Join(problems, "; "), warnings
}

// scientificPhones warns of the phone cells that Excel wrote into a CSV in
// scientific notation ("9.72521E+11"): the digits past the sixth are gone,
// and no reading brings them back. A workbook's own cells are numbers, told
// by the notes instead.
func (u *cellUse) scientificPhones(rec source.Record) []string {
	var warnings []string
	for i, f := range rec.Fields {
		if u.is(u.phones, i) && isScientific(strings.TrimSpace(f)) {
			warnings = append(warnings, fmt.Sprintf("column %q (cell %s): %s is a number Excel wrote in scientific notation, "+
				"so digits of the phone are lost; format the column as Text in the workbook and export it again",
				u.header[i], source.CellName(i, rec.Line), strings.TrimSpace(f)))
		}
	}
	return warnings
}

// isScientific reports a number in scientific notation: "9.72521E+11",
// "9.7e11", "1E+12".
func isScientific(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok || mant == "" || exp == "" {
		return false
	}
	exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
	digits := func(t string, dot bool) bool {
		seen := false
		for _, r := range t {
			switch {
			case r >= '0' && r <= '9':
				seen = true
			case r == '.' && dot:
				dot = false
			default:
				return false
			}
		}
		return seen
	}
	return digits(mant, true) && digits(exp, false)
}

func (u *cellUse) is(set []bool, i int) bool { return i >= 0 && i < len(set) && set[i] }

// mailto returns the address of a mailto: link ("mailto:dana@example.com?subject=x").
func mailto(target string) (string, bool) {
	if len(target) < 7 || !strings.EqualFold(target[:7], "mailto:") {
		return "", false
	}
	addr, _, _ := strings.Cut(target[7:], "?")
	addr = strings.TrimSpace(addr)
	return addr, strings.Contains(addr, "@")
}

func isWebLink(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// looksLikePhone reports whether a number is as long as a phone number:
// 6 to 14 digits, which a leading 0 or + would make a full number.
func looksLikePhone(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// logInput says how the input is read: the encoding (detected or named) and
// delimiter of text, the sheet of a workbook.
func logInput(log zerolog.Logger, src *source.Reader) {
	ev := log.Info()
	if src.Sheet() != "" {
		ev = ev.Str("sheet", src.Sheet()).Strs("other_sheets", src.OtherSheets())
	} else {
		ev = ev.Str("encoding", src.Encoding()).Str("delimiter", string(src.Delimiter()))
	}
	ev.Msg("input")
}
