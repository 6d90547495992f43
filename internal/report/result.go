package report

import "reflect"

// Result is one line of the report: what became of one input row.
type Result struct {
	Row                int     `csv:"row"`
	Line               int     `csv:"line"`
	PartnerCandidateID string  `csv:"partner_candidate_id"`
	PositionUID        string  `csv:"position_uid"`
	FirstName          string  `csv:"first_name"`
	LastName           string  `csv:"last_name"`
	Email              string  `csv:"email"`
	Outcome            Outcome `csv:"outcome"`
	CandidateUID       string  `csv:"candidate_uid"`
	HTTPStatus         int     `csv:"http_status"`
	ErrorCode          string  `csv:"error_code"`
	Message            string  `csv:"message"`
	Attempts           int     `csv:"attempts"`

	// Cells are the input cells at fault, when the problem lies in
	// particular cells: the errors workbook marks them and the top problems
	// count them by column. Not part of the report CSV.
	Cells []CellProblem `csv:"-"`
}

// CellProblem is what is wrong with one input cell of a row.
type CellProblem struct {
	// Column is the cell's 0-based index in the input's header.
	Column int
	// Code is the problem's error code; "" means the row's ErrorCode.
	Code string
	// Message says what is wrong and what to type instead, in the user's
	// terms, for example `Country "United Stats": not a country; did you
	// mean "United States" (US)?`.
	Message string
}

// Header is the report's header line: the csv tags of Result's fields, in
// their order, so the struct is the one place the columns are listed.
// appendLine writes the cells in the same order (csvline_test holds it to
// Header).
var Header = headerOf(reflect.TypeFor[Result]())

func headerOf(t reflect.Type) []string {
	var h []string
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("csv"); name != "" && name != "-" {
			h = append(h, name)
		}
	}
	return h
}
