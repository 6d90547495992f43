package comeet

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func parseToken(t *testing.T, token, secret string, now time.Time) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return claims
}

func TestTokenClaims(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	ts := newTokenSource("key-1", "s3cret", clock.Now)
	token, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	claims := parseToken(t, token, "s3cret", clock.t)
	if got := claims["iss"]; got != "key-1" {
		t.Errorf("iss: got %v, want key-1", got)
	}
	exp, err := claims.GetExpirationTime()
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.t.Add(TokenLifetime); !exp.Time.Equal(want) {
		t.Errorf("exp: got %v, want %v", exp.Time, want)
	}
	if len(claims) != 2 {
		t.Errorf("got claims %v, want only iss and exp", claims)
	}
}

func TestTokenRenewal(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		after time.Duration
		fresh bool
	}{
		{"right away", 0, false},
		{"with two minutes left", TokenLifetime - 2*time.Minute, false},
		{"with exactly the margin left", TokenLifetime - TokenRenewBefore, false},
		{"with less than the margin left", TokenLifetime - TokenRenewBefore + time.Second, true},
		{"after expiry", TokenLifetime + time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: start}
			ts := newTokenSource("k", "s", clock.Now)
			first, _ := ts.Token()
			clock.t = start.Add(tt.after)
			second, _ := ts.Token()
			if got := second != first; got != tt.fresh {
				t.Errorf("new token: got %v, want %v", got, tt.fresh)
			}
			if tt.fresh {
				parseToken(t, second, "s", clock.t) // valid now
			}
		})
	}
}

func TestTokenInvalidate(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	ts := newTokenSource("k", "s", clock.Now)
	first, _ := ts.Token()
	ts.Invalidate("some other token")
	if again, _ := ts.Token(); again != first {
		t.Errorf("invalidating another token replaced the cached one")
	}
	ts.Invalidate(first)
	clock.t = clock.t.Add(time.Second) // a new exp, so a new signature
	if again, _ := ts.Token(); again == first {
		t.Errorf("got the refused token again, want a new one")
	}
}
