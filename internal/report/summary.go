package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
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

// Requests counts a run's requests by what they were for; every one of
// them is from the same rate budget.
type Requests struct {
	Create    int `json:"create"`    // POST /candidates
	Update    int `json:"update"`    // PATCH /candidates/{uid}
	Files     int `json:"files"`     // POST /candidates/{uid}/files
	Positions int `json:"positions"` // GET /positions and /positions/{uid}
	Search    int `json:"search"`    // GET /candidates, looking for a lost answer
}

// Total is the number of requests counted.
func (r Requests) Total() int {
	return r.Create + r.Update + r.Files + r.Positions + r.Search
}

// String lists the kinds counted, "3 creates, 1 update, 2 files"; empty
// when none is.
func (r Requests) String() string {
	var parts []string
	for _, k := range []struct {
		n    int
		noun string
	}{{r.Create, "create"}, {r.Update, "update"}, {r.Files, "file"}, {r.Positions, "position look-up"}, {r.Search, "search"}} {
		if k.n > 0 {
			noun := plural(k.n, k.noun)
			if k.noun == "search" && k.n != 1 {
				noun = fmt.Sprintf("%d searches", k.n)
			}
			parts = append(parts, noun)
		}
	}
	return strings.Join(parts, ", ")
}

// Summary is the closing line of a run.
type Summary struct {
	Counts  Counts
	Elapsed time.Duration
	// Sent is the number of requests the run made, retries included.
	Sent int
	// Throttled is the number of 429 answers received.
	Throttled int
	// ByKind splits Sent by what the requests were for.
	ByKind Requests
	// Planned is what an import of the same file would send, on a dry run
	// (validate); nil otherwise.
	Planned *Requests
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

	// The fields below are only in the JSON form (see MarshalJSON).

	// ExitCode is the code the process exits with.
	ExitCode int
	// InputRows is the number of data rows read from the input; 0 means
	// Counts.Total().
	InputRows int
	// ReportPath, ErrorsPath and LedgerPath are the files the run wrote;
	// ErrorsPath is empty when no row needed attention, LedgerPath without
	// a ledger.
	ReportPath, ErrorsPath, LedgerPath string
	// TopErrorCodes and TopProblems are the most frequent error codes and
	// problems, largest first (see Problems and AddProblems).
	TopErrorCodes []ErrorCodeCount
	TopProblems   []Problem
	// OtherProblems is the number of kinds of problem beyond TopProblems.
	OtherProblems int

	// Attention is the first rows that need a person, for the HTML page;
	// not in the JSON.
	Attention Attention

	// NewInvalid counts the invalid rows whose problem the ledger did not
	// remember from the last run (all of them without a ledger): what
	// --fail-on new counts.
	NewInvalid int
	// Running marks the summary a --summary file holds while the run is
	// under way: its state is "running" and its exit_code null, so that a
	// monitor never reads the last run's success into a run that was
	// killed. The final summary replaces it ("finished").
	Running bool
	// PositionsUnchecked counts a dry run's valid rows that name their
	// position by name ("Backend Engineer") and were not resolved, for want
	// of the credentials: valid only if the account has one open position
	// of that name, and perhaps in the ledger by its uid, so Planned does
	// not count them.
	PositionsUnchecked int
	// ChangedNotSent counts the skipped rows that changed since they were
	// sent, whose change a run without --update does not send.
	ChangedNotSent int
	// Error is why the run ended early (interrupted, credentials refused,
	// a configuration error); empty when it ran to its end.
	Error string
}

// SummarySchemaVersion is the schema_version of the JSON summary. It
// changes when a field changes meaning or is removed, not when one is added.
const SummarySchemaVersion = 1

// The states of a JSON summary: a --summary file says "running" from the
// run's start and "finished" once the run has ended, however it ended.
const (
	StateRunning  = "running"
	StateFinished = "finished"
)

// SummaryTop is how many problems and error codes the summary keeps.
const SummaryTop = 10

// AddProblems fills TopErrorCodes and TopProblems with p's first SummaryTop.
func (s *Summary) AddProblems(p *Problems) {
	s.TopErrorCodes = p.TopCodes(SummaryTop)
	s.TopProblems = p.Top(SummaryTop)
	s.OtherProblems = p.Kinds() - len(s.TopProblems)
}

// WriteProblems writes the summary's top problems as a table for standard
// error (see WriteProblems); nothing when there are none.
func (s Summary) WriteProblems(w io.Writer) error {
	return WriteProblems(w, s.TopProblems, s.OtherProblems)
}

// Redacted is the summary without the cells and messages its top problems
// quote (they may hold names and e-mails), for a log line: logs carry codes,
// columns, counts and row numbers only. The --summary file keeps them.
func (s Summary) Redacted() Summary {
	top := make([]Problem, len(s.TopProblems))
	for i, p := range s.TopProblems {
		p.ExampleValue, p.Message = "", ""
		top[i] = p
	}
	s.TopProblems = top
	return s
}

