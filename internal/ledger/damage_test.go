package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// writeClosedLedger makes a ledger of n done entries and closes it, so the
// file holds every page (no -wal).
func writeClosedLedger(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	l, path := openTemp(t)
	for i := range n {
		c := &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: key(i).PartnerCandidateID, FirstName: "Ann", LastName: "Lee"}
		e := Entry{Key: c.Key(), RowHash: l.Fingerprint(c), Sent: l.SentOf(c), Outcome: "created", CandidateUID: "00.X"}
		if err := l.Finish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDamagedLedgerIsRefused: a ledger cut inside its last page or on a
// page boundary, grown by stray bytes, or with a page overwritten is
// refused by Open and OpenReadOnly with ErrDamaged and the file's name,
// never read short.
func TestDamagedLedgerIsRefused(t *testing.T) {
	good := writeClosedLedger(t, 300)
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	if len(orig)%page != 0 || len(orig) < 8*page {
		t.Fatalf("the ledger has %d bytes: want several whole pages", len(orig))
	}
	overwrite := func(b []byte) []byte {
		b = append([]byte(nil), b...)
		copy(b[3*page+100:], strings.Repeat("\xff", 1500)) // inside a b-tree page
		return b
	}
	cases := map[string][]byte{
		"cut 200 bytes":      orig[:len(orig)-200],
		"cut 1000 bytes":     orig[:len(orig)-1000],
		"cut 4000 bytes":     orig[:len(orig)-4000],
		"cut one page":       orig[:len(orig)-page],
		"cut three pages":    orig[:len(orig)-3*page],
		"a page added":       append(append([]byte(nil), orig...), make([]byte, page)...),
		"a page overwritten": overwrite(orig),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.ledger")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			for mode, open := range map[string]func(context.Context, string) (*Ledger, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
				l, err := open(context.Background(), path)
				if err == nil {
					l.Close()
					t.Fatalf("%s: opened a damaged ledger", mode)
				}
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
					t.Errorf("%s: got %v, want ErrDamaged naming %s", mode, err, path)
				}
			}
		})
	}
	// The intact file still opens, both ways.
	for _, open := range []func(context.Context, string) (*Ledger, error){OpenReadOnly, Open} {
		l, err := open(context.Background(), good)
		if err != nil {
			t.Fatalf("an intact ledger: %v", err)
		}
		l.Close()
	}
}
