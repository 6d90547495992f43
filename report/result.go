package report

import "strconv"

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

// Header is the report's header line, in the order of Result's fields.
var Header = []string{
	"row", "line", "partner_candidate_id", "position_uid", "first_name",
	"last_name", "email", "outcome", "candidate_uid", "http_status",
	"error_code", "message", "attempts",
}

// appendRecord appends the result's cells to dst in Header order. The report
// is written on the hot path of a million-row dry run, so it is built by hand
// rather than through gocsv's per-row reflection.
func (r *Result) appendRecord(dst []string) []string {
	return append(dst,
		strconv.Itoa(r.Row),
		strconv.Itoa(r.Line),
		r.PartnerCandidateID,
		r.PositionUID,
		r.FirstName,
		r.LastName,
		r.Email,
		string(r.Outcome),
		r.CandidateUID,
		itoaOrEmpty(r.HTTPStatus),
		r.ErrorCode,
		r.Message,
		strconv.Itoa(r.Attempts),
	)
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
