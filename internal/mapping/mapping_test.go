package mapping

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Rule
	}{
		{
			name: "plain",
			in:   "field,column,default\nfirst_name,First Name,\nposition_uid,,11.11\n",
			want: []Rule{{"first_name", "First Name", ""}, {"position_uid", "", "11.11"}},
		},
		{
			name: "bom, folded header, comments, blank lines, trimming, no trailing cell",
			in:   "\uFEFF Field ,COLUMN,Default\r\n# a comment\r\n\r\n  email ,\u00a0E-mail\t, \r\nprospect_status,Status,  Sourced \r\nlast_name,Surname\r\n",
			want: []Rule{{"email", "E-mail", ""}, {"prospect_status", "Status", "Sourced"}, {"last_name", "Surname", ""}},
		},
		{
			name: "field names are canonicalised, custom keys kept as written",
			in:   "field,column,default\nFirst Name,First,\nSource-Contact.Email,Recruiter email,\nCustom_Fields. Notice Period ,Notice,\n",
			want: []Rule{{"first_name", "First", ""}, {"source_contact.email", "Recruiter email", ""}, {"custom_fields.Notice Period", "Notice", ""}},
		},
		{
			name: "links and files repeat; extra columns ignored; default without column order",
			in:   "default,field,column,comment\n,links,Portfolio,mine\n,links,GitHub,\n,files,Docs,\nx.pdf,files,,\n",
			want: []Rule{{"links", "Portfolio", ""}, {"links", "GitHub", ""}, {"files", "Docs", ""}, {"files", "", "x.pdf"}},
		},
		{
			name: "quoted value with comma and newline",
			in:   "field,column,default\nsalary_expectations,\"Salary, yearly\",\"10,000\"\nnote,Notes,\"line one\nline two\"\n",
			want: []Rule{{"salary_expectations", "Salary, yearly", "10,000"}, {"note", "Notes", "line one\nline two"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(m.Rules, tt.want) {
				t.Errorf("got rules %q, want %q", m.Rules, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the whole message
	}{
		{
			name: "unknown field with a hint",
			in:   "field,column,default\nposition_uid,,1\nemail,Mail,\nfrist_name,First,\n",
			want: `load mapping: line 4: unknown field "frist_name"; did you mean first_name?`,
		},
		{
			name: "unknown field without a hint",
			in:   "field,column,default\nshoe_size,Shoes,\n",
			want: `load mapping: line 2: unknown field "shoe_size"`,
		},
		{
			name: "misspelt custom prefix",
			in:   "field,column,default\ncustom_field.team,Team,\n",
			want: `load mapping: line 2: unknown field "custom_field.team"; did you mean custom_fields.team?`,
		},
		{
			name: "custom field without a name",
			in:   "field,column,default\ncustom_fields.,Team,\n",
			want: `load mapping: line 2: field "custom_fields.": a custom field needs its name after the dot, as in custom_fields.salary_currency`,
		},
		{
			name: "template placeholder",
			in:   "field,column,default\ncustom_fields.<name>,Team,\n",
			want: `load mapping: line 2: field "custom_fields.<name>": replace <name> with the custom field's name in Comeet`,
		},
		{
			name: "missing header",
			in:   "first_name,First Name,\nlast_name,Surname,\n",
			want: `load mapping: line 1: missing header: want field,column,default, got "first_name,First Name,"`,
		},
		{
			name: "header after comments names its own line",
			in:   "# mapping\n# for agency\ncolumn,default\nfirst_name,x\n",
			want: `load mapping: line 3: missing header: want field,column,default, got "column,default"`,
		},
		{
			name: "header only",
			in:   "field,column,default\n",
			want: `load mapping: line 1: no rules after the header`,
		},
		{
			name: "empty file",
			in:   "",
			want: `load mapping: the file is empty; it needs the header field,column,default and one rule per line`,
		},
		{
			name: "neither column nor default",
			in:   "field,column,default\nfirst_name,First,\n# note\nemail, ,\n",
			want: `load mapping: line 4: field email has neither a column nor a default`,
		},
		{
			name: "empty field",
			in:   "field,column,default\n,First,\n",
			want: `load mapping: line 2: empty field`,
		},
		{
			name: "scalar given twice",
			in:   "field,column,default\nemail,Mail,\nphone,Phone,\nE-mail,Email,\n",
			want: `load mapping: line 4: field email is given twice (first on line 2); only links, files and note take several (a note joins its columns)`,
		},
		{
			name: "custom field given twice",
			in:   "field,column,default\ncustom_fields.team,Team,\ncustom_fields.team,Group,\n",
			want: `load mapping: line 3: field custom_fields.team is given twice (first on line 2); only links, files and note take several (a note joins its columns)`,
		},
		{
			name: "unquoted comma",
			in:   "field,column,default\nsalary_expectations,,10,000\n",
			want: `load mapping: line 2: 4 cells, the header has 3 (quote a value that contains a comma)`,
		},
		{
			name: "every fault at once",
			in:   "field,column,default\nfrist_name,First,\nlast_name,,\nfirst_name,First,\nfirst_name,Given,\n",
			want: "load mapping: line 2: unknown field \"frist_name\"; did you mean first_name?\n" +
				"line 3: field last_name has neither a column nor a default\n" +
				"line 5: field first_name is given twice (first on line 4); only links, files and note take several (a note joins its columns)",
		},
		{
			name: "broken quote",
			in:   "field,column,default\nfirst_name,\"First,\n",
			want: `load mapping: line 2: extraneous or missing " in quoted-field`,
		},
		{
			name: "header names a column twice",
			in:   "field,column,column\nfirst_name,a,b\n",
			want: `load mapping: line 1: header names "column" twice`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got mapping %q, want error %q", m.Rules, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestLoadErrorsAreInvalid(t *testing.T) {
	_, err := Load(strings.NewReader("field,column,default\nfrist_name,First,\n"))
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("got %v, want an error matching ErrInvalid", err)
	}
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Errorf("got %#v, want a *LineError on line 2", le)
	}
}

func TestLoadFile(t *testing.T) {
	m, err := LoadFile(filepath.Join("testdata", "agency_mapping.csv"))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if got, want := len(m.Rules), 21; got != want {
		t.Errorf("got %d rules, want %d", got, want)
	}
	if got, want := m.Rules[0], (Rule{"position_uid", "", "11.11"}); got != want {
		t.Errorf("got first rule %q, want %q", got, want)
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("field,column,default\nfirstname,First,\nemail,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(bad)
	want := "load mapping " + bad + ": line 3: field email has neither a column nor a default"
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}

	if _, err := LoadFile(filepath.Join(t.TempDir(), "absent.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error matching os.ErrNotExist", err)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	m := &Mapping{Rules: []Rule{
		{"position_uid", "", "11.11"},
		{"first_name", "First Name", ""},
		{"salary_expectations", "Salary, yearly", "10,000"},
		{"note", "Notes", "line one\nline two"},
		{"links", "Portfolio", ""},
		{"links", "GitHub", `"quoted"`},
		{"custom_fields.Notice period", "Notice", ""},
	}}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got, want := strings.SplitN(buf.String(), "\n", 2)[0], "field,column,default"; got != want {
		t.Errorf("got header %q, want %q", got, want)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatalf("Load of written mapping: %v", err)
	}
	if !reflect.DeepEqual(back.Rules, m.Rules) {
		t.Errorf("got %q after a round trip, want %q", back.Rules, m.Rules)
	}
}

func TestFields(t *testing.T) {
	got := Fields()
	want := []string{
		"position_uid", "partner_candidate_id", "first_name", "middle_name", "last_name", "email",
		"phone", "mobile_phone", "national_id", "linkedin_url", "salary_expectations", "prospect_status",
		"resume", "picture", "links", "files", "source_contact.full_name", "source_contact.email",
		"source_contact.phone", "address.country", "address.city", "address.state", "address.zip",
		"address.street", "custom_fields.<name>", "note",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	got[0] = "changed"
	if Fields()[0] != "position_uid" {
		t.Error("Fields returned its own table: a caller changed it")
	}
}

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf); err != nil {
		t.Fatalf("Template: %v", err)
	}
	want := strings.Join(Fields(), ",") + "\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	// The template's header maps itself: every fixed field, and not the
	// placeholder.
	header := strings.Split(strings.TrimSpace(buf.String()), ",")
	m := FromHeader(header)
	if got, want := len(m.Rules), len(Fields())-1; got != want {
		t.Errorf("FromHeader(template) got %d rules, want %d: %q", got, want, m.Rules)
	}
	for _, r := range m.Rules {
		if r.Field != r.Column {
			t.Errorf("got rule %q, want the column named as its field", r)
		}
	}
}

func TestUnfed(t *testing.T) {
	m := &Mapping{Rules: []Rule{
		{Field: "position_uid", Default: "11.11"},
		{Field: "first_name", Column: "First"},
		{Field: "last_name"}, // neither column nor default feeds it
	}}
	got := m.Unfed()
	if want := []string{"partner_candidate_id", "last_name"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Issue 9: --mapping /dev/zero grew without bound.
func TestLoadFileSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	body := "field,column,default\nfirstname,First,\n" + strings.Repeat("# a comment line of padding\n", MaxFileBytes/28+1)
	if err := os.WriteFile(big, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(big); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), big) {
		t.Errorf("LoadFile(%s): got %v, want ErrTooLarge naming the file", big, err)
	}
}

// Issue 9: a FIFO given as the mapping blocked in open(2) for ever, and
// /dev/zero was read up to the size cap; anything but a regular file is
// now refused before a byte is read.
func TestLoadFileRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "mapping.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	paths := map[string]string{fifo: "FIFO", dir: "directory"}
	if _, err := os.Stat("/dev/zero"); err == nil {
		zero := filepath.Join(dir, "zero.csv")
		if err := os.Symlink("/dev/zero", zero); err != nil {
			t.Fatal(err)
		}
		paths[zero] = "device"
	}
	for path, kind := range paths {
		done := make(chan error, 1)
		go func() {
			_, err := LoadFile(path)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), kind) {
				t.Errorf("LoadFile(%s): got %v, want ErrNotRegular naming the file and %q", path, err, kind)
			}
		case <-time.After(time.Minute):
			// Only a hang reaches this: LoadFile does no slow work.
			t.Fatalf("LoadFile(%s) blocked", path)
		}
	}
}
