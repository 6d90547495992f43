package pace

import (
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Account is how a command reaches one Comeet account and how it paces
// and retries its requests: the settings import, check and verify share,
// so that each has one definition and one default.
type Account struct {
	// BaseURL, APIKey and Secret reach the account. Never logged.
	BaseURL, APIKey, Secret string
	// Rate paces every attempt; the zero Rate is unpaced (the command
	// line's default is DefaultRate). SafetyMargin is the share of it left
	// unused (DefaultSafetyMargin when zero).
	Rate         Rate
	SafetyMargin float64
	// MaxAttempts, Timeout and Backoff are the client's retry knobs; zero
	// values are comeet.NewClient's defaults.
	MaxAttempts int
	Timeout     time.Duration
	Backoff     comeet.BackoffFunc
}

// WithDefaults returns the account with the base URL and the margin set
// when left zero. The base URL is defaulted here, not only in the client,
// because a ledger's account is named after it.
func (a Account) WithDefaults() Account {
	if a.BaseURL == "" {
		a.BaseURL = comeet.DefaultBaseURL
	}
	if a.SafetyMargin == 0 {
		a.SafetyMargin = DefaultSafetyMargin
	}
	return a
}

// ClientConfig is the client's configuration for the account, logging to
// log; the caller sets its Limiter (Limiter, or one wrapping it).
func (a Account) ClientConfig(log zerolog.Logger) comeet.Config {
	return comeet.Config{BaseURL: a.BaseURL, APIKey: a.APIKey, Secret: a.Secret,
		MaxAttempts: a.MaxAttempts, Timeout: a.Timeout, Backoff: a.Backoff, Logger: log}
}

// Limiter is the token bucket of the account's rate and margin; nil when
// the rate is unlimited.
func (a Account) Limiter() *rate.Limiter { return a.Rate.Limiter(a.SafetyMargin) }
