package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/mapping"
)

// execute runs the command line with args and returns its standard output,
// standard error and exit code.
func execute(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	_, err := root.ExecuteC()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), exitCode(err)
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMappingCommand(t *testing.T) {
	// Windows-1255 with ';': the header only reads right with the same
	// flags import takes. "\xf9\xed" is "שם" (name), which no field takes.
	input := writeFile(t, "agency.csv", []byte("Candidate ID;Given name;Surname;E-mail;Mobile;CV;Recruiter;\xf9\xed\r\n"+
		"A1;Dana;Levi;dana@example.com;0528644246;dana.pdf;Ruth;x\r\n"))
	stdout, stderr, code := execute(t, "mapping", "--encoding", "windows-1255", "--delimiter", ";", input)
	if code != exitOK {
		t.Fatalf("got exit code %d (%s), want 0", code, stderr)
	}
	want := [][]string{
		{"field", "column", "default"},
		{"partner_candidate_id", "Candidate ID", ""},
		{"first_name", "Given name", ""},
		{"last_name", "Surname", ""},
		{"email", "E-mail", ""},
		{"mobile_phone", "Mobile", ""},
		{"resume", "CV", ""},
	}
	got, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatalf("read the proposed mapping: %v\n%s", err, stdout)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got mapping\n%q\nwant\n%q", got, want)
	}
	// Recruiter is not proposed: without a recruiter e-mail every row
	// naming one would be refused for a source contact without an e-mail.
	for _, note := range []string{`columns not placed (add a line for each one you want sent): "Recruiter", "שם"`,
		`"Recruiter" (source_contact.full_name) not proposed: Comeet takes a source contact only with both`,
		"required fields no column feeds (give each a column or a default): position_uid"} {
		if !strings.Contains(stderr, note) {
			t.Errorf("got standard error\n%s\nwant it to contain %q", stderr, note)
		}
	}
	// What mapping proposes, Load reads back.
	if _, err := mapping.Load(strings.NewReader(stdout)); err != nil {
		t.Errorf("Load of the proposed mapping: %v", err)
	}
}

func TestMappingCommandOutputFile(t *testing.T) {
	input := writeFile(t, "c.csv", []byte("First Name,Last Name,Email Address\nDana,Levi,d@example.com\n"))
	out := filepath.Join(t.TempDir(), "mapping.csv")
	stdout, stderr, code := execute(t, "mapping", "--output", out, input)
	if code != exitOK || stdout != "" {
		t.Fatalf("got exit code %d, stdout %q (%s), want 0 and nothing on stdout", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "field,column,default\nfirst_name,First Name,\nlast_name,Last Name,\nemail,Email Address,\n"
	if string(b) != want {
		t.Errorf("got file\n%s\nwant\n%s", b, want)
	}
}

func TestMappingCommandErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     func(t *testing.T) []string
		wantCode int
		wantErr  string
	}{
		{
			name:     "no file",
			args:     func(*testing.T) []string { return []string{"mapping"} },
			wantCode: exitConfig,
			wantErr:  "want one input FILE",
		},
		{
			name: "empty file",
			args: func(t *testing.T) []string {
				return []string{"mapping", writeFile(t, "empty.csv", nil)}
			},
			wantCode: exitConfig,
			wantErr:  "input is empty",
		},
		{
			name: "duplicate header names",
			args: func(t *testing.T) []string {
				return []string{"mapping", writeFile(t, "dup.csv", []byte("Email,Name,email\na,b,c\n"))}
			},
			wantCode: exitConfig,
			wantErr:  `header has duplicate column names: "Email" (columns 1, 3)`,
		},
		{
			name: "nothing recognisable",
			args: func(t *testing.T) []string {
				return []string{"mapping", writeFile(t, "x.csv", []byte("Foo,Bar\n1,2\n"))}
			},
			wantCode: exitConfig,
			wantErr:  "no column of the header looks like an API field",
		},
		{
			name: "bad delimiter",
			args: func(t *testing.T) []string {
				return []string{"mapping", "--delimiter", ":", writeFile(t, "x.csv", []byte("email\na\n"))}
			},
			wantCode: exitConfig,
			wantErr:  `--delimiter ":"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := execute(t, tt.args(t)...)
			if code != tt.wantCode {
				t.Errorf("got exit code %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("got error %q, want it to contain %q", stderr, tt.wantErr)
			}
			if stdout != "" {
				t.Errorf("got stdout %q, want nothing", stdout)
			}
		})
	}
}
