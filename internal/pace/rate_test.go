package pace

import (
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr bool
	}{
		{"100/60s", Rate{100, time.Minute}, false},
		{"100/1m", Rate{100, time.Minute}, false},
		{"100/m", Rate{100, time.Minute}, false},
		{"100/min", Rate{100, time.Minute}, false},
		{"100/minute", Rate{100, time.Minute}, false},
		{"100/Minutes", Rate{100, time.Minute}, false},
		{"100/2 minutes", Rate{100, 2 * time.Minute}, false},
		{"100/1m30s", Rate{100, 90 * time.Second}, false},
		{"3600/hour", Rate{3600, time.Hour}, false},
		{"5/sec", Rate{5, time.Second}, false},
		{"10/mins later", Rate{}, true},
		{" 5 / 1s ", Rate{5, time.Second}, false},
		{"100/2s", Rate{100, 2 * time.Second}, false},
		{"none", Rate{}, false},
		{"0", Rate{}, false},
		{"100", Rate{}, true},
		{"-1/1s", Rate{}, true},
		{"x/1s", Rate{}, true},
		{"10/0s", Rate{}, true},
		{"10/soon", Rate{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRate(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("ParseRate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRateStringRoundTrip(t *testing.T) {
	for _, r := range []Rate{DefaultRate, {100, 2 * time.Second}, {3, 1500 * time.Millisecond}} {
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %v, %v; want %v", r.String(), back, err, r)
		}
	}
	if got := DefaultRate.String(); got != "100/60s" {
		t.Fatalf("got %q, want 100/60s", got)
	}
}

// TestLimiterNeverOverrunsWindow checks the pacing arithmetic: with a burst
// of one at the computed interval, no window of Per holds more than N
// reservations, whatever the margin.
func TestLimiterNeverOverrunsWindow(t *testing.T) {
	// A margin of 0 sits exactly on the limit, where float rounding decides.
	for _, margin := range []float64{DefaultSafetyMargin, 0.05} {
		r := Rate{N: 100, Per: 2 * time.Second}
		lim := r.Limiter(margin)
		start := time.Unix(0, 0)
		var times []time.Time
		for range 1000 {
			res := lim.ReserveN(start, 1)
			times = append(times, start.Add(res.DelayFrom(start)))
		}
		for i := range times {
			j := i
			for j < len(times) && times[j].Sub(times[i]) < r.Per {
				j++
			}
			if n := j - i; n > r.N {
				t.Fatalf("margin %v: %d requests within %v from #%d, want at most %d", margin, n, r.Per, i, r.N)
			}
		}
		// The margin is all the budget it leaves unused.
		ideal := float64(time.Duration(len(times)-1)*r.Per/time.Duration(r.N)) / (1 - margin)
		if span := float64(times[len(times)-1].Sub(times[0])); span > ideal*1.001 {
			t.Fatalf("margin %v: 1000 requests span %v, want %v", margin, time.Duration(span), time.Duration(ideal))
		}
	}
	if (Rate{}).Limiter(0) != nil {
		t.Fatal("an unlimited rate got a limiter")
	}
}
