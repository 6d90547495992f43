package ledger

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// The values of testdata/v3.ledger.db's rows (written by schema 3, which
// kept them in clear), as its maker gave them.
var fixtureValues = []string{
	"Alicewonder", "Zyxwvutson", "alice.zyx@example.org", "+972-54-7731004", "NAT-77310042",
	"SAL-98765", "NOTE-secret-remark", "https://github.com/alicezyx", "Recruiter Qwertyson",
	"qwerty.rec@example.org", "+1-555-0199", "Haifacitytown", "Street-Of-Secrets 7",
	"CUSTOM-senior-xyz", "alice_zyx_cv.pdf", "cvs/alice_zyx_cv.pdf", "Other Recruitername",
	"other.rec@example.org", "Bobbington", "Quuxley", "bob.quux@example.org",
	"Carolinetta", "Pendingsworth", "+44-20-7946-0321",
}

// noValues fails for each value found in the ledger's bytes, -wal file
// included.
func noValues(t *testing.T, path string, values []string) {
	t.Helper()
	for _, v := range values {
		if inFile(t, path, v) {
			t.Errorf("%q is in the ledger's bytes", v)
		}
	}
}

// inFile reports whether v is in the ledger's bytes, -wal file included.
func inFile(t *testing.T, path, v string) bool {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(all) == 0 {
		t.Fatal("nothing read")
	}
	return bytes.Contains(all, []byte(v))
}

func TestMigratedLedgerHoldsNoValue(t *testing.T) {
	ctx := context.Background()
	src, err := os.ReadFile("testdata/v3.ledger.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v3.ledger.db")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range fixtureValues[:3] {
		if !bytes.Contains(src, []byte(v)) {
			t.Fatalf("the fixture lacks %q: the test would prove nothing", v)
		}
	}
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open a schema-3 ledger: %v", err)
	}
	defer l.Close()
	noValues(t, path, fixtureValues)

	// What a re-run compares still works: the fields digested in place
	// equal the digests of the same values made now.
	alice := mustGet(t, l, comeet.Key{PositionUID: "11.11", PartnerCandidateID: "P-ALICE"})
	if alice.Sent.Fields["national_id"] != l.Digest("national_id", "NAT-77310042") || alice.CandidateUID != "00.ALICE" || alice.Outcome != "created" {
		t.Errorf("migrated entry: got %+v", alice)
	}
	if f := alice.Sent.Files; len(f) != 1 || f[0].Path != l.Digest("file.path", "cvs/alice_zyx_cv.pdf") || f[0].Size != 1234 {
		t.Errorf("migrated files: got %+v", f)
	}
	c := &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "P-BOB", FirstName: "Bobbington", LastName: "Quuxley", Email: "bob.quux@example.org"}
	if bob := mustGet(t, l, c.Key()); bob.RowHash != l.Fingerprint(c) {
		t.Error("a migrated fingerprint differs from the one made now of the same row: every row would show as changed")
	}
	if err := l.BindAccount(ctx, AccountOf("http://127.0.0.1:1", "sandbox-key")); err != nil {
		t.Errorf("the account survived the migration: %v", err)
	}
	kp, err := l.KnownProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer kp.Close()
	if ok, err := kp.Has(ctx, KnownProblem{Fingerprint: "abc123", ErrorCode: "invalid_email"}); !ok || err != nil {
		t.Errorf("the known problem did not survive the migration: %v, %v", ok, err)
	}
}

func TestFreshLedgerHoldsNoValue(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	if err := l.BindAccount(ctx, AccountOf("https://user:S3cretPass@api.example", "k")); err != nil {
		t.Fatal(err)
	}
	c := &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "P-ALICE", FirstName: "Alicewonder", LastName: "Zyxwvutson",
		Email: "alice.zyx@example.org", NationalID: "NAT-77310042", Note: "NOTE-secret-remark",
		SourceContact: &comeet.SourceContact{FullName: "Recruiter Qwertyson"},
		Resume:        &comeet.File{Name: "alice_zyx_cv.pdf", Path: "cvs/alice_zyx_cv.pdf", Size: 3, SHA256: sha(1)}}
	e := Entry{Key: c.Key(), RowHash: l.Fingerprint(c), Sent: l.SentOf(c), Row: 1, Line: 2, Source: "in.csv"}
	if err := l.Begin(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Outcome, e.CandidateUID, e.Message = "invalid", "00.A", "email alice.zyx@example.org is taken"
	e.Response = &comeet.Created{UID: "00.A", SourceContact: &comeet.SourceContact{FullName: "Other Recruitername"}}
	if err := l.Finish(ctx, e); err != nil {
		t.Fatal(err)
	}
	values := append(fixtureValues, "S3cretPass")
	noValues(t, path, values) // the WAL, while the run holds the ledger
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	noValues(t, path, values)
}
