package pace

import (
	"context"
	"math"
	"sync"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// Adaptive pacing. The rate limiter paces requests to the account's
// documented limit, so a 429 means that something else (another integration
// on the same account) spends the budget too. The pool then slows down, and
// speeds up again step by step once Comeet stops refusing.
const (
	// SlowdownFactor multiplies the rate on a 429.
	SlowdownFactor = 0.5
	// SlowestShare is the floor of the rate, as a share of the configured
	// rate: slowing further would only stretch the run without helping.
	SlowestShare = 0.1
	// SpeedUpAfter is how many answers in a row without a 429 earn a step
	// back up.
	SpeedUpAfter = 20
	// SpeedUpFactor multiplies the rate on each step back up, until the
	// configured rate is reached.
	SpeedUpFactor = 1.1
)

// pace is the state of adaptive pacing. Its methods are pure arithmetic
// over the answers seen, so the policy is tested as a table, with no clock.
type pace struct {
	configured float64 // requests per second, as the limiter was built
	current    float64 // the rate in force now
	lowest     float64 // the lowest rate reached
	slowdowns  int     // how many times the rate was lowered
	// streak counts answers without a 429 since the last change of rate.
	streak int
	// echoes counts answers still expected from requests paced at the rate
	// before the last slowdown: their 429s say nothing about the new rate.
	echoes int
	// inFlight is how many requests can be on their way at once (the
	// workers): the echoes of a slowdown.
	inFlight int
}

func newPace(perSecond float64, inFlight int) pace {
	return pace{configured: perSecond, current: perSecond, lowest: perSecond, inFlight: max(inFlight, 1)}
}

// throttled is the pace after a 429 answer.
func (p pace) throttled() pace {
	p.streak = 0
	if p.echoes > 0 {
		p.echoes--
		return p
	}
	next := max(p.current*SlowdownFactor, p.configured*SlowestShare)
	if next >= p.current {
		return p // already at the floor
	}
	p.current, p.lowest = next, min(p.lowest, next)
	p.slowdowns++
	p.echoes = p.inFlight - 1 // the other workers' requests were paced at the old rate
	return p
}

// answered is the pace after an answer that was not a 429.
func (p pace) answered() pace {
	if p.echoes > 0 {
		p.echoes--
	}
	if p.current >= p.configured {
		return p
	}
	if p.streak++; p.streak >= SpeedUpAfter {
		p.current = min(p.current*SpeedUpFactor, p.configured)
		p.streak = 0
	}
	return p
}

// Adaptive is the shared rate limiter with adaptive pacing: the client
// reports every attempt's answer to Observe, which changes the limiter's
// rate as the pace says. It is safe for concurrent use.
type Adaptive struct {
	lim *rate.Limiter
	log zerolog.Logger

	mu   sync.Mutex
	pace pace
}

// NewAdaptive paces at lim's rate at most. workers is how many requests
// can be on their way at once: the 429s of requests paced at the old rate
// after a slowdown, which say nothing about the new one.
func NewAdaptive(lim *rate.Limiter, workers int, log zerolog.Logger) *Adaptive {
	return &Adaptive{lim: lim, log: log, pace: newPace(float64(lim.Limit()), workers)}
}

// Wait waits for the limiter at the rate now in force.
func (a *Adaptive) Wait(ctx context.Context) error { return a.lim.Wait(ctx) }

// Observe takes one attempt's answer (comeet.Config.Observe): status 0 (no
// answer) says nothing about the rate.
func (a *Adaptive) Observe(status int, throttled bool) {
	if status == 0 && !throttled {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	before := a.pace
	if throttled {
		a.pace = a.pace.throttled()
	} else {
		a.pace = a.pace.answered()
	}
	if a.pace.current == before.current {
		return
	}
	a.lim.SetLimit(rate.Limit(a.pace.current))
	ev, msg := a.log.Info(), "rate: no 429 lately, speeding up"
	if a.pace.current < before.current {
		ev, msg = a.log.Warn(), "rate: Comeet answered 429 although the requests are paced to the limit (another integration may share the budget), slowing down"
	}
	ev.Float64("per_minute", perMinute(a.pace.current)).
		Float64("configured_per_minute", perMinute(a.pace.configured)).Msg(msg)
}

// Slowed returns how many times the rate was lowered and the lowest rate
// reached, in requests per minute; zeros for a nil Adaptive (unpaced).
func (a *Adaptive) Slowed() (slowdowns int, lowestPerMinute float64) {
	if a == nil {
		return 0, 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pace.slowdowns == 0 {
		return 0, 0
	}
	return a.pace.slowdowns, perMinute(a.pace.lowest)
}

// perMinute converts a rate to requests a minute, to one decimal.
func perMinute(perSecond float64) float64 { return math.Round(perSecond*600) / 10 }
