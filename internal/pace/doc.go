// Package pace keeps the requests to one Comeet account within its limit.
//
// Comeet allows an account 100 requests a minute, shared by every
// integration. A Rate ("100/60s") is parsed from the command line and turned
// into one token bucket that every worker and every retry waits on
// (Rate.Limiter: a burst of one at an even interval, a safety margin below
// the limit). Adaptive wraps that bucket for a run: a 429 although the
// requests are paced means someone else spends the budget too, so it slows
// down, and speeds up again step by step once Comeet stops refusing. The
// policy is pure arithmetic over the answers seen (no clock), tested as a
// table.
//
// Account is the one description of how a command reaches its account and
// how it paces and retries: import, validate --check-positions, check and
// verify share it, with one set of defaults.
//
// The benchmarks under bench/ use ParseRate for their fake server's limit.
package pace
