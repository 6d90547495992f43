package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxProblems bounds the distinct (error code, column) pairs
// Problems keeps; rows with a pair beyond it are counted as Dropped.
const DefaultMaxProblems = 1000

// maxExampleRunes cuts an example value or message kept by Problems.
const maxExampleRunes = 200

// Problem is one kind of problem: an error code in one input column, the
// number of rows that have it, and the first of them as an example.
type Problem struct {
	ErrorCode string `json:"error_code"`
	// Column is the input column's name; "" when the problem is the row's
	// as a whole (a failed request, a duplicate).
	Column string `json:"column"`
	Rows   int    `json:"rows"`
	// ExampleRow is the first row (1-based, header excluded) with it, and
	// ExampleLine the line it starts on: the row a person sees in Excel
	// (the header counted), which headlines name.
	ExampleRow  int `json:"example_row"`
	ExampleLine int `json:"example_line"`
	// ExampleValue is that row's cell in Column, as typed.
	ExampleValue string `json:"example_value"`
	// Message is that row's message for the cell, or the row's message.
	Message string `json:"message"`
}

// ErrorCodeCount is the number of rows with one error code.
type ErrorCodeCount struct {
	ErrorCode string `json:"error_code"`
	Rows      int    `json:"rows"`
}

// Problems counts the problems of the rows that need attention by error
// code and column, in memory bounded by its cap whatever the input's size.
// It is not safe for concurrent use.
type Problems struct {
	header  []string
	max     int
	byKey   map[problemKey]*Problem
	byCode  map[string]int
	dropped int
}

type problemKey struct {
	code   string
	column int // -1: the row as a whole
}

// NewProblems counts problems in the columns of header, keeping at most max
// distinct (error code, column) pairs (DefaultMaxProblems when max <= 0).
func NewProblems(header []string, max int) *Problems {
	if max <= 0 {
		max = DefaultMaxProblems
	}
	return &Problems{header: header, max: max, byKey: map[problemKey]*Problem{}, byCode: map[string]int{}}
}

// Add counts one row's problems: one per cell in r.Cells, or the row's own
// when it names none. fields are the row's input cells, for the example.
func (p *Problems) Add(r *Result, fields []string) {
	code := r.ErrorCode
	if code == "" {
		code = string(r.Outcome)
	}
	if len(p.byCode) < p.max || p.byCode[code] > 0 {
		p.byCode[code]++
	}
	if len(r.Cells) == 0 {
		p.add(problemKey{code, -1}, r, "", r.Message)
		return
	}
	for _, c := range r.Cells {
		value := ""
		if c.Column >= 0 && c.Column < len(fields) {
			value = fields[c.Column]
		}
		p.add(problemKey{cmp.Or(c.Code, code), c.Column}, r, value, c.Message)
	}
}

func (p *Problems) add(k problemKey, r *Result, value, message string) {
	if pr := p.byKey[k]; pr != nil {
		pr.Rows++
		return
	}
	if len(p.byKey) >= p.max {
		p.dropped++
		return
	}
	p.byKey[k] = &Problem{
		ErrorCode: k.code, Column: p.columnName(k.column), Rows: 1, ExampleRow: r.Row, ExampleLine: r.Line,
		ExampleValue: cut(value, maxExampleRunes), Message: cut(message, maxExampleRunes),
	}
}

func (p *Problems) columnName(i int) string {
	switch {
	case i < 0:
		return ""
	case i < len(p.header):
		return p.header[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

// Kinds is the number of distinct (error code, column) pairs counted.
func (p *Problems) Kinds() int { return len(p.byKey) }

// Dropped is the number of problems not counted because the cap of
// distinct pairs was reached.
func (p *Problems) Dropped() int { return p.dropped }

// Top returns the n most frequent problems (all when n <= 0), largest
// first; ties go to the one seen first.
func (p *Problems) Top(n int) []Problem {
	all := make([]Problem, 0, len(p.byKey))
	for _, pr := range p.byKey {
		all = append(all, *pr)
	}
	slices.SortFunc(all, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.ExampleRow, b.ExampleRow),
			cmp.Compare(a.ErrorCode, b.ErrorCode), cmp.Compare(a.Column, b.Column))
	})
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	return all
}

// TopCodes returns the n most frequent error codes (all when n <= 0),
// largest first.
func (p *Problems) TopCodes(n int) []ErrorCodeCount {
	all := make([]ErrorCodeCount, 0, len(p.byCode))
	for c, rows := range p.byCode {
		all = append(all, ErrorCodeCount{c, rows})
	}
	slices.SortFunc(all, func(a, b ErrorCodeCount) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.ErrorCode, b.ErrorCode))
	})
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	return all
}

// maxTableMessage cuts a message in the text table.
const maxTableMessage = 100

// WriteTable writes the n most frequent problems as lines for standard
// error (see WriteProblems).
func (p *Problems) WriteTable(w io.Writer, n int) error {
	top := p.Top(n)
	return WriteProblems(w, top, len(p.byKey)-len(top))
}

// WriteProblems writes problems as lines for standard error, largest
// first, for example
//
//	612 rows: Status "Screening" is not a Comeet status (column Status, e.g. row 4)
//
// and says how many more kinds there are. It writes nothing without
// problems.
func WriteProblems(w io.Writer, top []Problem, more int) error {
	if len(top) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("top problems:\n")
	for _, pr := range top {
		fmt.Fprintf(&b, "  %s: %s (", plural(pr.Rows, "row"), cut(OneLine(pr.Message), maxTableMessage))
		if pr.Column != "" {
			fmt.Fprintf(&b, "column %s, ", OneLine(pr.Column))
		} else if pr.Message == "" || !strings.Contains(pr.Message, pr.ErrorCode) {
			fmt.Fprintf(&b, "%s, ", pr.ErrorCode)
		}
		fmt.Fprintf(&b, "e.g. row %d)\n", cmp.Or(pr.ExampleLine, pr.ExampleRow))
	}
	if more > 0 {
		fmt.Fprintf(&b, "  and %s: see the errors file\n", plural(more, "more kind"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cut shortens s to at most n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// OneLine makes s one line of text for a terminal: line breaks become
// spaces and the other characters that are not printable (an escape
// sequence, a bidi override) are written escaped as %q writes them, so
// text from a cell or an answer cannot forge lines or drive the terminal.
func OneLine(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if strings.IndexFunc(s, notPrintable) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if notPrintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func notPrintable(r rune) bool { return !strconv.IsPrint(r) && r != ' ' }
