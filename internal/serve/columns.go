package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
)

// column is one column of the sheet on the columns page.
type column struct {
	Index   int
	Name    string
	Samples []string
	Field   string // the field it feeds; "" when none
	Notes   []noteView
}

// noteView is a note of the proposal on the columns page: its words and,
// when it suggests lines, their index for the button that adds them.
type noteView struct {
	Text  string
	Lines []string
	Index int
}

// option is an entry of a dropdown.
type option struct{ Value, Label string }

// fieldDefault is a field fed by a value every row gets, on the columns page.
type fieldDefault struct {
	Field, Value string
	Required     bool
}

func (s *Server) columns(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.mu.Lock()
	data := ss.columnsPage()
	ss.mu.Unlock()
	render(w, http.StatusOK, "columns", data)
}

// columnsPage is the columns page's data; mu is held.
func (ss *session) columnsPage() map[string]any {
	fed := map[string]string{} // column -> field
	defaults := map[string]string{}
	for _, rule := range ss.mapping.Rules {
		if rule.Column != "" {
			fed[rule.Column] = rule.Field
		} else {
			defaults[rule.Field] = rule.Default
		}
	}
	var cols []column
	for i, h := range ss.header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		cols = append(cols, column{Index: i, Name: h, Samples: ss.samples(i, 3), Field: fed[h], Notes: ss.notesOf(h)})
	}
	fedFields := map[string]bool{}
	for _, f := range fed {
		fedFields[f] = true
	}
	var defs []fieldDefault
	for _, f := range comeet.RequiredFields {
		if !fedFields[f] && !(isName(f) && fedFields[mapping.FullName]) {
			defs = append(defs, fieldDefault{Field: f, Value: defaults[f], Required: true})
		}
	}
	for f, v := range defaults {
		if !slices.Contains(comeet.RequiredFields, f) {
			defs = append(defs, fieldDefault{Field: f, Value: v})
		}
	}
	return map[string]any{"Title": "Match columns", "Run": ss.meta, "Step": "columns", "Columns": cols,
		"Fields": fieldOptions(), "Defaults": defs, "Error": errText(ss.mappingErr), "General": ss.generalNotes()}
}

func isName(f string) bool { return f == comeet.FieldFirstName || f == comeet.FieldLastName }

// samples are the first n distinct non-empty values of column i.
func (ss *session) samples(i, n int) []string {
	var out []string
	for _, r := range ss.rows {
		if len(out) == n {
			break
		}
		if i < len(r.fields) {
			if v := strings.TrimSpace(r.fields[i]); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// notesOf are the proposal's notes about the column.
func (ss *session) notesOf(col string) []noteView {
	var out []noteView
	for i, n := range ss.proposal.Notes {
		if n.Column == col {
			out = append(out, noteView{Text: n.Text, Lines: n.Lines(), Index: i})
		}
	}
	for _, u := range ss.proposal.Undecided {
		if u.Column == col {
			out = append(out, noteView{Text: fmt.Sprintf("%d values that %s does not take: match them on the next step", len(u.Values), u.Field), Index: -1})
		}
	}
	return out
}

// generalNotes are the proposal's notes that concern no one column.
func (ss *session) generalNotes() []noteView {
	var out []noteView
	for i, n := range ss.proposal.Notes {
		if n.Column == "" || !slices.Contains(ss.header, n.Column) {
			out = append(out, noteView{Text: n.Text, Lines: n.Lines(), Index: i})
		}
	}
	return out
}

// fieldOptions are the fields a column can feed, in the order of Comeet's
// page, with the name split and a custom field of the column's own name.
func fieldOptions() []option {
	out := []option{{"", "— not sent —"}, {mapping.FullName, "full name (split into first, middle, last)"}}
	for _, f := range mapping.Fields() {
		if strings.HasPrefix(f, mapping.CustomFieldPrefix) {
			continue
		}
		out = append(out, option{f, f})
	}
	return append(out, option{customField, "custom field (named as the column)"})
}

// customField is the dropdown's value for a custom field named as the column.
const customField = "custom"

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// saveColumns makes the mapping of the form's choices, keeping the value
// lines of the fields still fed, and checks it as import would read it.
func (s *Server) saveColumns(w http.ResponseWriter, r *http.Request, ss *session) {
	if err := r.ParseForm(); err != nil {
		s.problem(w, http.StatusBadRequest, err.Error())
		return
	}
	ss.lockIdle()
	defer ss.mu.Unlock()
	m := ss.formMapping(r)
	next := "/values"
	if note := atoi(r.URL.Query().Get("note")); note >= 0 && note < len(ss.proposal.Notes) {
		m = withNote(m, ss.proposal.Notes[note])
		next = "/columns"
	}
	if err := ss.setMapping(m); err != nil {
		data := ss.columnsPage()
		data["Error"] = err.Error()
		render(w, http.StatusUnprocessableEntity, "columns", data)
		return
	}
	http.Redirect(w, r, "/runs/"+ss.meta.ID+next, http.StatusSeeOther)
}

// withNote is m with the lines a note of the proposal suggests: a rule
// takes the place of the field's own (links and files add up), a value
// line of the same value's.
func withNote(m *mapping.Mapping, n mapping.Note) *mapping.Mapping {
	for _, r := range n.Rules {
		if r.Field != comeet.FieldLinks && r.Field != comeet.FieldFiles {
			m.Rules = slices.DeleteFunc(m.Rules, func(x mapping.Rule) bool { return x.Field == r.Field })
		}
		m.Rules = append(m.Rules, r)
	}
	for _, v := range n.Values {
		m.Values = slices.DeleteFunc(m.Values, func(x mapping.ValueMap) bool {
			return x.Field == v.Field && mapping.FoldValue(x.Value) == mapping.FoldValue(v.Value)
		})
		m.Values = append(m.Values, v)
	}
	return m
}

// formMapping is the mapping of the columns form's choices, with the value
// lines of the fields still fed; mu is held.
func (ss *session) formMapping(r *http.Request) *mapping.Mapping {
	m := &mapping.Mapping{}
	for i, h := range ss.header {
		f := r.PostFormValue("field-" + strconv.Itoa(i))
		if f == customField {
			f = mapping.CustomFieldPrefix + h
		}
		if f != "" {
			m.Rules = append(m.Rules, mapping.Rule{Field: f, Column: h})
		}
	}
	for _, f := range r.PostForm["default-field"] {
		if v := strings.TrimSpace(r.PostFormValue("default-" + f)); v != "" {
			m.Rules = append(m.Rules, mapping.Rule{Field: f, Default: v})
		}
	}
	for _, v := range ss.mapping.Values {
		if slices.ContainsFunc(m.Rules, func(rule mapping.Rule) bool { return rule.Field == v.Field }) {
			m.Values = append(m.Values, v)
		}
	}
	return m
}

// setMapping checks m by writing it and reading it back as import will,
// then makes it the run's mapping and checks every row again; mu is held.
func (ss *session) setMapping(m *mapping.Mapping) error {
	if ss.job != nil {
		return fmt.Errorf("a run is going on: wait for it or stop it before changing the mapping")
	}
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		return err
	}
	back, err := mapping.Load(&b)
	if err != nil {
		return err
	}
	ss.mapping = back
	if err := ss.writeMapping(); err != nil {
		return err
	}
	ss.rebind()
	ss.touch()
	return nil
}