// summaryJSON is the JSON form of Summary, a contract documented in
// docs/reports.md: fields may be added, never renamed.
type summaryJSON struct {
	SchemaVersion   int              `json:"schema_version"`
	Command         string           `json:"command"`
	DryRun          bool             `json:"dry_run"`
	State           string           `json:"state"`
	ExitCode        *int             `json:"exit_code"`
	Error           string           `json:"error,omitempty"`
	ElapsedSeconds  float64          `json:"elapsed_seconds"`
	InputRows       int              `json:"input_rows"`
	Counts          map[Outcome]int  `json:"counts"`
	Requests        int              `json:"requests"`
	RequestsByKind  Requests         `json:"requests_by_kind"`
	RequestsPlanned *Requests        `json:"requests_planned,omitempty"`
	Throttled       int              `json:"throttled"`
	BudgetUsed      float64          `json:"budget_used"`
	Slowdowns       int              `json:"slowdowns"`
	LowestPerMinute float64          `json:"lowest_per_minute"`
	TopErrorCodes   []ErrorCodeCount `json:"top_error_codes"`
	TopProblems     []Problem        `json:"top_problems"`
	OtherProblems   int              `json:"other_problems"`
	Report          string           `json:"report"`
	Errors          string           `json:"errors"`
	Ledger          string           `json:"ledger"`
	NewInvalid      int              `json:"new_invalid"`
	ChangedNotSent  int              `json:"changed_not_sent"`
	// PositionsUnchecked is omitted when 0: it concerns validate alone.
	PositionsUnchecked int `json:"positions_unchecked,omitempty"`
}

// MarshalJSON writes the summary as the JSON object documented in the
// docs/reports.md ("The JSON summary"): every outcome is counted, 0 included, and
// the lists are never null.
func (s Summary) MarshalJSON() ([]byte, error) {
	j := summaryJSON{
		SchemaVersion: SummarySchemaVersion, Command: "import", State: StateFinished, ExitCode: &s.ExitCode,
		ElapsedSeconds: math.Round(s.Elapsed.Seconds()*1000) / 1000,
		InputRows:      s.InputRows, Counts: map[Outcome]int{},
		Requests: s.Sent, RequestsByKind: s.ByKind, RequestsPlanned: s.Planned, Throttled: s.Throttled, BudgetUsed: math.Round(s.BudgetUsed*1000) / 1000,
		Slowdowns: s.Slowdowns, LowestPerMinute: math.Round(s.LowestPerMinute*10) / 10,
		TopErrorCodes: s.TopErrorCodes, TopProblems: s.TopProblems, OtherProblems: s.OtherProblems,
		Report: s.ReportPath, Errors: s.ErrorsPath, Ledger: s.LedgerPath,
		DryRun: s.DryRun, Error: s.Error, NewInvalid: s.NewInvalid,
		ChangedNotSent: s.ChangedNotSent, PositionsUnchecked: s.PositionsUnchecked,
	}
	if s.DryRun {
		j.Command = "validate"
	}
	if s.Running {
		j.State, j.ExitCode = StateRunning, nil
	}
	if j.InputRows == 0 {
		j.InputRows = s.Counts.Total()
	}
	for _, o := range Outcomes {
		j.Counts[o] = s.Counts[o]
	}
	if j.TopErrorCodes == nil {
		j.TopErrorCodes = []ErrorCodeCount{}
	}
	if j.TopProblems == nil {
		j.TopProblems = []Problem{}
	}
	return json.Marshal(j)
}

// WriteFile writes the JSON summary to path, indented, with FileMode,
// under a temporary name renamed into place (see Partial).
func (s Summary) WriteFile(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	p, err := CreatePartial(path)
	if err != nil {
		return err
	}
	if _, err := p.Write(append(b, '\n')); err != nil {
		p.Discard(false)
		return fmt.Errorf("write %q: %w", p.Name(), err)
	}
	return p.Commit()
}

// String renders the summary as one line, for example
// "12 rows in 3.2s (225 rows/min): 8 created, 1 conflict, 2 invalid, 1 failed; 11 requests, 97% of the allowed rate, 0 throttled".
func (s Summary) String() string {
	var b strings.Builder
	total := s.Counts.Total()
	fmt.Fprintf(&b, "%d rows in %s", total, s.Elapsed.Round(100*time.Millisecond))
	// A dry run checks thousands of rows a second: it is told per second.
	// An import that sent nothing for its rows (every row skipped, the
	// positions looked up at most) has no rate to tell;
	// the rows a stop left not_sent were not done, so they add none.
	done := total - s.Counts[NotSent]
	if secs := s.Elapsed.Seconds(); secs > 0 && s.DryRun {
		fmt.Fprintf(&b, " (%.0f rows/s)", float64(done)/secs)
	} else if secs > 0 && s.Sent > s.ByKind.Positions {
		fmt.Fprintf(&b, " (%.0f rows/min)", float64(done)/secs*60)
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
	if n := s.PositionsUnchecked; n > 0 {
		fmt.Fprintf(&b, "; %s name their position by name, unchecked without the account's credentials (validate with them checks), not counted in what an import would send",
			plural(n, "valid row"))
	}
	if n := s.ChangedNotSent; n > 0 {
		fmt.Fprintf(&b, "; %s changed since sent, not sent: run import with --update to send the changes", plural(n, "skipped row"))
	}
	if s.DryRun && s.Planned != nil && s.Planned.Total() > 0 {
		fmt.Fprintf(&b, "; an import would send %s (%s)", plural(s.Planned.Total(), "request"), s.Planned)
	}
	if !s.DryRun {
		fmt.Fprintf(&b, "; %s", plural(s.Sent, "request"))
		// Creates alone need no split; any other kind is named.
		if s.ByKind.Total() == s.Sent && s.ByKind.Total() != s.ByKind.Create {
			fmt.Fprintf(&b, " (%s)", s.ByKind)
		}
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
