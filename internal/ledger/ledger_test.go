package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

// openTemp opens a new ledger in a temporary directory with a clock that
// starts at t0 and moves one second per write.
func openTemp(t testing.TB) (*Ledger, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	l.now = stepClock(t0, time.Second)
	return l, path
}

func stepClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := next
		next = next.Add(step)
		return now
	}
}

func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }

func key(n int) comeet.Key {
	return comeet.Key{PositionUID: "11.11", PartnerCandidateID: fmt.Sprintf("P%04d", n)}
}

func mustGet(t *testing.T, l *Ledger, k comeet.Key) Entry {
	t.Helper()
	e, ok, err := l.Get(context.Background(), k)
	if err != nil {
		t.Fatalf("Get %v: %v", k, err)
	}
	if !ok {
		t.Fatalf("Get %v: no entry", k)
	}
	return e
}

// fullEntry sets every field that Begin and Finish take, with text that
// SQL and JSON must carry unchanged.
func fullEntry() Entry {
	return Entry{
		Key:          comeet.Key{PositionUID: "11.11", PartnerCandidateID: "1111A 'quoted' \"x\""},
		Outcome:      "created",
		CandidateUID: "00.AAA",
		HTTPStatus:   201,
		ErrorCode:    comeet.CodeDuplicateCandidate,
		Message:      "line one\nline two; DROP TABLE entries; -- ünïcødé ✓",
		Attempts:     3,
		RowHash:      "sha256:0f1e2d",
		Sent: Sent{
			Fields: map[string]string{"first_name": "Bobby", "address.country": "US", "links[0].url": "https://github.com/bobbyc"},
			Files: []SentFile{
				{Slot: "resume", Name: "bobby_cv.docx", Path: "cv/bobby_cv.docx", Size: 12345, SHA256: "ab12"},
				{Slot: "files[0]", Name: "cover.pdf", Path: "cover.pdf", Size: 0, SHA256: "e3b0"},
			},
		},
		Response: &comeet.Created{
			UID: "00.AAA", PositionUID: "11.11", Status: "In progress",
			TimeCreated:    "2018-01-01T12:50:50Z",
			SourceContact:  &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
			CurrentSteps:   []comeet.Step{{Name: "Phone screen", Type: "interview", TimeScheduled: "2018-01-02T10:00:00Z"}},
			CompletedSteps: []comeet.Step{{Name: "Applied", TimeCompleted: "2018-01-01T12:50:50Z"}},
		},
		Row: 7, Line: 9, Source: "candidates 2026.csv",
	}
}

