// Package gen makes the benchmark's candidates: the same row as a
// spreadsheet record (for the importer) and as a comeet.Candidate (for the
// load generator), so both post bodies of the same kind and size.
package gen

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Header is the spreadsheet's header row, named like an agency's export.
var Header = []string{
	"Candidate ID", "Position", "First Name", "Last Name", "E-mail", "Phone",
	"LinkedIn", "Status", "CV", "Website", "Recruiter", "Recruiter E-mail",
	"Country", "City", "Notes",
}

// Mapping is the mapping file that reads Header.
const Mapping = `field,column,default
partner_candidate_id,Candidate ID,
position_uid,Position,
first_name,First Name,
last_name,Last Name,
email,E-mail,
phone,Phone,
linkedin_url,LinkedIn,
prospect_status,Status,Sourced
resume,CV,
links,Website,
source_contact.full_name,Recruiter,
source_contact.email,Recruiter E-mail,
address.country,Country,
address.city,City,
note,Notes,
`

// Row is the values of candidate i.
type Row struct {
	ID, Position, First, Last, Email, Phone, LinkedIn, Status string
	Website, Recruiter, RecruiterEmail, Country, City, Note   string
}

var (
	firsts = []string{"Bobby", "Dana", "Maria", "Yossi", "Noa", "Avi", "Sara", "Omer"}
	lasts  = []string{"Chauck", "Levi", "Garcia", "Cohen", "Mizrahi", "Peretz", "Ali", "Katz"}
	cities = []string{"New York", "Tel Aviv", "Madrid", "Haifa", "London", "Berlin"}
	lands  = []string{"US", "IL", "ES", "IL", "GB", "DE"}
)

// RowAt returns candidate i (0-based); every i has its own key.
func RowAt(i int) Row {
	first, last := firsts[i%len(firsts)], lasts[(i/len(firsts))%len(lasts)]
	id := fmt.Sprintf("B%07d", i)
	return Row{
		ID: id, Position: fmt.Sprintf("%d.%d", 10+i%7, 10+i%5),
		First: first, Last: last,
		Email:    fmt.Sprintf("%s.%s.%d@example.com", first, last, i),
		Phone:    fmt.Sprintf("+972-52-%07d", i%10000000),
		LinkedIn: "https://www.linkedin.com/in/" + first + "-" + last + "-" + strconv.Itoa(i),
		Status:   "Interested", Website: "https://www.github.com/" + id,
		Recruiter: "Michael Rosen", RecruiterEmail: "michael@example.com",
		Country: lands[i%len(lands)], City: cities[i%len(cities)],
		Note: "Imported from the previous system; interviewed twice, strong on distributed systems.",
	}
}

// Cells is the row as spreadsheet cells in Header's order; resume is the
// CV cell (empty for none).
func (r Row) Cells(resume string) []string {
	return []string{r.ID, r.Position, r.First, r.Last, r.Email, r.Phone, r.LinkedIn,
		r.Status, resume, r.Website, r.Recruiter, r.RecruiterEmail, r.Country, r.City, r.Note}
}

// Candidate is the row as the importer sends it (no files).
func (r Row) Candidate() *comeet.Candidate {
	return &comeet.Candidate{
		PositionUID: r.Position, PartnerCandidateID: r.ID,
		FirstName: r.First, LastName: r.Last, Email: strings.ToLower(r.Email), Phone: r.Phone, // as the mapping sends it
		LinkedInURL: r.LinkedIn, ProspectStatus: r.Status,
		Links:         []comeet.Link{{URL: r.Website}},
		SourceContact: &comeet.SourceContact{FullName: r.Recruiter, Email: r.RecruiterEmail},
		Address:       &comeet.Address{Country: r.Country, City: r.City},
		Note:          r.Note,
	}
}

// WriteCSV writes n rows; resume(i) names row i's CV file ("" for none).
func WriteCSV(w io.Writer, n int, resume func(i int) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for i := range n {
		if err := cw.Write(RowAt(i).Cells(resume(i))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteMapping writes Mapping to dir/mapping.csv.
func WriteMapping(dir string) error {
	return os.WriteFile(filepath.Join(dir, "mapping.csv"), []byte(Mapping), 0o644)
}
