package mapping

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Binder is a Mapping resolved against one header: each rule knows its cell's
// index, so a row is mapped without looking anything up. A Binder is
// read-only after Bind and safe for concurrent use.
type Binder struct {
	width   int // the header's length: every row has this many cells
	slots   []slot
	header  []string
	customs int // how many custom fields, to size the map once
	// notes counts the rules feeding note: with more than one, each
	// non-empty cell is a line of the note led by its column's name
	// ("Stage: Interview").
	notes int
}

// slot is one rule ready to run.
type slot struct {
	target target
	index  int       // the cell's index, or -1 for a default-only rule
	def    string    // trimmed default
	values *valueMap // the field's value map, or nil
}

// Bind resolves m's columns in header. A column matches the header cell with
// the same name after trimming, or else the first cell equal to it ignoring
// case. Every mapped column the header lacks is reported in one
// *MissingColumnsError, each with the fields it feeds and, when the header has
// a close spelling, that spelling.
func (m *Mapping) Bind(header []string) (*Binder, error) {
	if m == nil || len(m.Rules) == 0 {
		return nil, fmt.Errorf("bind mapping: %w", invalid{"the mapping feeds no field: no column of the header is an API field name and there is no mapping file"})
	}
	checked, err := check(m, atRule, atValue)
	if err != nil {
		return nil, fmt.Errorf("bind mapping: %w", err)
	}
	b := &Binder{width: len(header), header: trimAll(header)}
	missing := &MissingColumnsError{}
	for _, r := range checked.Rules {
		t, _ := parseField(r.Field)
		s := slot{target: t, index: -1, def: r.Default, values: newValueMap(t, checked.Values)}
		if r.Column != "" {
			s.index = b.find(r.Column)
			if s.index < 0 {
				missing.add(r, b.header)
				continue
			}
		}
		switch t.kind {
		case kindCustom:
			b.customs++
		case kindNote:
			b.notes++
		}
		b.slots = append(b.slots, s)
	}
	if len(missing.Missing) > 0 {
		return nil, fmt.Errorf("bind mapping: %w", missing)
	}
	return b, nil
}

func trimAll(header []string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = trim(h)
	}
	return out
}

// find returns the index of column in the header, or -1.
func (b *Binder) find(column string) int {
	for i, h := range b.header {
		if h == column {
			return i
		}
	}
	for i, h := range b.header {
		if strings.EqualFold(h, column) {
			return i
		}
	}
	return -1
}

// add records r's column as missing, once per column.
func (e *MissingColumnsError) add(r Rule, header []string) {
	for i := range e.Missing {
		if e.Missing[i].Column == r.Column {
			e.Missing[i].Fields = append(e.Missing[i].Fields, r.Field)
			return
		}
	}
	e.Missing = append(e.Missing, MissingColumn{Column: r.Column, Fields: []string{r.Field}, Hint: closestColumn(r.Column, header)})
}

// closestColumn names the header cell closest to a missing column, or "".
func closestColumn(column string, header []string) string {
	n := normalize(column)
	best, bestDist := "", hintDistance(n)+1
	for _, h := range header {
		if d := distance(n, normalize(h)); h != "" && d < bestDist {
			best, bestDist = h, d
		}
	}
	return best
}

// Columns returns the header columns that feed a field, in header order,
// each once.
func (b *Binder) Columns() []string {
	used := make([]bool, b.width)
	for _, s := range b.slots {
		if s.index >= 0 {
			used[s.index] = true
		}
	}
	var out []string
	for i, u := range used {
		if u {
			out = append(out, b.header[i])
		}
	}
	return out
}

// Column returns the header column that feeds field (the first one for links
// and files); ok is false when no column does. field may be written as a
// problem names it: "files[1]" is files, "first_name" is the full_name
// column when one feeds the names.
func (b *Binder) Column(field string) (column string, ok bool) {
	if i := strings.IndexByte(field, '['); i > 0 {
		field = field[:i]
	}
	for _, s := range b.slots {
		if s.index >= 0 && s.target.name() == field {
			return b.header[s.index], true
		}
	}
	switch field {
	case "first_name", "middle_name", "last_name":
		return b.Column(FullName)
	}
	return "", false
}

