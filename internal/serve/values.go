package serve

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
)

// valueFields are the fields whose values the values page matches, with
// what they are called there.
var valueFields = []option{
	{comeet.FieldProspectStatus, "Status"},
	{comeet.FieldCountry, "Country"},
	{comeet.FieldPositionUID, "Position"},
}

// valueGroup is the distinct values of one column that feeds a field of
// valueFields.
type valueGroup struct {
	Field, Label, Column string
	Items                []valueItem
	Options              []option
	// TooMany says the column holds more distinct values than a page can
	// match (mapping's maxDistinct): they are left to the column's cells.
	TooMany bool
	// Note says why positions are typed, not chosen.
	Note string
	// Typed says each value's uid is typed: the account's positions
	// could not be listed.
	Typed bool
}

// valueItem is one distinct value, how many rows hold it, and what is sent
// for it: "" unmatched, dropValue to send nothing.
type valueItem struct {
	Value string
	Count int
	Send  string
}

// dropValue is the dropdown's entry that sends nothing for a value.
const dropValue = "-"

// maxValues is the most distinct values of a column the page matches.
const maxValues = 200

func (s *Server) values(w http.ResponseWriter, r *http.Request, ss *session) {
	positions, posErr := s.positions(r.Context())
	ss.mu.Lock()
	groups := ss.valueGroups(positions, posErr)
	data := map[string]any{"Title": "Match values", "Run": ss.meta, "Step": "values", "Groups": groups, "Error": errText(ss.mappingErr)}
	ss.mu.Unlock()
	render(w, http.StatusOK, "values", data)
}

// positions are the account's positions, or why there are none.
func (s *Server) positions(ctx context.Context) ([]comeet.Position, error) {
	c := s.cfg.Run
	if c.APIKey == "" || c.Secret == "" {
		return nil, fmt.Errorf("no credentials: set COMEET_API_KEY and COMEET_API_SECRET (or the key files) before starting the page to choose positions from the account's list")
	}
	client, err := comeet.NewClient(c.ClientConfig(c.Logger))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	list, _, err := client.ListPositions(ctx, comeet.PositionFilter{})
	if err != nil {
		return nil, fmt.Errorf("the account's positions could not be listed: %w", err)
	}
	return list, nil
}

// valueGroups are the groups of the fields the mapping feeds from a
// column; mu is held.
func (ss *session) valueGroups(positions []comeet.Position, posErr error) []valueGroup {
	var out []valueGroup
	for _, vf := range valueFields {
		col := ss.columnOf(vf.Value)
		if col < 0 {
			continue
		}
		g := valueGroup{Field: vf.Value, Label: vf.Label, Column: ss.header[col]}
		var auto func(string) (string, bool)
		g.Options, auto = valueOptions(vf.Value, positions)
		if vf.Value == comeet.FieldPositionUID && posErr != nil {
			g.Note = posErr.Error() + ": type each position's uid"
			g.Typed = true
		}
		items, ok := ss.distinct(col)
		g.TooMany = !ok
		lines := ss.lines(vf.Value)
		proposed := proposedLines(vf.Value, g.Column, items)
		for _, it := range items {
			if send, ok := lines[mapping.FoldValue(it.Value)]; ok {
				it.Send = send
				if send == "" {
					it.Send = dropValue
				}
			} else if v, ok := auto(it.Value); ok {
				it.Send = v
			} else if v, ok := proposed[mapping.FoldValue(it.Value)]; ok {
				it.Send = v
			}
			g.Items = append(g.Items, it)
		}
		out = append(out, g)
	}
	return out
}

// proposedLines are the proposal's value lines for the items, by folded
// value, for a column whose field was chosen after the proposal.
func proposedLines(field, column string, items []valueItem) map[string]string {
	values := make([]string, len(items))
	for i, it := range items {
		values[i] = it.Value
	}
	out := map[string]string{}
	for _, v := range mapping.ProposeValues(field, column, values) {
		if v.Send != "" {
			out[mapping.FoldValue(v.Value)] = v.Send
		}
	}
	return out
}

// columnOf is the header index of the column that feeds field, -1 when
// none does; mu is held.
func (ss *session) columnOf(field string) int {
	for _, r := range ss.mapping.Rules {
		if r.Field == field && r.Column != "" {
			return slices.Index(ss.header, r.Column)
		}
	}
	return -1
}

