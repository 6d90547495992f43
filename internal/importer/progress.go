package importer

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// Progress is how far a run has come. Run hands it to Config.Progress after
// every row it writes to the report.
type Progress struct {
	// Done is the number of rows finished and written to the report.
	Done int
	// Total is the number of records in the input, counted before the run
	// by the input's own parser, or the rows a workbook's sheet says it has
	// (blank rows included); 0 when unknown: standard input, a pipe, or a
	// dry run of delimited text.
	Total int
	// Counts are the rows per outcome so far. The map is the report's own:
	// read it during the call only, and copy it to keep it.
	Counts report.Counts
	// Elapsed is the time since the run started.
	Elapsed time.Duration
	// Allowed is the rate the run may send at, in requests per second with
	// the safety margin taken off; 0 when unpaced or on a dry run.
	Allowed float64
	// Requests is the number of requests sent so far, of every kind
	// (creates, updates, files, position look-ups, searches), retries
	// included; ByKind splits it.
	Requests int
	ByKind   report.Requests
	// Limit is --limit: the rows the run sends at most (0: no limit). The
	// rows past it are skipped at once, so the ETA counts only the sends
	// left.
	Limit int
	// Throttled is the number of answers so far that said to slow down
	// (429), each waited out and tried again.
	Throttled int
}

// ETA estimates the time left, and reports false when it cannot tell (the
// total is unknown, or nothing is done yet). A paced run cannot beat its
// budget: the rows left that will be sent (in the share sent so far) take
// at least that many requests at the allowed rate. It is slower than that
// when the sends are slow (big uploads) or the rows are few: then the
// pace seen so far wins.
func (p Progress) ETA() (time.Duration, bool) {
	if p.Total <= 0 || p.Done <= 0 || p.Elapsed <= 0 {
		return 0, false
	}
	left := p.rowsLeft()
	seen := left * p.Elapsed.Seconds() / float64(p.Done)
	if p.Allowed <= 0 {
		return seconds(seen), true
	}
	// Every request counts against the budget, whatever it is for: the
	// rows left are expected to cost what the rows done cost.
	sent := p.Requests
	if sent == 0 {
		sent = p.Counts[report.Created] + p.Counts[report.Conflict] + p.Counts[report.Failed] + p.Counts[report.Updated]
	}
	budget := left * float64(sent) / float64(p.Done) / p.Allowed
	return seconds(max(seen, budget)), true
}

// rowsLeft is the rows left, counted as rows like those done: under a
// limit, only as many as hold the sends the limit leaves (the rows past it
// take no time).
func (p Progress) rowsLeft() float64 {
	left := float64(max(p.Total-p.Done, 0))
	if p.Limit <= 0 {
		return left
	}
	sent := p.Counts[report.Created] + p.Counts[report.Conflict] + p.Counts[report.Failed] + p.Counts[report.Updated]
	toSend := float64(max(p.Limit-sent, 0))
	if sent > 0 {
		toSend = toSend * float64(p.Done) / float64(sent)
	}
	return min(left, toSend)
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}

// progressFeed builds the Progress values of a run and hands them on; the
// report writer alone calls it, once per row, so it must stay cheap.
type progressFeed struct {
	fn    func(Progress)
	p     Progress
	start time.Time
	stats *stats // the requests so far; nil on a dry run
}

func (f *progressFeed) row(counts report.Counts) {
	if f.fn == nil {
		return
	}
	f.p.Done++
	f.p.Counts = counts
	f.p.Elapsed = time.Since(f.start)
	if f.stats != nil {
		f.p.Requests, f.p.ByKind = f.stats.sent()
		f.p.Throttled = f.stats.throttledSoFar()
	}
	f.fn(f.p)
}

// newProgressFeed prepares the feed of a run reading src: it counts the
// input's records (source.Count, the reader's own parser) when someone
// listens and the input is a delimited file. A count that fails leaves the
// total unknown; the run goes on.
func newProgressFeed(ctx context.Context, cfg Config, src *source.Reader, log zerolog.Logger, start time.Time) *progressFeed {
	f := &progressFeed{fn: cfg.Progress, start: start}
	if f.fn == nil {
		return f
	}
	f.p.Limit = cfg.Limit
	if !cfg.DryRun && !cfg.Rate.Unlimited() {
		f.p.Allowed = cfg.Rate.PerSecond() * (1 - cfg.SafetyMargin)
	}
	// A workbook would be unpacked again; standard input cannot be read
	// twice; and a dry run, which goes through a million rows in a second
	// or two, would spend half its time reading the file twice to count it.
	// A workbook's sheet says how many rows it has (its dimension, or
	// its last row where the dimension names one cell: SheetRows).
	if n := src.SheetRows(); n > 0 {
		f.p.Total = n
		return f
	}
	if !cfg.DryRun && cfg.Input != Stdin && src.Delimiter() != 0 {
		n, err := source.Count(ctx, cfg.Input, cfg.Source)
		if err != nil && !errors.Is(err, source.ErrUncountable) {
			log.Warn().Err(err).Msg("progress: the total is unknown")
		}
		f.p.Total = n
	}
	return f
}
