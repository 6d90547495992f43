package report

import (
	"fmt"
	"strings"
	"time"
)

// Counts is the number of rows per outcome.
type Counts map[Outcome]int

// Total is the number of rows counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Summary is the closing line of a run.
type Summary struct {
	Counts  Counts
	Elapsed time.Duration
	// Sent is the number of requests the run made, retries included.
	Sent int
	// Throttled is the number of 429 answers received.
	Throttled int
	// BudgetUsed is the share (0..1) of the allowed request rate that the
	// run used while it was sending; 0 when nothing was sent.
	BudgetUsed float64
	// DryRun is true for validate.
	DryRun bool
	// Slowdowns counts the times the pool slowed down because Comeet
	// answered 429 although the requests were paced to the limit, and
	// LowestPerMinute is the lowest rate it reached, in requests a minute.
	Slowdowns       int
	LowestPerMinute float64
}

// String renders the summary as one line, for example
// "12 rows in 3.2s (225 rows/min): 8 created, 1 conflict, 2 invalid, 1 failed; 11 requests, 97% of the allowed rate, 0 throttled".
func (s Summary) String() string {
	var b strings.Builder
	total := s.Counts.Total()
	fmt.Fprintf(&b, "%d rows in %s", total, s.Elapsed.Round(100*time.Millisecond))
	// A dry run checks thousands of rows a second: it is told per second.
	if secs := s.Elapsed.Seconds(); secs > 0 && s.DryRun {
		fmt.Fprintf(&b, " (%.0f rows/s)", float64(total)/secs)
	} else if secs > 0 {
		fmt.Fprintf(&b, " (%.0f rows/min)", float64(total)/secs*60)
	}
	b.WriteString(":")
	sep := " "
	for _, o := range Outcomes {
		if n := s.Counts[o]; n > 0 {
			fmt.Fprintf(&b, "%s%d %s", sep, n, o)
			sep = ", "
		}
	}
	if total == 0 {
		b.WriteString(" nothing to do")
	}
	if !s.DryRun {
		fmt.Fprintf(&b, "; %s", plural(s.Sent, "request"))
		if s.Sent > 1 && s.BudgetUsed > 0 {
			fmt.Fprintf(&b, ", %.0f%% of the allowed rate", s.BudgetUsed*100)
		}
		fmt.Fprintf(&b, ", %d throttled", s.Throttled)
	}
	if s.Slowdowns > 0 {
		fmt.Fprintf(&b, "; slowed down %s after 429s, to %.0f/min at the lowest",
			times(s.Slowdowns), s.LowestPerMinute)
	}
	return b.String()
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
