package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// writeV2Ledger makes a ledger as the code before schema 3 wrote it: its
// schema SQL and its JSON and text columns, with entries.
func writeV2Ledger(t *testing.T, path string, entries []Entry) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{"PRAGMA journal_mode = WAL", schemaV1,
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`,
		`INSERT INTO meta (key, value) VALUES ('account_id', 'acct'), ('account_base_url', 'https://api.example')`,
		fmt.Sprintf("PRAGMA application_id = %d", applicationID), "PRAGMA user_version = 2"}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, e := range entries {
		sent, _ := json.Marshal(e.Sent)
		var resp any
		if e.Response != nil {
			b, _ := json.Marshal(e.Response)
			resp = string(b)
		}
		_, err := db.Exec(`INSERT INTO entries (`+columnsV2+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			e.Key.PositionUID, e.Key.PartnerCandidateID, string(e.State), e.Outcome, e.CandidateUID,
			e.HTTPStatus, e.ErrorCode, e.Message, e.Attempts, e.TotalAttempts, e.Runs, e.RowHash,
			string(sent), resp, e.FirstSeen.Format(timeLayoutV2), e.UpdatedAt.Format(timeLayoutV2),
			e.Row, e.Line, e.Source)
		if err != nil {
			t.Fatalf("insert: %v", err)
		}
	}
}

func TestMigrateFromVersion2(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.ledger")
	done := fullEntry()
	done.State, done.Runs, done.TotalAttempts = StateDone, 2, 5
	done.RowHash = strings.Repeat("ab", 32) // version 1: hex SHA-256 of Sent's JSON
	done.FirstSeen, done.UpdatedAt = t0.Add(time.Hour), t0.Add(2*time.Hour)
	pending := Entry{Key: key(1), State: StatePending, Runs: 1, Row: 3, Line: 4, Source: "a.csv",
		Sent:      Sent{Fields: map[string]string{"position_uid": "11.11", "partner_candidate_id": "P0001", "first_name": "Ann"}},
		FirstSeen: t0, UpdatedAt: t0}
	writeV2Ledger(t, path, []Entry{done, pending})

	l, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open an old ledger: %v", err)
	}
	defer l.Close()
	// Values become digests; a version-1 fingerprint, messages and the
	// answer's source contact go.
	wantDone := done
	wantDone.RowHash, wantDone.Message, wantDone.Sent = "", "", digestSent(l, done.Sent)
	resp := *done.Response
	resp.SourceContact, wantDone.Response = nil, &resp
	if got := mustGet(t, l, done.Key); !reflect.DeepEqual(got, wantDone) {
		t.Errorf("migrated entry:\ngot  %+v\nwant %+v", got, wantDone)
	}
	pending.Sent = digestSent(l, pending.Sent)
	if got := mustGet(t, l, pending.Key); !reflect.DeepEqual(got, pending) {
		t.Errorf("migrated pending entry:\ngot  %+v\nwant %+v", got, pending)
	}
	var order []string
	l.Each(ctx, func(e Entry) error { order = append(order, e.Key.PartnerCandidateID); return nil })
	if want := []string{"P0001", done.Key.PartnerCandidateID}; !reflect.DeepEqual(order, want) {
		t.Errorf("order after migration: got %v, want %v (by first seen)", order, want)
	}
	if err := l.BindAccount(ctx, Account{ID: "acct"}); err != nil {
		t.Errorf("the account survived the migration: %v", err)
	}
	known, err := l.Lookup(ctx, []comeet.Key{done.Key})
	if err != nil {
		t.Fatal(err)
	}
	if FingerprintCurrent(known[0].RowHash) {
		t.Error("an old fingerprint counts as current: every old row would show as changed")
	}
	// The migrated ledger takes new writes.
	if err := l.Finish(ctx, Entry{Key: pending.Key, Outcome: "created", CandidateUID: "00.X"}); err != nil {
		t.Fatalf("Finish after migration: %v", err)
	}
}

func TestLookup(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	const n = LookupBatch + 30 // two queries
	var keys []comeet.Key
	for i := range n {
		keys = append(keys, key(i))
		if i%3 == 0 {
			continue // not in the ledger
		}
		e := Entry{Key: key(i), RowHash: l.Fingerprint(&comeet.Candidate{FirstName: strconv.Itoa(i)}),
			Sent: Sent{Files: []SentFile{{Slot: "resume", Name: "cv.pdf", Path: "cv.pdf", Size: int64(i), ModTime: 7, SHA256: sha(i)}}}}
		if err := l.Begin(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i%3 == 2 {
			e.Outcome, e.CandidateUID = "created", "uid"+strconv.Itoa(i)
			if err := l.Finish(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	keys = append(keys, key(2), comeet.Key{}) // a repeat and an incomplete key
	known, err := l.Lookup(ctx, keys)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(known) != len(keys) {
		t.Fatalf("got %d answers for %d keys", len(known), len(keys))
	}
	for i, k := range keys[:n] {
		got := known[i]
		switch i % 3 {
		case 0:
			if got.Found {
				t.Errorf("%v: got %+v, want not found", k, got)
			}
		case 1:
			if !got.Found || got.State != StatePending || got.Outcome != "" {
				t.Errorf("%v: got %+v, want pending", k, got)
			}
		case 2:
			if !got.Found || got.State != StateDone || got.CandidateUID != "uid"+strconv.Itoa(i) || got.UpdatedAt.IsZero() {
				t.Errorf("%v: got %+v, want done with its uid", k, got)
			}
		}
		if got.Found && (!FingerprintCurrent(got.RowHash) || len(got.Files) != 1 || got.Files[0].SHA256 != sha(i) || got.Files[0].ModTime != 7) {
			t.Errorf("%v: got fingerprint %x and files %+v, want what Begin recorded", k, got.RowHash, got.Files)
		}
	}
	if !reflect.DeepEqual(known[n], known[2]) || known[n+1].Found {
		t.Errorf("repeat and incomplete key: got %+v and %+v", known[n], known[n+1])
	}
}

func sha(i int) string { return fmt.Sprintf("%064x", i) }

func TestOpenRefusesEmptyAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content []byte
		want    error
		wantMsg string
	}{
		{"empty file", nil, ErrEmpty, "0 bytes"},
		{"a text file", []byte("position_uid,partner_candidate_id\n11.11,A\n"), errNotLedger, "not a comeet-import ledger"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("f%d.ledger", i))
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			for name, open := range map[string]func(context.Context, string) (*Ledger, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
				l, err := open(context.Background(), path)
				if err == nil {
					l.Close()
				}
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("%s: got %v, want %v", name, err, tt.want)
				}
			}
			if got, _ := os.ReadFile(path); string(got) != string(tt.content) {
				t.Errorf("the file was changed: got %q", got)
			}
		})
	}
}

func TestLockFollowsTheFileNotItsName(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ledger")
	symlink, hardlink := filepath.Join(dir, "sym.ledger"), filepath.Join(dir, "hard.ledger")
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, symlink); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, hardlink); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{symlink, hardlink} {
		o, err := Open(ctx, other)
		if err == nil {
			o.Close()
		}
		wantLocked(t, err, "process "+strconv.Itoa(os.Getpid()))
	}
	l.Close()

	child := startHolder(t, path)
	for _, other := range []string{symlink, hardlink} {
		o, err := Open(ctx, other)
		if err == nil {
			o.Close()
		}
		wantLocked(t, err, "process "+strconv.Itoa(child.Process.Pid))
	}
}

// history and validate read a ledger where they cannot write: they create
// no file beside it (no lock file, no -shm).
func TestReadOnlyOpenWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ledger")
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, Entry{Key: key(1)}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	before := dirNames(t, dir)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly in a read-only folder: %v", err)
	}
	defer ro.Close()
	mustGet(t, ro, key(1))
	if after := dirNames(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("files beside the ledger: got %v, want %v", after, before)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// A write the file cannot take (SQLite's max_page_count reached, as on a
// full disk) fails with ErrWrite, for every caller.
func TestWriteFailureIsErrWrite(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	var pages int
	if err := l.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := l.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	big := fullEntry()
	big.Source = strings.Repeat("x", 1<<16)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			e := big
			e.Key = key(i)
			errs[i] = l.Finish(ctx, e)
		})
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if !errors.Is(err, ErrWrite) {
				t.Errorf("got %v, want an error wrapping ErrWrite", err)
			}
		}
	}
	if failed == 0 {
		t.Error("every write fitted: the test did not fill the file")
	}
	if _, err := l.db.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, Entry{Key: key(9), Outcome: "created"}); err != nil {
		t.Errorf("a write after room was made: %v", err)
	}
}

// TestEachFieldMatchesJSON holds eachField to the JSON body: a field added
// to comeet.Candidate without a line in eachField fails here.
func TestEachFieldMatchesJSON(t *testing.T) {
	full := &comeet.Candidate{
		PositionUID: "p", PartnerCandidateID: "id", FirstName: "f", MiddleName: "m", LastName: "l",
		Email: "e", Phone: "ph", MobilePhone: "mp", NationalID: "n", LinkedInURL: "li",
		SalaryExpectations: "s", ProspectStatus: "ps", Note: "no",
		Links:         []comeet.Link{{URL: "u0"}, {URL: ""}},
		SourceContact: &comeet.SourceContact{FullName: "sf", Email: "se", Phone: "sp"},
		Address:       &comeet.Address{Country: "c", City: "ci", State: "st", Zip: "z", Street: "str"},
		CustomFields:  map[string]string{"b": "2", "a": "", "c": "3"},
	}
	empty := &comeet.Candidate{Address: &comeet.Address{}, SourceContact: &comeet.SourceContact{}}
	for _, c := range []*comeet.Candidate{full, empty} {
		got := map[string]string{}
		eachField(c, func(name, value string) { got[name] = value })
		if want := jsonFields(t, c); !reflect.DeepEqual(got, want) {
			t.Errorf("eachField:\ngot  %v\nwant %v (from the JSON body)", got, want)
		}
	}
}

// jsonFields flattens the candidate's JSON body, as SentOf did before
// schema 3.
func jsonFields(t *testing.T, c *comeet.Candidate) map[string]string {
	bare := *c
	bare.Resume, bare.Picture, bare.Files = nil, nil, nil
	b, err := json.Marshal(&bare)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	json.Unmarshal(b, &tree)
	out := map[string]string{}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, sub := range v {
				if name != "" {
					k = name + "." + k
				}
				walk(k, sub)
			}
		case []any:
			for i, sub := range v {
				walk(name+"["+strconv.Itoa(i)+"]", sub)
			}
		case string:
			out[name] = v
		}
	}
	walk("", tree)
	return out
}

// The fingerprint is stored: its bytes for a given candidate must never
// change within a FingerprintVersion.
func TestFingerprintIsStable(t *testing.T) {
	c := &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "A", FirstName: "Bo", LastName: "C",
		CustomFields: map[string]string{"z": "1", "a": "2"},
		Resume:       &comeet.File{Name: "cv.pdf", Path: "cv/cv.pdf", Size: 3, SHA256: sha(1)}}
	const golden = "f658a15182e12717f21818da0de2f700" // schema 3's version 2, after its version byte
	got := hex.EncodeToString(unkeyedFingerprint(c))
	if got != golden {
		t.Errorf("unkeyed fingerprint: got %s, want %s", got, golden)
	}
	l, _ := openTemp(t)
	other, _ := openTemp(t)
	if fp := l.Fingerprint(c); fp != l.d.keyFP(unkeyedFingerprint(c)) || fp == other.Fingerprint(c) {
		t.Error("a fingerprint is not the ledger's key applied to the unkeyed one")
	}
	if !FingerprintCurrent(l.Fingerprint(c)) || FingerprintCurrent("\x01"+strings.Repeat("a", 64)) || FingerprintCurrent("") {
		t.Error("FingerprintCurrent tells the versions apart wrongly")
	}
	changes := map[string]func(*comeet.Candidate){
		"a value":       func(c *comeet.Candidate) { c.LastName = "D" },
		"a file's sum":  func(c *comeet.Candidate) { c.Resume.SHA256 = sha(2) },
		"a file's path": func(c *comeet.Candidate) { c.Resume.Path = "cv.pdf" },
		"values moved":  func(c *comeet.Candidate) { c.FirstName, c.LastName = "BoC", "" },
	}
	for name, change := range changes {
		d := *c
		f := *c.Resume
		d.Resume = &f
		change(&d)
		if l.Fingerprint(&d) == l.Fingerprint(c) {
			t.Errorf("%s changed, the fingerprint did not", name)
		}
	}
}

// TestResponseRecordKeepsEveryField fails when comeet.Created or
// comeet.Step gains a field the response record does not store.
func TestResponseRecordKeepsEveryField(t *testing.T) {
	if n := reflect.TypeFor[comeet.Created]().NumField(); n != 8 {
		t.Errorf("comeet.Created has %d fields, the response record stores 7 (not the source contact): extend encodeResponse", n)
	}
	if n := reflect.TypeFor[comeet.Step]().NumField(); n != 4 {
		t.Errorf("comeet.Step has %d fields, the response record stores 4: extend encodeResponse", n)
	}
	key := comeet.Key{PositionUID: "11.11", PartnerCandidateID: "A"}
	for _, r := range []*comeet.Created{
		{UID: "u", PositionUID: "11.11", TimeCreated: "t1", TimeLastStatusChanged: "t1", Status: "In progress"},
		{UID: "other", PositionUID: "22.22",
			TimeCreated: "t1", TimeLastStatusChanged: "t2", Status: "s",
			CurrentSteps:   []comeet.Step{{Name: "a", Type: "b", TimeScheduled: "c", TimeCompleted: "d"}},
			CompletedSteps: []comeet.Step{{Name: "e"}, {Name: "f"}}},
		{},
	} {
		b := encodeResponse(r, "u", key)
		got, err := decodeResponse(b.([]byte), "u", key, nil)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("response round trip: got %+v (%v), want %+v", got, err, r)
		}
	}
}

// digestSent is s as the ledger keeps it: digests, without the key's fields.
func digestSent(l *Ledger, s Sent) Sent {
	out := Sent{Fields: map[string]string{}}
	for k, v := range s.Fields {
		if k != "position_uid" && k != "partner_candidate_id" {
			out.Fields[k] = l.Digest(k, v)
		}
	}
	for _, f := range s.Files {
		out.Files = append(out.Files, SentFile{Slot: f.Slot, Name: l.Digest("file.name", f.Name),
			Path: l.Digest("file.path", f.Path), Size: f.Size, SHA256: f.SHA256, ModTime: f.ModTime})
	}
	return out
}
