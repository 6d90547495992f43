package report

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"time"
)

// MaxHTMLRows bounds the rows that need attention a Writer keeps for the
// HTML page; the errors file has them all.
const MaxHTMLRows = 200

// Attention is what the HTML page shows of the rows that need a person:
// the errors file's header and the first MaxHTMLRows of its rows.
type Attention struct {
	Header []string
	Rows   []AttentionRow
	// More is the number of such rows not kept.
	More int
}

// AttentionRow is one row that needs a person.
type AttentionRow struct {
	// Row is the row a person sees in Excel (the header counted): the
	// line it starts on, as the top problems and the headlines name it.
	Row                int
	Outcome            Outcome
	ErrorCode, Message string
	Cells              []AttentionCell
}

// AttentionCell is one input cell, with what is wrong with it, if anything.
type AttentionCell struct {
	Value, Problem string
}

// keep adds the row unless MaxHTMLRows are kept already.
func (a *Attention) keep(r *Result, fields []string) {
	if len(a.Rows) >= MaxHTMLRows {
		a.More++
		return
	}
	row := AttentionRow{Row: cmp.Or(r.Line, r.Row), Outcome: r.Outcome, ErrorCode: r.ErrorCode, Message: cut(r.Message, 1000),
		Cells: make([]AttentionCell, len(a.Header))}
	for i := range row.Cells {
		if i < len(fields) {
			row.Cells[i].Value = cut(fields[i], maxExampleRunes)
		}
	}
	for _, c := range r.Cells {
		if c.Column >= 0 && c.Column < len(row.Cells) {
			row.Cells[c.Column].Problem = c.Message
		}
	}
	a.Rows = append(a.Rows, row)
}

// HTMLPage is the self-contained page a recruiter opens or mails: the
// counts, the top problems and the rows that need work.
type HTMLPage struct {
	// Title names the input, for example "candidates.xlsx".
	Title     string
	Generated time.Time
	Summary   Summary
	Attention Attention
}

// WriteHTML writes the page, with its style inline and nothing fetched
// from elsewhere. Every value is escaped by html/template.
func WriteHTML(w io.Writer, p HTMLPage) error {
	if err := pageTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// WriteHTMLFile writes the page to path like Summary.WriteFile: mode
// FileMode, under a temporary name renamed into place.
func WriteHTMLFile(path string, p HTMLPage) error {
	f, err := CreatePartial(path)
	if err != nil {
		return err
	}
	if err := WriteHTML(f, p); err != nil {
		f.Discard(false)
		return err
	}
	return f.Commit()
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"outcomes": func() []Outcome { return Outcomes },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>comeet-import: {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#eee}
td.bad{background:#ffc7ce;color:#9c0006}
td.num{text-align:right}
.problem{display:block;font-size:.85em;color:#9c0006}
.msg{color:#555;font-style:italic}
</style></head><body>
<h1>{{.Title}}</h1>
<p>{{.Summary.String}}</p>
{{- if not .Generated.IsZero}}<p class="msg">Written {{.Generated.Format "2006-01-02 15:04 MST"}}; exit code {{.Summary.ExitCode}}.</p>{{end}}
<h2>Rows by outcome</h2>
<table><tr>{{range outcomes}}<th>{{.}}</th>{{end}}</tr>
<tr>{{range outcomes}}<td class="num">{{index $.Summary.Counts .}}</td>{{end}}</tr></table>
{{- with .Summary.TopProblems}}
<h2>Top problems</h2>
<table><tr><th>rows</th><th>problem</th><th>column</th><th>example</th></tr>
{{- range .}}
<tr><td class="num">{{.Rows}}</td><td>{{.Message}}</td><td>{{.Column}}</td><td>row {{or .ExampleLine .ExampleRow}}{{with .ExampleValue}}: {{.}}{{end}}</td></tr>
{{- end}}</table>
{{- end}}
{{- with .Attention.Rows}}
<h2>Rows that need work</h2>
<table><tr><th>row</th>{{range $.Attention.Header}}<th>{{.}}</th>{{end}}<th>error_code</th><th>message</th></tr>
{{- range .}}
<tr><td class="num">{{.Row}}</td>
{{- range .Cells}}{{if .Problem}}<td class="bad">{{.Value}}<span class="problem">{{.Problem}}</span></td>{{else}}<td>{{.Value}}</td>{{end}}{{end}}<td>{{.ErrorCode}}</td><td class="msg">{{.Message}}</td></tr>
{{- end}}</table>
{{- if $.Attention.More}}<p class="msg">and {{$.Attention.More}} more rows: see the errors file.</p>{{end}}
{{- end}}
</body></html>
`))
