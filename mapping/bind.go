package mapping

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
)

// Binder is a Mapping resolved against one header: each rule knows its cell's
// index, so a row is mapped without looking anything up. A Binder is
// read-only after Bind and safe for concurrent use.
type Binder struct {
	width   int // the header's length: every row has this many cells
	slots   []slot
	header  []string
	customs int // how many custom fields, to size the map once
}

// slot is one rule ready to run.
type slot struct {
	target target
	index  int    // the cell's index, or -1 for a default-only rule
	def    string // trimmed default
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
	checked, err := check(m.Rules, atRule)
	if err != nil {
		return nil, fmt.Errorf("bind mapping: %w", err)
	}
	b := &Binder{width: len(header), header: trimAll(header)}
	missing := &MissingColumnsError{}
	for _, r := range checked.Rules {
		t, _ := parseField(r.Field)
		s := slot{target: t, index: -1, def: r.Default}
		if r.Column != "" {
			s.index = b.find(r.Column)
			if s.index < 0 {
				missing.add(r, b.header)
				continue
			}
		}
		if t.kind == kindCustom {
			b.customs++
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
// and files); ok is false when no column does.
func (b *Binder) Column(field string) (column string, ok bool) {
	for _, s := range b.slots {
		if s.index >= 0 && s.target.name() == field {
			return b.header[s.index], true
		}
	}
	return "", false
}

// Candidate maps one row. fields must have one cell per header column; a row
// that does not is reported as a comeet.CodeMalformedRow problem and gives no
// candidate. Cells are trimmed; an empty cell takes its rule's default; values
// are otherwise kept as written. Empty values, and nested objects with nothing
// in them, are left out.
func (b *Binder) Candidate(fields []string) (*comeet.Candidate, []comeet.Problem) {
	if len(fields) != b.width {
		return nil, []comeet.Problem{{
			Code:    comeet.CodeMalformedRow,
			Message: fmt.Sprintf("the row has %d cells, the header has %d", len(fields), b.width),
		}}
	}
	c := &comeet.Candidate{}
	for i := range b.slots {
		s := &b.slots[i]
		v := s.def
		if s.index >= 0 {
			if cell := trim(fields[s.index]); cell != "" {
				v = cell
			}
		}
		if v != "" {
			b.set(c, s.target, v)
		}
	}
	return c, nil
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
			eachValue(v, func(string) { n++ })
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
