package mapping

import "testing"

func TestColumnOf(t *testing.T) {
	header := []string{"Email", "CV", "Portfolio", "Other files", "Team", "Recruiter email", "Position"}
	m := &Mapping{Rules: []Rule{
		{Field: "email", Column: "Email"},
		{Field: "resume", Column: "CV"},
		{Field: "files", Column: "Portfolio"},
		{Field: "files", Column: "Other files"},
		{Field: "custom_fields.team", Column: "Team"},
		{Field: "source_contact.email", Column: "Recruiter email"},
		{Field: "position_uid", Column: "Position", Default: "11.11"},
		{Field: "first_name", Default: "Ann"},
	}}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	row := []string{"a@x", "cv.pdf", "p1.pdf; p2.pdf", "o1.pdf", "core", "r@x", ""}
	tests := []struct {
		field string
		want  int
	}{
		{"email", 0},
		{"resume", 1},
		{"files[0]", 2},
		{"files[1]", 2},
		{"files[2]", 3},
		{"files[3]", -1},
		{"custom_fields.team", 4},
		{"source_contact.email", 5},
		{"position_uid", 6}, // the default fed it, but its cell is where to fix it
		{"first_name", -1},  // a default only
		{"phone", -1},
		{"files[x]", 3}, // no readable index: the column whose value was kept
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if got := b.ColumnOf(row, tt.field); got != tt.want {
				t.Errorf("ColumnOf(%q) = %d, want %d", tt.field, got, tt.want)
			}
		})
	}
}
