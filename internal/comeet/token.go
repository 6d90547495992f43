package comeet

import (
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token timing.
const (
	// TokenLifetime is how long a minted token is valid (Comeet's samples use
	// ten minutes).
	TokenLifetime = 10 * time.Minute
	// TokenRenewBefore is how long before expiry a cached token is replaced,
	// so a token never expires on its way to the server.
	TokenRenewBefore = time.Minute
)

// tokenSource mints the HS256 bearer token and caches it until it is close
// to expiry. It is safe for concurrent use.
type tokenSource struct {
	apiKey string
	secret []byte
	now    func() time.Time

	mu     sync.Mutex
	token  string
	expiry time.Time
	// refusedExp is the exp of the last token the server refused; the
	// next one is minted with a later exp, so it is a new token even
	// within the same second (exp has one-second resolution and the
	// claims are only iss and exp, as Comeet documents them).
	refusedExp int64
}

func newTokenSource(apiKey, secret string, now func() time.Time) *tokenSource {
	return &tokenSource{apiKey: apiKey, secret: []byte(secret), now: now}
}

// Token returns the cached token, or a fresh one when less than
// TokenRenewBefore is left.
func (ts *tokenSource) Token() (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := ts.now()
	if ts.token != "" && ts.expiry.Sub(now) >= TokenRenewBefore {
		return ts.token, nil
	}
	return ts.mintLocked(now)
}

// Invalidate drops the cached token if it is still the one the server
// refused, so the next Token call mints a new one. Comparing keeps several
// workers that were refused together from each minting.
func (ts *tokenSource) Invalidate(refused string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == refused {
		ts.token = ""
		ts.refusedExp = ts.expiry.Unix()
	}
}

func (ts *tokenSource) mintLocked(now time.Time) (string, error) {
	expiry := now.Add(TokenLifetime)
	if expiry.Unix() <= ts.refusedExp {
		expiry = time.Unix(ts.refusedExp+1, 0)
	}
	claims := jwt.MapClaims{"iss": ts.apiKey, "exp": expiry.Unix()}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(ts.secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	ts.token, ts.expiry = signed, time.Unix(expiry.Unix(), 0)
	return signed, nil
}
