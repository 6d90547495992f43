package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/report"
)

func TestResolveProgress(t *testing.T) {
	tests := []struct {
		mode     string
		terminal bool
		want     string
		wantErr  bool
	}{
		{"auto", true, progressBar, false},
		{"auto", false, progressLog, false},
		{"", false, progressLog, false},
		{"bar", false, progressBar, false},
		{"LOG", true, progressLog, false},
		{"none", true, progressNone, false},
		{"fancy", true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			got, err := resolveProgress(tt.mode, tt.terminal)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("resolveProgress(%q, %v) = %q, %v; want %q, error %v", tt.mode, tt.terminal, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLogProgressEveryInterval(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	lp := newLogProgress(zerolog.New(&buf))
	lp.every, lp.now = 10*time.Second, clock.now

	counts := report.Counts{}
	// Rows finish at these seconds; lines are due at 10 and then 10 after
	// the last line: at 10 and 25.
	for i, sec := range []int{0, 3, 9, 10, 12, 19, 25, 26} {
		clock.t = time.Unix(int64(sec), 0)
		counts[report.Created]++
		if i == 4 {
			counts[report.Invalid]++
		}
		lp.update(importer.Progress{
			Done: i + 1, Total: 100, Counts: counts,
			Elapsed: time.Duration(sec) * time.Second, Allowed: 1,
		})
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d progress lines, want 2:\n%s", len(lines), buf.String())
	}
	var first struct {
		Message string  `json:"message"`
		Done    int     `json:"done"`
		Total   int     `json:"total"`
		Created int     `json:"created"`
		Invalid int     `json:"invalid"`
		PerMin  float64 `json:"rows_per_min"`
		ETA     string  `json:"eta"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("line %q: %v", lines[0], err)
	}
	if first.Message != "progress" || first.Done != 4 || first.Total != 100 || first.Created != 4 || first.Invalid != 0 {
		t.Errorf("first line = %+v, want message progress, done 4 of 100, 4 created", first)
	}
	if first.PerMin != 24 {
		t.Errorf("rows_per_min = %v, want 24 (4 rows in 10 s)", first.PerMin)
	}
	if first.ETA != "4m0s" { // 96 rows left, all sent, at 1 a second; slower so far: 96*2.5 s
		t.Errorf("eta = %q, want 4m0s", first.ETA)
	}
	if !strings.Contains(lines[1], `"done":7`) || !strings.Contains(lines[1], `"invalid":1`) {
		t.Errorf("second line = %s, want done 7 and invalid 1", lines[1])
	}
}

func TestBarProgressRenders(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	bar := newBarProgress(&buf, false)
	bar.now = clock.now
	counts := report.Counts{}
	for i := range 6 {
		clock.t = clock.t.Add(time.Second)
		if i == 2 {
			counts[report.Invalid]++
		} else {
			counts[report.Created]++
		}
		bar.update(importer.Progress{Done: i + 1, Total: 10, Counts: counts, Elapsed: time.Duration(i+1) * time.Second, Allowed: 1})
	}
	out := buf.String()
	for _, want := range []string{"created 5", "invalid 1", "failed 0", "ETA", "(6/10", "rows/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar output lacks %q:\n%q", want, out)
		}
	}
	buf.Reset()
	if _, err := bar.Write([]byte("a log line\n")); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasSuffix(got, "a log line\n") || !strings.HasPrefix(got, "\r") {
		t.Errorf("log line through the bar = %q, want the bar cleared, then the line", got)
	}
	bar.finish()
}

func TestBarProgressUnknownTotal(t *testing.T) {
	var buf bytes.Buffer
	bar := newBarProgress(&buf, true)
	bar.update(importer.Progress{Done: 3, Counts: report.Counts{report.Valid: 3}, Elapsed: time.Second})
	bar.finish()
	if out := buf.String(); !strings.Contains(out, "valid 3") || strings.Contains(out, "ETA") {
		t.Errorf("dry run without a total: got %q, want valid 3 and no ETA", out)
	}
}

func TestDescribe(t *testing.T) {
	p := importer.Progress{Counts: report.Counts{report.Created: 2, report.Conflict: 1, report.Skipped: 1, report.Invalid: 3}}
	if got, want := describe(p, false), "created 2 · conflict 1 · skipped 1 · invalid 3 · failed 0"; got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
	// An --update run: the updates, and every request so far.
	p.Counts[report.Updated], p.Requests = 4, 11
	if got, want := describe(p, false), "created 2 · updated 4 · conflict 1 · skipped 1 · invalid 3 · failed 0 · 11 req"; got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
}
