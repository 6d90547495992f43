package mapping

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// FuzzCandidate maps random rows under random headers: Bind either binds or
// reports a configuration error, and Candidate gives either a candidate or
// problems (both only for a name full_name cannot split), never a panic, and
// never an untrimmed or empty value.
func FuzzCandidate(f *testing.F) {
	f.Add("First Name,Surname,E-mail,links,custom_fields.team", " Dana ,Levi,dana@example.com,a;b|c,x")
	f.Add("Candidate ID,CV,Recruiter,Country", "1,cv.pdf,\u00a0Ruth\u00a0,US")
	f.Add("email,email,files", "a,b, ; |x.pdf\n")
	f.Add("a,b", "only one")
	f.Add("", "")
	f.Add("Candidate Name,ID,Status,Country", "Madonna,1,Screening,Deutschland")
	f.Add("Name,Links,Attachments", "LEVI  Dana,\"https://a.example, https://b.example\",\"a.pdf, b.pdf\"")
	f.Fuzz(func(t *testing.T, header, row string) {
		cols := strings.Split(header, ",")
		cells := strings.Split(row, ",")
		suggested, _ := Suggest(cols)
		for _, m := range []*Mapping{FromHeader(cols), suggested} {
			b, err := m.Bind(cols)
			if err != nil {
				if !errors.Is(err, ErrInvalid) || len(m.Rules) > 0 {
					t.Fatalf("Bind(%q) of its own mapping %q: %v", cols, m.Rules, err)
				}
				continue
			}
			c, problems := b.Candidate(cells)
			if c == nil && len(problems) == 0 {
				t.Fatalf("Candidate(%q) got neither a candidate nor problems", cells)
			}
			// Beside a candidate, only the mapping's own field problems (a
			// name that cannot be split).
			for _, p := range problems {
				if c != nil && p.Field != FullName {
					t.Fatalf("Candidate(%q) got candidate %v and problem %v", cells, c, p)
				}
			}
			if c != nil {
				checkClean(t, c)
			}
		}
	})
}

// checkClean fails when c holds an untrimmed value or an empty one that
// should have been left out.
func checkClean(t *testing.T, c *comeet.Candidate) {
	t.Helper()
	check := func(what, v string, mayBeEmpty bool) {
		if v != trim(v) || (v == "" && !mayBeEmpty) {
			t.Fatalf("%s: got %q, want a trimmed, non-empty value", what, v)
		}
	}
	for _, v := range []string{c.PositionUID, c.PartnerCandidateID, c.FirstName, c.MiddleName, c.LastName, c.Email,
		c.Phone, c.MobilePhone, c.NationalID, c.LinkedInURL, c.SalaryExpectations, c.ProspectStatus, c.Note} {
		check("scalar", v, true)
	}
	for _, l := range c.Links {
		check("link", l.URL, false)
		if strings.ContainsAny(l.URL, valueSeparators) {
			t.Fatalf("link %q holds a separator", l.URL)
		}
	}
	for _, f := range append(c.Files, c.Resume, c.Picture) {
		if f != nil {
			check("file", f.Path, false)
		}
	}
	if sc := c.SourceContact; sc != nil && *sc == (comeet.SourceContact{}) {
		t.Fatal("got an empty source contact, want nil")
	}
	if a := c.Address; a != nil && *a == (comeet.Address{}) {
		t.Fatal("got an empty address, want nil")
	}
	if c.CustomFields != nil && len(c.CustomFields) == 0 {
		t.Fatal("got empty custom fields, want nil")
	}
	for k, v := range c.CustomFields {
		check("custom field "+k, v, false)
	}
}

// FuzzLoad reads random mapping files: Load never panics, and whatever it
// accepts it writes back to a file that loads to the same rules.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("field,column,default\nfirst_name,First Name,\nposition_uid,,11.11\n"))
	f.Add([]byte("\uFEFFfield,column,default,comment\n# c\nlinks,A,x;y\nlinks,B,\ncustom_fields.x y,\"a,b\",\"q\"\"\"\n"))
	f.Add([]byte("field,column,default\nfrist_name,First,\nemail,,\n"))
	f.Add([]byte("field,column\n\"unterminated\n"))
	f.Add([]byte("field;column;default;value;send;comment\r\nfull_name;Name;;;;\r\nprospect_status;Stage;;;;\r\nprospect_status;;;New;Sourced;x\r\nprospect_status;;;*;;\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(m.Rules) == 0 {
			t.Fatal("Load accepted a mapping without rules")
		}
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatalf("Write: %v", err)
		}
		back, err := Load(&buf)
		if err != nil {
			t.Fatalf("Load of written %q: %v", buf.String(), err)
		}
		if !reflect.DeepEqual(back.Rules, m.Rules) || !reflect.DeepEqual(back.Values, m.Values) {
			t.Fatalf("got %+v after a round trip, want %+v", back, m)
		}
	})
}
