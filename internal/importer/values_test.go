package importer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// TestValuesAsSent checks what reaches Comeet from cells as people type
// them: trimmed, e-mails lower-cased, prospect_status in its documented
// spelling, countries upper-cased, and text kept as text (leading zeros).
func TestValuesAsSent(t *testing.T) {
	srv := newTestServer(t, comeettest.Options{})
	cfg := importConfig(dryConfig(t, ""), srv)
	cfg.Input = writeFile(t, filepath.Join(t.TempDir(), "in.csv"),
		"position_uid,partner_candidate_id,first_name,last_name,email,phone,prospect_status,address.country,source_contact.full_name,source_contact.email\n"+
			"\" 11.11 \",\" V1\",\"  Dana \",\"Levi\u00a0\",\" Dana.Levi@Example.COM \",0528644246,\"  not   INTERESTED \",il,Ruth ,\" RUTH@Agency.example\"\n"+
			"11.11,V2,Omer,Katz,,007,DO_NOT_CONTACT,,,\n")
	mustRun(t, cfg)
	got := srv.Candidates()
	if len(got) != 2 {
		t.Fatalf("got %d candidates, want 2", len(got))
	}
	c := got[0].Candidate
	checks := []struct{ field, got, want string }{
		{"position_uid", c.PositionUID, "11.11"},
		{"partner_candidate_id", c.PartnerCandidateID, "V1"},
		{"first_name", c.FirstName, "Dana"},
		{"last_name", c.LastName, "Levi"},
		{"email", c.Email, "dana.levi@example.com"},
		{"phone", c.Phone, "0528644246"},
		{"prospect_status", c.ProspectStatus, "Not interested"},
		{"address.country", c.Address.Country, "IL"},
		{"source_contact.full_name", c.SourceContact.FullName, "Ruth"},
		{"source_contact.email", c.SourceContact.Email, "ruth@agency.example"},
		{"second phone", got[1].Candidate.Phone, "007"},
		{"second prospect_status", got[1].Candidate.ProspectStatus, "Do not contact"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %q, want %q", ck.field, ck.got, ck.want)
		}
	}
}

// TestErrorsFileRoundTrip fixes a row in the errors file and feeds the file
// back: the apostrophe the errors file puts before "+34..." (so that a
// spreadsheet does not read it as a formula) is not sent.
func TestErrorsFileRoundTrip(t *testing.T) {
	srv := newTestServer(t, comeettest.Options{})
	dir := t.TempDir()
	cfg := importConfig(dryConfig(t, ""), srv)
	cfg.Input = writeFile(t, filepath.Join(dir, "in.csv"),
		"position_uid,partner_candidate_id,first_name,last_name,email,phone,note\n"+
			"11.11,R1,Dana,Levi,dana@example.com,0528644246,\n"+
			"11.11,R2,José,Núñez,jose@,+34 612 345 678,=cmd|' /C calc'!A0\n")
	mustRun(t, cfg)

	errorsFile := readFile(t, cfg.ErrorsPath)
	for _, want := range []string{"'+34 612 345 678", "'=cmd|", "invalid_email"} {
		if !strings.Contains(errorsFile, want) {
			t.Fatalf("got errors file\n%s\nwant it to contain %q", errorsFile, want)
		}
	}
	fixed := strings.Replace(errorsFile, "jose@,", "jose@example.com,", 1)
	again := cfg
	again.Input = writeFile(t, filepath.Join(dir, "fixed.csv"), fixed)
	again.ReportPath = filepath.Join(dir, "fixed.report.csv")
	again.ErrorsPath = filepath.Join(dir, "fixed.errors.csv")
	mustRun(t, again)

	rows := readCSVMaps(t, again.ReportPath)
	if len(rows) != 1 || rows[0]["outcome"] != "created" {
		t.Fatalf("got report %v, want the fixed row created", rows)
	}
	c, ok := srv.Candidate(rows[0]["candidate_uid"])
	if !ok {
		t.Fatalf("candidate %s is not in the fake Comeet", rows[0]["candidate_uid"])
	}
	sent := []struct{ field, got, want string }{
		{"phone", c.Candidate.Phone, "+34 612 345 678"},
		{"note", c.Candidate.Note, "=cmd|' /C calc'!A0"},
		{"email", c.Candidate.Email, "jose@example.com"},
		{"first_name", c.Candidate.FirstName, "José"},
	}
	for _, s := range sent {
		if s.got != s.want {
			t.Errorf("%s: got %q, want %q", s.field, s.got, s.want)
		}
	}
	if n := srv.CreatedCount(comeet.Key{PositionUID: "11.11", PartnerCandidateID: "R2"}); n != 1 {
		t.Errorf("got %d candidates for R2, want 1", n)
	}
}
