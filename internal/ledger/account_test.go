package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBindAccount(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "l.db")
	sandbox := AccountOf("http://127.0.0.1:8080", "sandbox-key")
	real := AccountOf("https://api.comeet.co", "customer-key")

	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.BindAccount(ctx, sandbox); err != nil {
		t.Fatalf("first bind: %v", err)
	}
	if err := l.BindAccount(ctx, sandbox); err != nil {
		t.Fatalf("same account again: %v", err)
	}
	err = l.BindAccount(ctx, real)
	if !errors.Is(err, ErrOtherAccount) || !strings.Contains(err.Error(), "http://127.0.0.1:8080") {
		t.Fatalf("got %v, want ErrOtherAccount naming the sandbox", err)
	}
	l.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.BindAccount(ctx, real); !errors.Is(err, ErrOtherAccount) {
		t.Fatalf("read-only: got %v, want ErrOtherAccount", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "customer-key") || strings.Contains(string(b), "sandbox-key") {
		t.Fatal("the ledger file holds an api key in clear")
	}
}

func TestAccountOf(t *testing.T) {
	a, b := AccountOf("https://api.comeet.co", "k1"), AccountOf("https://api.comeet.co", "k2")
	if a.ID == b.ID || len(a.ID) != 32 {
		t.Fatalf("got ids %q and %q, want two different 32-digit ids", a.ID, b.ID)
	}
	if a != AccountOf("https://api.comeet.co", "k1") {
		t.Fatal("AccountOf is not stable")
	}
	if AccountOf("http://127.0.0.1:8080", "k").ID != AccountOf("http://localhost:9999", "k").ID {
		t.Fatal("two sandboxes on this machine got different accounts")
	}
}
