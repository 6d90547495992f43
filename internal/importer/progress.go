package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
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
	// (quoted line breaks allowed for, blank lines not); 0 when unknown:
	// standard input or a workbook.
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
	left := float64(max(p.Total-p.Done, 0))
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
	}
	f.fn(f.p)
}

// newProgressFeed prepares the feed of a run reading src: it counts the
// input's records when someone listens and the input is a delimited file. A
// count that fails leaves the total unknown; the run goes on.
func newProgressFeed(cfg Config, src *source.Reader, log zerolog.Logger, start time.Time) *progressFeed {
	f := &progressFeed{fn: cfg.Progress, start: start}
	if f.fn == nil {
		return f
	}
	if !cfg.DryRun && !cfg.Rate.Unlimited() {
		f.p.Allowed = cfg.Rate.PerSecond() * (1 - cfg.SafetyMargin)
	}
	// A workbook has no delimiter; standard input cannot be read twice; and
	// a dry run, which goes through a million rows in a second or two, would
	// spend a tenth of its time reading the file twice to count it.
	if !cfg.DryRun && cfg.Input != Stdin && src.Delimiter() != 0 {
		n, err := countRecordsFile(cfg.Input)
		if err != nil {
			log.Warn().Err(err).Msg("progress: the total is unknown")
		}
		f.p.Total = n
	}
	return f
}

// countRecordsFile counts the records of a regular file. Anything else (a
// FIFO, a pipe such as <(zcat x.gz), a device) cannot be read twice: the
// count would eat the rows the run reads, or wait for ever in open(2).
// Its total stays unknown.
func countRecordsFile(path string) (int, error) {
	// Stat first: even a short non-blocking open of a FIFO could pair with
	// its writer.
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return 0, nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, fmt.Errorf("count rows: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return 0, nil
	}
	n, err := countRecords(f)
	if err != nil {
		return 0, fmt.Errorf("count rows of %s: %w", path, err)
	}
	return n, nil
}

// countRecords counts the data records of delimited text: line breaks
// outside quotes, the header's excluded. Quotes toggle (an escaped "" closes
// and reopens), so it needs no parsing and runs at memory speed, and its
// count is what the reader finds save for blank lines.
func countRecords(r io.Reader) (int, error) {
	buf := make([]byte, 256<<10)
	var lines int
	var quoted, open bool // inside quotes; the last line has no break yet
	for {
		n, err := r.Read(buf)
		if n > 0 {
			lines += countBreaks(buf[:n], &quoted)
			open = buf[n-1] != '\n'
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if open {
		lines++
	}
	return max(lines-1, 0), nil
}

// countBreaks counts the line feeds of b that are outside quotes, carrying
// the quoted state across calls.
func countBreaks(b []byte, quoted *bool) int {
	n := 0
	for len(b) > 0 {
		q := bytes.IndexByte(b, '"')
		if *quoted {
			if q < 0 {
				return n
			}
		} else if q < 0 {
			return n + bytes.Count(b, []byte{'\n'})
		} else {
			n += bytes.Count(b[:q], []byte{'\n'})
		}
		*quoted = !*quoted
		b = b[q+1:]
	}
	return n
}
