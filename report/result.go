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
}

// Header is the report's header line: the csv tags of Result's fields, in
// their order, so the struct is the one place the columns are listed.
// appendLine writes the cells in the same order (csvline_test holds it to
// Header).
var Header = headerOf(reflect.TypeFor[Result]())

func headerOf(t reflect.Type) []string {
	h := make([]string, t.NumField())
	for i := range h {
		h[i] = t.Field(i).Tag.Get("csv")
	}
	return h
}
