package serve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/report"
)

// job is a whole run over the corrected sheet, a check (dry run) or a
// send, going on in the background; its progress is read under the
// session's lock.
type job struct {
	send   bool
	cancel context.CancelCauseFunc
	done   chan struct{}
	// rows maps the report's row numbers to the uploaded sheet's.
	rows     []int
	progress importer.Progress
	counts   report.Counts
	started  time.Time
}

// status is what the page shows of a session's state: the job going on or
// the last one's end, and the counts of the grid.
type status struct {
	Phase     string         `json:"phase"` // "idle", "checking", "sending"
	Done      int            `json:"done"`
	Total     int            `json:"total"`
	Counts    map[string]int `json:"counts"`
	Requests  int            `json:"requests"`
	Throttled int            `json:"throttled"`
	ETA       string         `json:"eta,omitempty"`
	Last      string         `json:"last,omitempty"`
	Account   string         `json:"account,omitempty"`
	// Problems are the most frequent kinds of problem of the rows that
	// need work, as the report's summary counts them.
	Problems []report.Problem `json:"problems"`
}

// topProblems is how many kinds of problem the counts list.
const topProblems = 5

// start begins a run over the corrected sheet unless one is going on;
// mu is held. The run's rows replace the grid's results as they come.
func (s *session) start(parent context.Context, send bool) error {
	if s.job != nil {
		return errors.New("a run is going on: wait for it or stop it")
	}
	if s.mappingErr != nil {
		return s.mappingErr
	}
	rows, err := s.writeCorrected()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(parent)
	j := &job{send: send, cancel: cancel, done: make(chan struct{}), rows: rows, started: time.Now()}
	j.progress.Total = len(rows)
	s.job = j
	cfg := s.runConfig(!send)
	cfg.OnRow = func(res *report.Result, _ []string) { s.record(j, res) }
	cfg.Progress = func(p importer.Progress) { s.advance(j, p) }
	s.touch()
	go func() {
		defer close(j.done)
		res, err := importer.Run(ctx, cfg)
		s.finish(j, res, err)
	}()
	return nil
}

// lockIdle locks the session once no check of the whole sheet is going on:
// a change waits the second or two a check takes instead of being refused.
// A send is not waited for: the change is refused under the lock.
func (s *session) lockIdle() {
	for {
		s.mu.Lock()
		j := s.job
		if j == nil || j.send {
			return
		}
		s.mu.Unlock()
		<-j.done
	}
}

// record puts a row's result from the run in the grid.
func (s *session) record(j *job, res *report.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if res.Row < 1 || res.Row > len(j.rows) {
		return
	}
	row := j.rows[res.Row-1]
	r := *res
	r.Cells = append([]report.CellProblem(nil), res.Cells...)
	r.Row, r.Line = row, s.rows[row-1].line
	s.results[row-1] = r
}

// advance keeps the run's progress; the streams are woken at most every
// tenth of a second, which is as often as a person can read.
func (s *session) advance(j *job, p importer.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := j.progress.Total
	j.progress = p
	j.progress.Total = total
	j.counts = maps.Clone(p.Counts)
	if p.Done == total || time.Since(j.started) > 100*time.Millisecond {
		j.started = time.Now()
		s.touch()
	}
}

// finish ends the job and says what it came to.
func (s *session) finish(j *job, res importer.Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.job = nil
	s.fresh = err == nil
	verb := "Checked"
	if j.send {
		verb = "Sent"
	}
	s.meta.Last = fmt.Sprintf("%s %s: %s", verb, time.Now().Format("2 Jan 15:04"), countsText(res.Counts))
	switch {
	case errors.Is(err, importer.ErrInterrupted):
		s.meta.Last += " (stopped: the rows not reached were not sent)"
	case err != nil:
		s.meta.Last += " (" + err.Error() + ")"
	}
	writeMeta(s.dir, s.meta)
	s.touch()
}

// countsText is counts in words, in the report's order of outcomes.
func countsText(c report.Counts) string {
	out := ""
	for _, o := range outcomes {
		if n := c[o]; n > 0 {
			if out != "" {
				out += ", "
			}
			out += fmt.Sprintf("%d %s", n, o)
		}
	}
	if out == "" {
		return "no rows"
	}
	return out
}

// outcomes are the outcomes in the order the page lists them.
var outcomes = []report.Outcome{report.Valid, report.Created, report.Updated, report.Conflict, report.Skipped, report.Invalid, report.Failed}

// status is the session's state for the page; mu is held.
func (s *session) status() status {
	st := status{Phase: "idle", Last: s.meta.Last, Account: s.account, Counts: map[string]int{}}
	problems := report.NewProblems(s.header, 0)
	for i := range s.results {
		r := &s.results[i]
		if r.Outcome == "" || s.leftOut(r.Row) {
			continue
		}
		st.Counts[string(r.Outcome)]++
		if needsWork(*r) {
			problems.Add(r, s.fields(i+1))
		}
	}
	st.Problems = problems.Top(topProblems)
	st.Counts["left out"] = len(s.meta.LeftOut)
	if j := s.job; j != nil {
		st.Phase = "checking"
		if j.send {
			st.Phase = "sending"
		}
		p := j.progress
		st.Done, st.Total, st.Requests = p.Done, p.Total, p.Requests
		st.Throttled = p.Throttled
		if eta, ok := p.ETA(); ok && j.send {
			st.ETA = eta.String()
		}
	}
	return st
}
