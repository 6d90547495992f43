package comeet

import (
	"testing"
	"time"
)

// TestTokenInvalidateSameSecond: the token minted after a refusal differs
// from the refused one even when the clock has not moved (a 401 answered
// within the second the token was minted).
func TestTokenInvalidateSameSecond(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	ts := newTokenSource("k", "s", clock.Now)
	first, _ := ts.Token()
	ts.Invalidate(first)
	second, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatalf("got the refused token again, want a new one")
	}
	claims := parseToken(t, second, "s", clock.t)
	if len(claims) != 2 {
		t.Errorf("got claims %v, want only iss and exp", claims)
	}
	exp, _ := claims.GetExpirationTime()
	if want := clock.t.Add(TokenLifetime + time.Second); !exp.Time.Equal(want) {
		t.Errorf("exp: got %v, want %v", exp.Time, want)
	}
}