// lines are field's value lines, by folded value.
func (ss *session) lines(field string) map[string]string {
	out := map[string]string{}
	for _, v := range ss.mapping.Values {
		if v.Field == field && v.Value != mapping.OtherValues {
			out[mapping.FoldValue(v.Value)] = v.Send
		}
	}
	return out
}

// distinct are the distinct non-empty values of column col (edits
// applied), by first spelling, in order of first use; false past maxValues.
func (ss *session) distinct(col int) ([]valueItem, bool) {
	var out []valueItem
	at := map[string]int{}
	for i := range ss.rows {
		if ss.leftOut(i + 1) {
			continue
		}
		f := ss.fields(i + 1)
		if col >= len(f) {
			continue
		}
		v := strings.TrimSpace(f[col])
		if v == "" {
			continue
		}
		k := mapping.FoldValue(v)
		if j, ok := at[k]; ok {
			out[j].Count++
			continue
		}
		if len(out) == maxValues {
			return out, false
		}
		at[k] = len(out)
		out = append(out, valueItem{Value: v, Count: 1})
	}
	return out, true
}

// valueOptions are what field takes, and how a value is recognised
// without a value line.
func valueOptions(field string, positions []comeet.Position) ([]option, func(string) (string, bool)) {
	opts := []option{{"", "— not matched: the row needs work —"}, {dropValue, "— send nothing —"}}
	switch field {
	case comeet.FieldProspectStatus:
		for _, st := range comeet.ProspectStatuses {
			opts = append(opts, option{st, st})
		}
		return opts, comeet.CanonicalProspectStatus
	case comeet.FieldCountry:
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				code := string([]rune{a, b})
				if name := comeet.CountryName(code); name != "" {
					opts = append(opts, option{code, name + " (" + code + ")"})
				}
			}
		}
		slices.SortFunc(opts[2:], func(x, y option) int { return strings.Compare(x.Label, y.Label) })
		return opts, comeet.LookupCountry
	}
	for _, p := range positions {
		label := p.Name + " (" + p.UID + ")"
		if p.Status != "" && !p.Open() {
			label += " — " + p.Status
		}
		opts = append(opts, option{p.UID, label})
	}
	return opts, func(v string) (string, bool) {
		for _, p := range positions {
			if p.UID == v || strings.EqualFold(strings.TrimSpace(p.Name), v) {
				return p.UID, true
			}
		}
		return "", false
	}
}

// saveValues writes the value lines of the form's choices: a value Comeet
// takes as it is needs none; the lines of values not on the form stay.
func (s *Server) saveValues(w http.ResponseWriter, r *http.Request, ss *session) {
	if err := r.ParseForm(); err != nil {
		s.problem(w, http.StatusBadRequest, err.Error())
		return
	}
	positions, _ := s.positions(r.Context())
	ss.lockIdle()
	defer ss.mu.Unlock()
	m := &mapping.Mapping{Rules: ss.mapping.Rules, Values: ss.mapping.Values}
	for _, vf := range valueFields {
		_, auto := valueOptions(vf.Value, positions)
		if vf.Value == comeet.FieldPositionUID {
			// A position named by its name gets a line all the same, so
			// the mapping says which uid the name is sent as.
			auto = func(v string) (string, bool) { return v, true }
		}
		m.Values = setValueLines(m.Values, vf.Value, r, auto)
	}
	if err := ss.setMapping(m); err != nil {
		s.problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	http.Redirect(w, r, "/runs/"+ss.meta.ID+"/review", http.StatusSeeOther)
}

// setValueLines replaces field's lines for the values on the form.
func setValueLines(lines []mapping.ValueMap, field string, r *http.Request, auto func(string) (string, bool)) []mapping.ValueMap {
	for i := 0; ; i++ {
		key := field + "-" + strconv.Itoa(i)
		value, ok := r.PostForm["value-"+key]
		if !ok || len(value) != 1 {
			return lines
		}
		v, send := value[0], r.PostFormValue("send-"+key)
		lines = slices.DeleteFunc(lines, func(l mapping.ValueMap) bool {
			return l.Field == field && mapping.FoldValue(l.Value) == mapping.FoldValue(v)
		})
		if got, ok := auto(v); send == "" || (ok && got == send) {
			continue
		}
		if send == dropValue {
			send = ""
		}
		lines = append(lines, mapping.ValueMap{Field: field, Value: v, Send: send, Note: "chosen on the page"})
	}
}
