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
}

// String renders the summary as one line, for example
// "12 rows in 3.2s (225 rows/min): 8 created, 1 conflict, 2 invalid, 1 failed; 11 requests, 97% of the allowed rate, 0 throttled".
func (s Summary) String() string {
	var b strings.Builder
	total := s.Counts.Total()
	fmt.Fprintf(&b, "%d rows in %s", total, s.Elapsed.Round(100*time.Millisecond))
	if mins := s.Elapsed.Minutes(); mins > 0 {
		fmt.Fprintf(&b, " (%.0f rows/min)", float64(total)/mins)
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
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
