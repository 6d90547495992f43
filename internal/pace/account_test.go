package pace

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestAccountDefaultsAndClientConfig(t *testing.T) {
	a := Account{}.WithDefaults()
	if a.BaseURL != comeet.DefaultBaseURL || a.SafetyMargin != DefaultSafetyMargin {
		t.Errorf("defaults: got %q, %v; want %q, %v", a.BaseURL, a.SafetyMargin, comeet.DefaultBaseURL, DefaultSafetyMargin)
	}
	given := Account{BaseURL: "http://127.0.0.1:1", APIKey: "k", Secret: "s", Rate: Rate{N: 5, Per: time.Second},
		SafetyMargin: 0.1, MaxAttempts: 2, Timeout: time.Second}
	if got := given.WithDefaults(); got.BaseURL != given.BaseURL || got.SafetyMargin != 0.1 {
		t.Errorf("given values were replaced: %+v", got)
	}
	cc := given.ClientConfig(zerolog.Nop())
	if cc.BaseURL != given.BaseURL || cc.APIKey != "k" || cc.Secret != "s" || cc.MaxAttempts != 2 || cc.Timeout != time.Second || cc.Limiter != nil {
		t.Errorf("client config: got %+v", cc)
	}
	if given.Limiter() == nil || (Account{}).Limiter() != nil {
		t.Error("a paced account has a limiter, an unpaced one none")
	}
}
