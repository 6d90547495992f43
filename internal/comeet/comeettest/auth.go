package comeettest

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

var errUnknownKey = errors.New("unknown api key")

// authorize checks the bearer token: HS256 with the secret, a known iss, an
// exp in the future. Each failure has its own code, so a client can tell a
// wrong key from a wrong secret from a stale token.
func (s *Server) authorize(r *http.Request) (string, answer, bool) {
	token, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || token == "" {
		return "", answerError(http.StatusUnauthorized, comeet.CodeUnauthorized, "missing bearer token"), false
	}
	var iss string
	_, err := jwt.Parse(token, func(t *jwt.Token) (any, error) {
		iss, _ = t.Claims.GetIssuer()
		if !s.keys[iss] {
			return nil, errUnknownKey
		}
		return []byte(s.opts.Secret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(s.opts.Now), jwt.WithExpirationRequired())
	switch {
	case err == nil:
		return iss, answer{}, true
	case errors.Is(err, errUnknownKey):
		return iss, answerError(http.StatusUnauthorized, comeet.CodeUnknownAPIKey, "unknown api key"), false
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return iss, answerError(http.StatusUnauthorized, comeet.CodeInvalidSignature, "invalid token signature"), false
	case errors.Is(err, jwt.ErrTokenExpired):
		return iss, answerError(http.StatusUnauthorized, comeet.CodeTokenExpired, "token expired"), false
	}
	return iss, answerError(http.StatusUnauthorized, comeet.CodeUnauthorized, "invalid token"), false
}

// admit applies the rate limit: at most Rate requests per Per for one api
// key, in a rolling window. Refused requests do not count.
func (s *Server) admit(key string) (answer, bool) {
	if s.opts.Rate <= 0 {
		return answer{}, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	window := s.state.window[key]
	cut := 0
	for cut < len(window) && !window[cut].After(now.Add(-s.opts.Per)) {
		cut++
	}
	window = window[cut:]
	if len(window) >= s.opts.Rate {
		s.state.window[key] = window
		s.state.count429++
		a := s.throttled()
		if s.opts.RetryAfterHeader {
			a.retryAfter = retryAfterSeconds(window[0].Add(s.opts.Per).Sub(now))
		}
		return a, false
	}
	s.state.window[key] = append(window, now)
	return answer{}, true
}

// throttled is the 429 Comeet sends, with its documented message.
func (s *Server) throttled() answer {
	rate, per := s.opts.Rate, s.opts.Per
	if rate <= 0 {
		rate, per = 100, time.Minute
	}
	msg := fmt.Sprintf("allowed limit of %d requests per %s seconds", rate,
		strconv.FormatFloat(per.Seconds(), 'f', -1, 64))
	return answerError(http.StatusTooManyRequests, comeet.CodeTooManyRequests, msg)
}

func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