// Candidate maps one row. fields must have one cell per header column; a row
// that does not is reported as a comeet.CodeMalformedRow problem and gives no
// candidate. Cells are trimmed; an empty cell takes its rule's default; a
// full_name is split; a value map or the field's own set (country names,
// status spellings) translates the value; values are otherwise kept as
// written. Empty values, and nested objects with nothing in them, are left
// out. A problem of the mapping's making (a name that cannot be split, a
// value no line maps) names the field and the input column. Candidate
// leaves out the warnings: see Map.
func (b *Binder) Candidate(fields []string) (*comeet.Candidate, []comeet.Problem) {
	c, problems, _ := b.Map(fields)
	return c, problems
}

// CodeValueDropped is the code of a warning: a value that no value-map line
// maps was dropped, as the field's "*" line with an empty send asks.
const CodeValueDropped = "value_dropped"

// Map maps one row as Candidate does and also returns the warnings: values
// left out because the mapping says to drop unmapped values. A warning does
// not make the row invalid.
func (b *Binder) Map(fields []string) (c *comeet.Candidate, problems, warnings []comeet.Problem) {
	if len(fields) != b.width {
		return nil, []comeet.Problem{{
			Code:    comeet.CodeMalformedRow,
			Message: fmt.Sprintf("the row has %d cells, the header has %d", len(fields), b.width),
		}}, nil
	}
	c = &comeet.Candidate{}
	for i := range b.slots {
		s := &b.slots[i]
		v := s.def
		if s.index >= 0 {
			if cell := trim(fields[s.index]); cell != "" {
				v = cell
			}
		}
		if s.target.kind == kindFullName {
			if p, ok := b.setName(c, s, v); !ok {
				problems = append(problems, p)
			}
			continue
		}
		if v == "" {
			continue
		}
		if placeholderApplies(s.target.kind) && isPlaceholder(s.target.kind, v) && !s.values.maps(v) {
			p, required := b.placeholder(s, v)
			if required {
				problems = append(problems, p)
			} else {
				warnings = append(warnings, p)
			}
			continue
		}
		if s.values != nil {
			mapped, outcome := s.values.apply(v)
			switch outcome {
			case mapDropped:
				continue
			case mapWarn:
				warnings = append(warnings, b.dropped(s, v))
				continue
			}
			v = mapped
		}
		if s.target.kind == kindNote && b.notes > 1 {
			c.Note = joinNote(c.Note, b.noteLabel(s), v)
			continue
		}
		b.set(c, s.target, v)
	}
	if w, ok := b.namelessSource(c, fields); ok {
		warnings = append(warnings, w)
	}
	return c, problems, warnings
}

// noteLabel is what leads a value in a note joined from several columns:
// the column's name, or none for a default.
func (b *Binder) noteLabel(s *slot) string {
	if s.index < 0 {
		return ""
	}
	return b.header[s.index]
}

// joinNote adds a line to a note joined from several columns.
func joinNote(note, label, v string) string {
	if label != "" {
		v = label + ": " + v
	}
	if note == "" {
		return v
	}
	return note + "\n" + v
}

// namelessSource leaves out a source contact that has no name: Comeet
// takes one only with its name, and a default e-mail ("the agency's
// address") must not make every row whose name cell is blank invalid. A
// cell's e-mail or phone left out so is a warning.
func (b *Binder) namelessSource(c *comeet.Candidate, fields []string) (comeet.Problem, bool) {
	sc := c.SourceContact
	if sc == nil || sc.FullName != "" {
		return comeet.Problem{}, false
	}
	c.SourceContact = nil
	for i := range b.slots {
		s := &b.slots[i]
		k := s.target.kind
		if (k == kindSourceEmail || k == kindSourcePhone) && s.index >= 0 && trim(fields[s.index]) != "" {
			return comeet.Problem{Field: s.target.name(), Code: CodeValueDropped, Message: fmt.Sprintf(
				"%s: %s holds %q, but the row has no source contact name: no source contact sent",
				s.target.name(), b.columnOf(s), clip(trim(fields[s.index]))),
				Reason: "the row has no source contact name: no source contact sent"}, true
		}
	}
	return comeet.Problem{}, false
}

