package mapping

import (
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestSplitName(t *testing.T) {
	tests := []struct {
		in                  string
		first, middle, last string
		err                 error
	}{
		{in: "Dana Levi", first: "Dana", last: "Levi"},
		{in: "  Dana \u00a0  Levi\t", first: "Dana", last: "Levi"},
		{in: "Dana Marie Levi", first: "Dana", middle: "Marie", last: "Levi"},
		{in: "Dana M. Levi", first: "Dana", middle: "M.", last: "Levi"},
		{in: "Dana Marie Ann Levi", first: "Dana", middle: "Marie Ann", last: "Levi"},
		{in: "Levi, Dana", first: "Dana", last: "Levi"},
		{in: "Levi,Dana", first: "Dana", last: "Levi"},
		{in: "Levi , Dana Marie", first: "Dana", middle: "Marie", last: "Levi"},
		{in: "Ben David, Noa", first: "Noa", last: "Ben David"},
		{in: "Dana Levi, Jr.", first: "Dana", last: "Levi Jr."},
		{in: "Dana Levi Jr.", first: "Dana", last: "Levi Jr."},
		{in: "LEVI Dana", first: "Dana", last: "LEVI"},
		{in: "LEVI Dana Marie", first: "Dana", middle: "Marie", last: "LEVI"},
		{in: "VAN DER BERG Anna", first: "Anna", last: "VAN DER BERG"},
		{in: "Dana LEVI", first: "Dana", last: "LEVI"},
		{in: "Dana LEVI COHEN", first: "Dana", last: "LEVI COHEN"},
		{in: "DANA LEVI", first: "DANA", last: "LEVI"}, // all capitals: given name first
		{in: "JJ Abrams", first: "JJ", last: "Abrams"}, // two capitals read as initials
		{in: "John F KENNEDY", first: "John", middle: "F", last: "KENNEDY"},
		{in: "Ludwig van Beethoven", first: "Ludwig", last: "van Beethoven"},
		{in: "Juan de la Cruz", first: "Juan", last: "de la Cruz"},
		{in: "Anne-Marie O'Neil", first: "Anne-Marie", last: "O'Neil"},
		{in: "דנה לוי", first: "דנה", last: "לוי"},
		{in: "דנה  מרים לוי", first: "דנה", middle: "מרים", last: "לוי"},
		{in: "محمد علي", first: "محمد", last: "علي"},
		{in: "Дмитрий Иванов", first: "Дмитрий", last: "Иванов"},
		{in: "ИВАНОВ Дмитрий", first: "Дмитрий", last: "ИВАНОВ"},
		{in: "Ωμέγα Παπαδόπουλος", first: "Ωμέγα", last: "Παπαδόπουλος"},
		// Titles are dropped: they are not given names.
		{in: "Dr. Kenji Patel", first: "Kenji", last: "Patel"},
		{in: "Dr Kenji Patel", first: "Kenji", last: "Patel"},
		{in: "DR. KENJI PATEL", first: "KENJI", last: "PATEL"},
		{in: "Mr. Dana Levi", first: "Dana", last: "Levi"},
		{in: "Mrs Dana Marie Levi", first: "Dana", middle: "Marie", last: "Levi"},
		{in: "Ms. Noa Ben David", first: "Noa", middle: "Ben", last: "David"},
		{in: "Miss Chloé Martin", first: "Chloé", last: "Martin"},
		{in: "Prof. Dr. Anna Weber", first: "Anna", last: "Weber"},
		{in: "Rabbi David Cohen", first: "David", last: "Cohen"},
		{in: "Sir Ian McKellen", first: "Ian", last: "McKellen"},
		{in: "Herr Max Müller", first: "Max", last: "Müller"},
		{in: "Frau Jana Schäfer", first: "Jana", last: "Schäfer"},
		{in: "Mme Claire Dubois", first: "Claire", last: "Dubois"},
		{in: "Sra. Lucía Fernández", first: "Lucía", last: "Fernández"},
		{in: "Dott.ssa Giulia Rossi", first: "Giulia", last: "Rossi"},
		{in: "Patel, Dr. Kenji", first: "Kenji", last: "Patel"},
		{in: "הרב דוד כהן", first: "דוד", last: "כהן"},
		{in: "ד\"ר מיכל לוי", first: "מיכל", last: "לוי"},
		{in: "Dr. Kenji Patel Jr.", first: "Kenji", last: "Patel Jr."},
		{in: "Dr. Kenji Patel, PhD", first: "Kenji", last: "Patel PhD"},
		{in: "Dana Levi MD", first: "Dana", last: "Levi MD"},
		// Particles belong to the surname, first or last.
		{in: "de la Cruz Maria", first: "Maria", last: "de la Cruz"},
		{in: "van Dijk Jan Pieter", first: "Jan", middle: "Pieter", last: "van Dijk"},
		{in: "Maria de la Cruz", first: "Maria", last: "de la Cruz"},
		{in: "João da Silva", first: "João", last: "da Silva"},
		{in: "Ahmad bin Abdullah", first: "Ahmad", last: "bin Abdullah"},
		{in: "David ben Gurion", first: "David", last: "ben Gurion"},
		{in: "Omar al Hassan", first: "Omar", last: "al Hassan"},
		{in: "Jean le Roux", first: "Jean", last: "le Roux"},
		{in: "Otto von Bismarck", first: "Otto", last: "von Bismarck"},
		{in: "Anna von der Heide", first: "Anna", last: "von der Heide"},
		{in: "de Souza, Ana Paula", first: "Ana", middle: "Paula", last: "de Souza"},
		{in: "García Márquez, Gabriel", first: "Gabriel", last: "García Márquez"},
		{in: "LEVI, Dana", first: "Dana", last: "LEVI"},
		{in: "O'BRIEN Sean", first: "Sean", last: "O'BRIEN"},
		{in: "Martin Luther King Jr.", first: "Martin", middle: "Luther", last: "King Jr."},
		{in: "Levi, Dana Jr.", first: "Dana", last: "Levi Jr."},
		{in: "Mary-Jane Watson-Parker", first: "Mary-Jane", last: "Watson-Parker"},
		{in: "Zoë Saldaña", first: "Zoë", last: "Saldaña"},
		{in: "Nguyễn Văn An", first: "Nguyễn", middle: "Văn", last: "An"},
		// Refused rather than guessed.
		{in: "Dr. Patel", err: errNameOneWord},
		{in: "Dr.", err: errNameOneWord},
		{in: "", err: errNameEmpty},
		{in: "   ", err: errNameEmpty},
		{in: "Madonna", err: errNameOneWord},
		{in: "MADONNA", err: errNameOneWord},
		{in: "מדונה", err: errNameOneWord},
		{in: "Levi Jr.", err: errNameOneWord},
		{in: "Jr.", err: errNameAllTitle},
		{in: "Levi, Dana, PhD, MBA", err: errNameCommas},
		{in: "Levi,", err: errNameNoGiven},
		{in: ", Dana", err: errNameNoGiven},
	}
	for _, tt := range tests {
		first, middle, last, err := splitName(tt.in)
		if err != tt.err || first != tt.first || middle != tt.middle || last != tt.last {
			t.Errorf("splitName(%q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tt.in, first, middle, last, err, tt.first, tt.middle, tt.last, tt.err)
		}
	}
}

func TestFullNameRule(t *testing.T) {
	header := []string{"ID", "Candidate Name"}
	m, err := Load(strings.NewReader("field,column,default\npartner_candidate_id,ID,\nfull_name,Candidate Name,\nposition_uid,,11.11\n"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := m.Unfed(); len(got) != 0 {
		t.Errorf("Unfed() = %q: full_name feeds the names", got)
	}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	c, problems := b.Candidate([]string{"1", "LEVI Dana Marie"})
	if len(problems) != 0 || c.FirstName != "Dana" || c.MiddleName != "Marie" || c.LastName != "LEVI" {
		t.Errorf("got %q %q %q, %v", c.FirstName, c.MiddleName, c.LastName, problems)
	}
	if col, ok := b.Column("last_name"); !ok || col != "Candidate Name" {
		t.Errorf("Column(last_name) = %q, %v; want the full_name column", col, ok)
	}
	for _, tt := range []struct{ cell, want string }{
		{"Madonna", `full_name: column "Candidate Name" holds "Madonna", a single word: a first and a last name are required; ` +
			`write both ("Dana Levi" or "Levi, Dana"), or map them from two columns`},
		{"", `full_name: column "Candidate Name" is empty: a first and a last name are required; ` +
			`write both ("Dana Levi" or "Levi, Dana"), or map them from two columns`},
	} {
		c, problems := b.Candidate([]string{"1", tt.cell})
		if c == nil || len(problems) != 1 {
			t.Fatalf("Candidate(%q) = %v, %v; want a candidate and one problem", tt.cell, c, problems)
		}
		p := problems[0]
		if p.Field != FullName || p.Code != comeet.CodeRequiredField || p.Message != tt.want {
			t.Errorf("Candidate(%q) problem\n%+v\nwant message\n%s", tt.cell, p, tt.want)
		}
		if c.FirstName != "" || c.LastName != "" {
			t.Errorf("Candidate(%q) guessed %q %q", tt.cell, c.FirstName, c.LastName)
		}
	}
}
