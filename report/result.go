package report

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