// columnOf names the input column of a slot for messages.
func (b *Binder) columnOf(s *slot) string {
	if s.index < 0 {
		return "the default"
	}
	return fmt.Sprintf("column %q", b.header[s.index])
}

// setName splits v into the candidate's names, or says why it cannot.
func (b *Binder) setName(c *comeet.Candidate, s *slot, v string) (comeet.Problem, bool) {
	first, middle, last, err := splitName(v)
	if err == nil {
		c.FirstName, c.MiddleName, c.LastName = first, middle, last
		return comeet.Problem{}, true
	}
	msg := fmt.Sprintf("%s: %s is empty", FullName, b.columnOf(s))
	if err != errNameEmpty {
		msg = fmt.Sprintf("%s: %s holds %q, %s", FullName, b.columnOf(s), clip(v), err)
	}
	const fix = `a first and a last name are required; write both ("Dana Levi" or "Levi, Dana"), or map them from two columns`
	reason := "empty: " + fix
	if err != errNameEmpty {
		reason = err.Error() + ": " + fix
	}
	return comeet.Problem{Field: FullName, Code: comeet.CodeRequiredField, Message: msg + ": " + fix, Reason: reason}, false
}

// Explain joins the problems of a row as a report shows them: those of the
// mapping (Map, Candidate) first, then those of the field rules (the
// importer names each one's column). A first_name or last_name "is
// required" that only repeats a full_name problem is left out.
func (b *Binder) Explain(mapped, checked []comeet.Problem) []comeet.Problem {
	if len(checked) == 0 {
		return mapped
	}
	out := make([]comeet.Problem, 0, len(mapped)+len(checked))
	out = append(out, mapped...)
	nameFault := slices.ContainsFunc(mapped, func(p comeet.Problem) bool { return p.Field == FullName })
	for _, p := range checked {
		if nameFault && p.Code == comeet.CodeRequiredField && (p.Field == "first_name" || p.Field == "last_name") {
			continue
		}
		out = append(out, p) // the importer names the column (its message)
	}
	return out
}

// dropped is the warning of a value dropped by a "*" line.
func (b *Binder) dropped(s *slot, v string) comeet.Problem {
	field := s.target.name()
	return comeet.Problem{Field: field, Code: CodeValueDropped, Message: fmt.Sprintf(
		"%s: %s holds %q, which the mapping does not map: not sent", field, b.columnOf(s), clip(v))}
}

// clip shortens a value quoted in a message.
func clip(v string) string {
	const limit = 80
	if r := []rune(v); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return v
}

// ColumnOf returns the index of the input column that fed field in this row
// (fields as given to Candidate), so that a problem can point at its cell;
// -1 when no column feeds the field. field is a name as a comeet.Problem
// gives it: "email", "source_contact.email", "custom_fields.team", or with
// an index for the fields that take several values, "files[2]", which names
// the column whose cell gave the third file. A field fed by several rules
// names the column whose value was kept (the last non-empty one), or the
// first column when every cell was empty.
func (b *Binder) ColumnOf(fields []string, field string) int {
	name, nth := splitIndex(field)
	found, seen := -1, 0
	for _, s := range b.slots {
		if s.target.name() != name {
			continue
		}
		v := s.def
		if s.index >= 0 && s.index < len(fields) {
			if cell := trim(fields[s.index]); cell != "" {
				v = cell
			}
		}
		if nth >= 0 {
			n := 0
			eachValue(s.target.kind, v, func(string) { n++ })
			if nth < seen+n {
				return s.index
			}
			seen += n
			continue
		}
		if s.index >= 0 && (found < 0 || v != "") {
			found = s.index
		}
	}
	if nth >= 0 {
		return -1
	}
	return found
}

// splitIndex turns "files[2]" or "links[0].url" into ("files", 2) or
// ("links", 0); a name without an index gives -1.
func splitIndex(field string) (string, int) {
	open := strings.IndexByte(field, '[')
	if open < 0 {
		return field, -1
	}
	end := strings.IndexByte(field[open:], ']')
	if end < 0 {
		return field, -1
	}
	n, err := strconv.Atoi(field[open+1 : open+end])
	if err != nil || n < 0 {
		return field[:open], -1
	}
	return field[:open], n
}
