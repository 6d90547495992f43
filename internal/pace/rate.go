package pace

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Rate is an allowance of N requests per Per, as Comeet states its limit.
type Rate struct {
	N   int
	Per time.Duration
}

// DefaultRate is Comeet's documented limit: 100 requests per 60 seconds per
// account.
var DefaultRate = Rate{N: 100, Per: 60 * time.Second}

// DefaultSafetyMargin is the share of the rate left unused, so that jitter in
// when requests reach the server never puts 101 of them into one window.
// With a burst of one, any 101 requests leave Per/(1-margin) apart, so the
// margin is the slack a request may lose on its way relative to the one
// sent 100 requests later: 1.2 s of Comeet's 60 s window. Measured against
// the fake Comeet at 100 per 2 s (bench/run.sh), a busy two-core machine
// loses up to 30 ms on that way; 1% (20 ms there) drew a few 429s, 2%
// (41 ms) none, and the run still takes only 1.02 times the ideal.
const DefaultSafetyMargin = 0.02

// ParseRate reads "N/DURATION" ("100/60s", "100/1m", "5/1s"); "0" or "none"
// means unpaced (for a sandbox without a limit).
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "0" || strings.EqualFold(s, "none") {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/DURATION, like 100/60s", s)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 {
		return Rate{}, fmt.Errorf("rate %q: %q is not a positive whole number", s, n)
	}
	d, err := parsePer(strings.TrimSpace(per))
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("rate %q: %q is not a positive duration like 60s", s, per)
	}
	return Rate{N: count, Per: d}, nil
}

// rateUnits are the words for a rate's period beside Go's units: "100/min"
// and "100/minute" read as 100/1m.
var rateUnits = map[string]string{
	"sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}

// parsePer reads a rate's period: a Go duration ("60s", "1m"), a unit
// alone ("m", "min", "minute": one of it) or a number with a unit word
// ("2 minutes").
func parsePer(per string) (time.Duration, error) {
	num := per
	if i := strings.IndexFunc(per, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }); i >= 0 {
		num = per[:i]
	}
	unit := strings.ToLower(strings.TrimSpace(per[len(num):]))
	if u, ok := rateUnits[unit]; ok {
		unit = u
	}
	if num == "" {
		num = "1" // "100/m" reads as 100 per minute
	}
	return time.ParseDuration(num + unit)
}

// Unlimited reports whether the rate paces nothing.
func (r Rate) Unlimited() bool { return r.N == 0 }

func (r Rate) String() string {
	if r.Unlimited() {
		return "unlimited"
	}
	if r.Per%time.Second == 0 {
		return fmt.Sprintf("%d/%ds", r.N, r.Per/time.Second)
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// PerSecond is the rate as requests per second.
func (r Rate) PerSecond() float64 {
	if r.Unlimited() {
		return 0
	}
	return float64(r.N) / r.Per.Seconds()
}

// Limiter returns the token bucket that paces every attempt of every
// worker. Comeet counts requests in a window of Per; a bucket with a burst
// above one could spend a whole window's allowance at once and then, at the
// window's edge, overrun it. A burst of one at an even interval of
// Per/(N*(1-margin)) can never put more than N requests in any window, and
// keeps the pipe full as long as enough workers are waiting on it.
func (r Rate) Limiter(margin float64) *rate.Limiter {
	if r.Unlimited() {
		return nil
	}
	if margin < 0 || margin >= 1 {
		margin = DefaultSafetyMargin
	}
	interval := time.Duration(float64(r.Per) / (float64(r.N) * (1 - margin)))
	return rate.NewLimiter(rate.Every(interval), 1)
}
