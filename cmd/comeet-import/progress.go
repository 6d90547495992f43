package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/report"
)

// Progress display settings.
const (
	// progressInterval is how often, off a terminal (cron, a log collector),
	// a progress line is logged while rows finish.
	progressInterval = 30 * time.Second
	// barRefresh is how often the bar on a terminal is redrawn.
	barRefresh = 150 * time.Millisecond
)

// The values of --progress.
const (
	progressAuto = "auto" // a bar on a terminal, log lines otherwise
	progressBar  = "bar"
	progressLog  = "log"
	progressNone = "none"
)

// progressDisplay shows a run's progress: update is called after every row
// from one goroutine; finish once, after the run, before the summary.
type progressDisplay interface {
	update(p importer.Progress)
	finish()
}

// resolveProgress turns --progress into a concrete mode.
func resolveProgress(mode string, terminal bool) (string, error) {
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case progressAuto, "":
		if terminal {
			return progressBar, nil
		}
		return progressLog, nil
	case progressBar:
		return progressBar, nil
	case progressLog:
		return progressLog, nil
	case progressNone, "off":
		return progressNone, nil
	}
	return "", fmt.Errorf("--progress %q: want auto, bar, log or none", mode)
}

// logProgress logs a structured progress line at most every interval, for
// runs nobody watches. A run in which no row finishes logs nothing new.
type logProgress struct {
	log   zerolog.Logger
	every time.Duration
	now   func() time.Time
	next  time.Time
}

func newLogProgress(log zerolog.Logger) *logProgress {
	return &logProgress{log: log, every: progressInterval, now: time.Now}
}

func (l *logProgress) update(p importer.Progress) {
	now := l.now()
	if l.next.IsZero() {
		l.next = now.Add(l.every)
		return
	}
	if now.Before(l.next) {
		return
	}
	l.next = now.Add(l.every)
	ev := l.log.Info().Int("done", p.Done)
	if p.Total > 0 {
		ev = ev.Int("total", p.Total)
	}
	for _, o := range report.Outcomes {
		ev = ev.Int(string(o), p.Counts[o])
	}
	if mins := p.Elapsed.Minutes(); mins > 0 {
		ev = ev.Float64("rows_per_min", float64(int(float64(p.Done)/mins*10))/10)
	}
	if p.Requests > 0 {
		// Every request is from the same budget: creates, updates, files,
		// position look-ups, searches.
		ev = ev.Int("requests", p.Requests).Interface("requests_by_kind", p.ByKind)
	}
	if eta, ok := p.ETA(); ok {
		ev = ev.Str("eta", eta.String())
	}
	ev.Msg("progress")
}

// finish logs nothing: the summary line follows.
func (l *logProgress) finish() {}

// barProgress draws a progress bar on a terminal: rows done of the total,
// the counts that matter, the rate and the ETA from the rate budget. Log
// lines go through its writer, which clears the bar first so the two do
// not tear each other.
type barProgress struct {
	w      io.Writer
	dryRun bool
	now    func() time.Time

	mu   sync.Mutex // the bar and the terminal line
	bar  *progressbar.ProgressBar
	next time.Time
	last importer.Progress
}

func newBarProgress(w io.Writer, dryRun bool) *barProgress {
	return &barProgress{w: w, dryRun: dryRun, now: time.Now}
}

func (b *barProgress) update(p importer.Progress) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = p
	if now.Before(b.next) {
		return
	}
	b.next = now.Add(barRefresh)
	b.render(p)
}

func (b *barProgress) render(p importer.Progress) {
	if b.bar == nil {
		b.bar = newBar(b.w, p.Total)
	}
	if p.Total > 0 && p.Done > b.bar.GetMax() {
		b.bar.ChangeMax(p.Done) // blank lines or a file that grew: the total was a guess
	}
	_ = b.bar.Set(p.Done) // a terminal bar is best effort
	b.bar.Describe(describe(p, b.dryRun))
}

// finish draws the last state and clears the line for the summary.
func (b *barProgress) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		return
	}
	b.render(b.last)
	_ = b.bar.Clear()
	b.bar.Exit()
}

// Write writes a log line above the bar, which the next update redraws.
func (b *barProgress) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Clear()
	}
	return b.w.Write(p)
}

// newBar makes the bar; total 0 (unknown) shows a counter without a bar.
func newBar(w io.Writer, total int) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(false), // the ETA comes from the rate budget
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetSpinnerChangeInterval(0), // no drawing goroutine of its own
		progressbar.OptionClearOnFinish(),
	)
}

// describe is the text before the bar: "created 120 · invalid 3 · failed 0 · ETA 4m10s".
func describe(p importer.Progress, dryRun bool) string {
	var b strings.Builder
	if dryRun {
		fmt.Fprintf(&b, "valid %d", p.Counts[report.Valid])
	} else {
		fmt.Fprintf(&b, "created %d", p.Counts[report.Created])
		if n := p.Counts[report.Updated]; n > 0 {
			fmt.Fprintf(&b, " · updated %d", n)
		}
		// The summary's words: conflict and skipped are two outcomes.
		for _, o := range []report.Outcome{report.Conflict, report.Skipped} {
			if n := p.Counts[o]; n > 0 {
				fmt.Fprintf(&b, " · %s %d", o, n)
			}
		}
	}
	fmt.Fprintf(&b, " · invalid %d", p.Counts[report.Invalid])
	if !dryRun {
		fmt.Fprintf(&b, " · failed %d", p.Counts[report.Failed])
	}
	if !dryRun && p.Requests > 0 {
		fmt.Fprintf(&b, " · %d req", p.Requests)
	}
	if eta, ok := p.ETA(); ok {
		fmt.Fprintf(&b, " · ETA %s", eta)
	}
	return b.String()
}