func TestRoundTripEveryField(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	in := fullEntry()
	in.State, in.Runs, in.TotalAttempts = "ignored", 99, 99 // the ledger owns these
	in.FirstSeen, in.UpdatedAt = time.Unix(1, 0), time.Unix(2, 0)
	if err := l.Begin(ctx, in); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := l.Finish(ctx, in); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	want := fullEntry()
	want.State, want.Runs, want.TotalAttempts = StateDone, 1, 3
	want.FirstSeen, want.UpdatedAt = t0, t0.Add(time.Second)
	want.Message, want.Response.SourceContact = "", nil // may hold values: not kept

	if got := mustGet(t, l, in.Key); !reflect.DeepEqual(got, want) {
		t.Errorf("Get after Finish:\ngot  %+v\nwant %+v", got, want)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	if got := mustGet(t, ro, in.Key); !reflect.DeepEqual(got, want) {
		t.Errorf("Get after reopen:\ngot  %+v\nwant %+v", got, want)
	}
	var all []Entry
	if err := ro.Each(ctx, func(e Entry) error { all = append(all, e); return nil }); err != nil {
		t.Fatalf("Each: %v", err)
	}
	if len(all) != 1 || !reflect.DeepEqual(all[0], want) {
		t.Errorf("Each: got %+v, want [%+v]", all, want)
	}
}

func TestGetMissing(t *testing.T) {
	l, _ := openTemp(t)
	e, ok, err := l.Get(context.Background(), key(1))
	if err != nil || ok || !reflect.DeepEqual(e, Entry{}) {
		t.Errorf("Get of an unknown key: got (%+v, %v, %v), want (zero, false, nil)", e, ok, err)
	}
}

func TestBeginAndFinishRules(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	k := key(1)
	first := Entry{Key: k, RowHash: "h1", Sent: Sent{Fields: map[string]string{"first_name": "A"}}, Row: 1, Line: 2, Source: "a.csv"}
	steps := []struct {
		name  string
		write func() error
		check func(e Entry) string
	}{
		{"begin makes a pending entry", func() error { return l.Begin(ctx, first) }, func(e Entry) string {
			return expect(e.State == StatePending && e.Runs == 1 && e.Outcome == "" && e.RowHash == "h1", e)
		}},
		{"finish keeps what begin recorded", func() error {
			return l.Finish(ctx, Entry{Key: k, Outcome: "failed", HTTPStatus: 503, ErrorCode: "too_many_requests", Attempts: 4})
		}, func(e Entry) string {
			return expect(e.State == StateDone && e.Outcome == "failed" && e.RowHash == "h1" && e.Row == 1 &&
				e.Line == 2 && e.Source == "a.csv" && e.Sent.Fields["first_name"] == "A" && e.TotalAttempts == 4, e)
		}},
		{"begin again clears the answer and counts a run", func() error {
			return l.Begin(ctx, Entry{Key: k, RowHash: "h2", Row: 5, Line: 6, Source: "b.csv"})
		}, func(e Entry) string {
			return expect(e.State == StatePending && e.Runs == 2 && e.Outcome == "" && e.HTTPStatus == 0 &&
				e.ErrorCode == "" && e.Attempts == 0 && e.TotalAttempts == 4 && e.RowHash == "h2" && e.Row == 5 &&
				e.Source == "b.csv" && e.Sent.Fields == nil && e.FirstSeen.Equal(t0), e)
		}},
		{"finish again sums attempts", func() error {
			return l.Finish(ctx, Entry{Key: k, Outcome: "created", CandidateUID: "00.B", HTTPStatus: 201, Attempts: 1, Response: &comeet.Created{UID: "00.B"}})
		}, func(e Entry) string {
			return expect(e.Outcome == "created" && e.CandidateUID == "00.B" && e.Attempts == 1 && e.TotalAttempts == 5 &&
				e.Runs == 2 && e.Response != nil && e.Response.UID == "00.B" && e.UpdatedAt.Equal(t0.Add(3*time.Second)), e)
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.write(); err != nil {
				t.Fatalf("write: %v", err)
			}
			if msg := s.check(mustGet(t, l, k)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func expect(ok bool, e Entry) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("got entry %+v, which breaks the rule", e)
}

func TestFinishWithoutBegin(t *testing.T) {
	l, _ := openTemp(t)
	in := Entry{Key: key(2), Outcome: "invalid", ErrorCode: comeet.CodeInvalidEmail, Row: 3, Line: 4, Source: "a.csv"}
	if err := l.Finish(context.Background(), in); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	got := mustGet(t, l, in.Key)
	want := in
	want.State, want.FirstSeen, want.UpdatedAt = StateDone, t0, t0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestWritesRejectBadInput(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	for _, k := range []comeet.Key{{}, {PositionUID: "11.11"}, {PartnerCandidateID: "A"}} {
		if err := l.Begin(ctx, Entry{Key: k}); err == nil || !strings.Contains(err.Error(), "incomplete key") {
			t.Errorf("Begin with key %+v: got %v, want an incomplete key error", k, err)
		}
		if err := l.Finish(ctx, Entry{Key: k}); err == nil || !strings.Contains(err.Error(), "incomplete key") {
			t.Errorf("Finish with key %+v: got %v, want an incomplete key error", k, err)
		}
	}
	l.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	for name, write := range map[string]func(context.Context, Entry) error{"Begin": ro.Begin, "Finish": ro.Finish} {
		if err := write(ctx, Entry{Key: key(1)}); !errors.Is(err, errReadOnly) {
			t.Errorf("%s on a read-only ledger: got %v, want %v", name, err, errReadOnly)
		}
	}
}

func TestBeginIsDurableWithoutFinish(t *testing.T) {
	ctx := context.Background()
	l, path := openTemp(t)
	in := fullEntry()
	if err := l.Begin(ctx, in); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	l2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer l2.Close()
	got := mustGet(t, l2, in.Key)
	if got.State != StatePending || got.RowHash != in.RowHash || !reflect.DeepEqual(got.Sent, in.Sent) {
		t.Errorf("after reopen: got state %q hash %q sent %+v, want pending %q %+v", got.State, got.RowHash, got.Sent, in.RowHash, in.Sent)
	}
}

func TestFinishIgnoresCancellation(t *testing.T) {
	l, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Finish(ctx, Entry{Key: key(1), Outcome: "created"}); err != nil {
		t.Fatalf("Finish with a cancelled context: %v", err)
	}
	if got := mustGet(t, l, key(1)); got.Outcome != "created" {
		t.Errorf("got outcome %q, want created", got.Outcome)
	}
	if err := l.Begin(ctx, Entry{Key: key(2)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Begin with a cancelled context: got %v, want %v", err, context.Canceled)
	}
}

func TestFileModes(t *testing.T) {
	old := syscall.Umask(0) // SQLite's own default would then be 0644
	defer syscall.Umask(old)
	l, path := openTemp(t)
	if err := l.Begin(context.Background(), Entry{Key: key(1)}); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if suffix == "-shm" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Errorf("stat %s: %v", suffix, err)
			continue
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("mode of %q: got %v, want -rw-------", filepath.Base(path+suffix), got)
		}
	}
}

func TestExistingFileIsMadePrivate(t *testing.T) {
	first, path := openTemp(t)
	first.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer l.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after Open: got %v (%v), want -rw-------", fi.Mode().Perm(), err)
	}
}

func TestSchemaVersionStored(t *testing.T) {
	l, path := openTemp(t)
	l.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wantPragmas(t, db, map[string]string{
		"user_version":   fmt.Sprint(SchemaVersion),
		"application_id": fmt.Sprint(applicationID),
		"journal_mode":   "wal",
	})
}

func TestConnectionSettings(t *testing.T) {
	l, _ := openTemp(t)
	wantPragmas(t, l.db, map[string]string{
		"synchronous":  "2", // FULL: every commit is on disk when it returns
		"busy_timeout": fmt.Sprint(DefaultBusyTimeout.Milliseconds()),
		"journal_mode": "wal",
	})
}

func wantPragmas(t *testing.T, db *sql.DB, want map[string]string) {
	t.Helper()
	for pragma, w := range want {
		var got string
		if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != w {
			t.Errorf("PRAGMA %s: got %s, want %s", pragma, got, w)
		}
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, setup, want string
	}{
		{"another program's database", "CREATE TABLE notes (x TEXT)", "not a comeet-import ledger"},
		{"another application id", "PRAGMA application_id = 7", "not a comeet-import ledger"},
		{"a newer schema", fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, SchemaVersion+1), "newer"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("f%d.db", i))
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(tt.setup)
			db.Close()
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			for name, open := range map[string]func(context.Context, string) (*Ledger, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
				l, err := open(context.Background(), path)
				if err == nil {
					l.Close()
				}
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: got %v, want an error containing %q", name, err, tt.want)
				}
			}
		})
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.ledger")
	l, err := OpenReadOnly(context.Background(), path)
	if err == nil {
		l.Close()
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping %v", err, os.ErrNotExist)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s (stat: %v)", path, err)
	}
}

func TestPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir?x=1#frag%20")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "my ledger.db")
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer l.Close()
	if err := l.Begin(context.Background(), Entry{Key: key(1)}); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the ledger is not where it was asked to be: %v", err)
	}
}

func TestEachOrderAndPaging(t *testing.T) {
	ctx := context.Background()
	l, _ := openTemp(t)
	l.pageSize = 3
	// Written in this order with these clock readings: ties keep write order.
	writes := []struct {
		n  int
		at time.Duration
	}{{5, 4}, {1, 0}, {9, 2}, {3, 2}, {7, 2}, {2, 9}, {4, 1}, {8, 2}, {6, 3}}
	for _, w := range writes {
		l.now = fixedClock(t0.Add(w.at * time.Minute))
		if err := l.Begin(ctx, Entry{Key: key(w.n)}); err != nil {
			t.Fatalf("Begin: %v", err)
		}
	}
	l.now = fixedClock(t0.Add(time.Hour))
	if err := l.Finish(ctx, Entry{Key: key(1), Outcome: "created"}); err != nil { // updates keep first_seen
		t.Fatalf("Finish: %v", err)
	}
	var got []string
	err := l.Each(ctx, func(e Entry) error {
		if _, _, err := l.Get(ctx, e.Key); err != nil { // fn may use the ledger
			return err
		}
		got = append(got, e.Key.PartnerCandidateID)
		return nil
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	want := []string{"P0001", "P0004", "P0009", "P0003", "P0007", "P0008", "P0006", "P0005", "P0002"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Each order: got %v, want %v", got, want)
	}
	stop := errors.New("stop")
	calls := 0
	err = l.Each(ctx, func(Entry) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Each with fn failing: got (%v, %d calls), want (%v, 1 call)", err, calls, stop)
	}
}

func TestConcurrentBeginFinish(t *testing.T) {
	const workers, perWorker = 8, 4
	ctx := context.Background()
	l, _ := openTemp(t)
	shared := comeet.Key{PositionUID: "22.22", PartnerCandidateID: "shared"}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				k := key(w*perWorker + i)
				if err := l.Begin(ctx, Entry{Key: k, RowHash: "h"}); err != nil {
					errs <- err
					return
				}
				if err := l.Finish(ctx, Entry{Key: k, Outcome: "created", Attempts: 1}); err != nil {
					errs <- err
					return
				}
				if err := l.Finish(ctx, Entry{Key: shared, Outcome: "conflict", Attempts: 1}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("worker: %v", err)
	}
	done := 0
	if err := l.Each(ctx, func(e Entry) error {
		if e.State == StateDone {
			done++
		}
		return nil
	}); err != nil {
		t.Fatalf("Each: %v", err)
	}
	if want := workers*perWorker + 1; done != want {
		t.Errorf("done entries: got %d, want %d", done, want)
	}
	if got := mustGet(t, l, shared).TotalAttempts; got != workers*perWorker {
		t.Errorf("total attempts of the shared key: got %d, want %d", got, workers*perWorker)
	}
}

func TestCloseTwice(t *testing.T) {
	l, _ := openTemp(t)
	if err := l.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
}

func BenchmarkBeginFinish(b *testing.B) {
	ctx := context.Background()
	l, _ := openTemp(b)
	e := fullEntry()
	n := 0
	for b.Loop() {
		e.Key = key(n)
		n++
		if err := l.Begin(ctx, e); err != nil {
			b.Fatal(err)
		}
		if err := l.Finish(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBeginFinishParallel is the importer's pattern: workers each
// recording a Begin and a Finish per row, their commits grouped.
func BenchmarkBeginFinishParallel(b *testing.B) {
	ctx := context.Background()
	l, _ := openTemp(b)
	var n atomic.Int64
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := fullEntry()
			e.Key = key(int(n.Add(1)))
			if err := l.Begin(ctx, e); err != nil {
				b.Error(err)
				return
			}
			if err := l.Finish(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
