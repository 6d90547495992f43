package attach

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/comeet-import/comeet-import/internal/report"
)

// MaxRowsListed is how many row numbers one line of the match report lists
// before it counts the rest.
const MaxRowsListed = 20

// Status is what the match report says about a file or a name.
type Status string

// The statuses of the match report, in the order it lists them.
const (
	StatusAmbiguous Status = "ambiguous" // a name that matches several files
	StatusMissing   Status = "missing"   // a name that matches no file
	StatusUnused    Status = "unused"    // a file no row names
	StatusUsed      Status = "used"      // a file at least one row names
)

// UsageLine is one line of the match report: an indexed file (used or
// unused) or a name as rows wrote it (ambiguous or missing).
type UsageLine struct {
	File   string
	Status Status
	Rows   []int // sorted, each once; empty for an unused file
}

// Usage collects, while rows are resolved, what the match report says:
// the files no row used, the names that matched nothing or several files,
// and the rows that named no file at all. Its methods are safe for
// concurrent use.
type Usage struct {
	ix        *Index
	mu        sync.Mutex
	used      map[string][]int  // indexed path -> rows
	missing   map[string][]int  // folded name -> rows
	ambiguous map[string][]int  // folded name -> rows
	spelling  map[string]string // folded name -> the first of its spellings in sort order
	noFile    []int
}

// NewUsage starts an empty match report over the files of ix. A nil ix
// lists no unused files: only what the rows named.
func NewUsage(ix *Index) *Usage {
	return &Usage{ix: ix, used: map[string][]int{}, missing: map[string][]int{},
		ambiguous: map[string][]int{}, spelling: map[string]string{}}
}

// Resolve resolves ref through the index and records the outcome for row.
func (u *Usage) Resolve(row int, ref string) (string, error) {
	p, err := u.ix.Resolve(ref)
	u.Record(row, ref, p, err)
	return p, err
}

// setIndex gives the report the files it lists as unused.
func (u *Usage) setIndex(ix *Index) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.ix = ix
}

// Record notes the outcome of resolving ref for row, for a caller that
// resolved it itself: err nil means row used path; an *AmbiguousError makes
// ref ambiguous; any other error makes it missing. Names that differ only
// in case, spacing around them or Unicode normalisation are one name.
func (u *Usage) Record(row int, ref, path string, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var amb *AmbiguousError
	switch {
	case err == nil:
		u.used[path] = append(u.used[path], row)
	case errors.As(err, &amb):
		k := u.name(ref)
		u.ambiguous[k] = append(u.ambiguous[k], row)
	default:
		k := u.name(ref)
		u.missing[k] = append(u.missing[k], row)
	}
}

// name returns ref's key and keeps its spelling; the caller holds u.mu.
func (u *Usage) name(ref string) string {
	ref = strings.TrimSpace(ref)
	k := fold(ref)
	if old, ok := u.spelling[k]; !ok || ref < old {
		u.spelling[k] = ref
	}
	return k
}

// NoFile notes a row that names no file in any file field.
func (u *Usage) NoFile(row int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.noFile = append(u.noFile, row)
}

// Lines is the match report: ambiguous names, missing names, unused files,
// used files, each group sorted by name.
func (u *Usage) Lines() []UsageLine {
	u.mu.Lock()
	defer u.mu.Unlock()
	var lines []UsageLine
	lines = appendLines(lines, StatusAmbiguous, u.ambiguous, u.spelling)
	lines = appendLines(lines, StatusMissing, u.missing, u.spelling)
	if u.ix != nil {
		for _, p := range u.ix.paths {
			if _, ok := u.used[p]; !ok {
				lines = append(lines, UsageLine{File: p, Status: StatusUnused})
			}
		}
	}
	return appendLines(lines, StatusUsed, u.used, nil)
}

// appendLines adds a group sorted by name; spelling, when given, maps the
// keys of rows to the names shown.
func appendLines(lines []UsageLine, s Status, rows map[string][]int, spelling map[string]string) []UsageLine {
	group := make([]UsageLine, 0, len(rows))
	for k, r := range rows {
		name := k
		if spelling != nil {
			name = spelling[k]
		}
		group = append(group, UsageLine{File: name, Status: s, Rows: distinct(r)})
	}
	slices.SortFunc(group, func(a, b UsageLine) int { return strings.Compare(a.File, b.File) })
	return append(lines, group...)
}

func distinct(rows []int) []int {
	r := slices.Clone(rows)
	slices.Sort(r)
	return slices.Compact(r)
}

// WriteCSV writes the match report as CSV with the header file,status,rows.
// Rows are row numbers separated by spaces, at most MaxRowsListed of them
// and then "and N more". The report's writer neutralises the names, so
// that a spreadsheet never runs one as a formula.
func (u *Usage) WriteCSV(w io.Writer) error {
	cw := report.NewCSVWriter(w)
	if err := cw.Write([]string{"file", "status", "rows"}); err != nil {
		return fmt.Errorf("write match report: %w", err)
	}
	for _, l := range u.Lines() {
		if err := cw.Write([]string{l.File, string(l.Status), rowList(l.Rows, " ")}); err != nil {
			return fmt.Errorf("write match report: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write match report: %w", err)
	}
	return nil
}

func rowList(rows []int, sep string) string {
	var b strings.Builder
	for i, r := range rows[:min(len(rows), MaxRowsListed)] {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strconv.Itoa(r))
	}
	if more := len(rows) - MaxRowsListed; more > 0 {
		fmt.Fprintf(&b, " and %d more", more)
	}
	return b.String()
}

// summaryExamples is how many names the summary quotes per group.
const summaryExamples = 3

// Summary is the match report as one paragraph for a run's summary, e.g.
// `Files: 3 of 5 used by 4 rows; 2 no row uses (a.pdf, b.pdf); 1 name
// matches no file: "x.pdf" (row 7); 2 rows name no file (rows 8, 9).`
func (u *Usage) Summary() string {
	lines := u.Lines()
	var used, unused, ambiguous, missing []UsageLine
	for _, l := range lines {
		switch l.Status {
		case StatusUsed:
			used = append(used, l)
		case StatusUnused:
			unused = append(unused, l)
		case StatusAmbiguous:
			ambiguous = append(ambiguous, l)
		case StatusMissing:
			missing = append(missing, l)
		}
	}
	u.mu.Lock()
	ix := u.ix
	u.mu.Unlock()
	parts := []string{"Files: none in the folder or archive"}
	switch {
	case ix == nil:
		parts[0] = fmt.Sprintf("Files: %d used by %s (the folder was not listed)", len(used), plural(rowsOf(used), "row", "rows"))
	case ix.Len() > 0:
		parts[0] = fmt.Sprintf("Files: %d of %d used by %s", len(used), ix.Len(), plural(rowsOf(used), "row", "rows"))
	}
	if len(unused) > 0 {
		parts = append(parts, fmt.Sprintf("%d no row uses (%s)", len(unused), examples(unused, false)))
	}
	if len(ambiguous) > 0 {
		parts = append(parts, fmt.Sprintf("%s several files: %s", plural(len(ambiguous), "name matches", "names match"), examples(ambiguous, true)))
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%s no file: %s", plural(len(missing), "name matches", "names match"), examples(missing, true)))
	}
	u.mu.Lock()
	noFile := distinct(u.noFile)
	u.mu.Unlock()
	if len(noFile) > 0 {
		parts = append(parts, fmt.Sprintf("%s no file (%s %s)", plural(len(noFile), "row names", "rows name"), noun(len(noFile), "row", "rows"), shortRows(noFile)))
	}
	return strings.Join(parts, "; ") + "."
}

func rowsOf(lines []UsageLine) int {
	var all []int
	for _, l := range lines {
		all = append(all, l.Rows...)
	}
	return len(distinct(all))
}

// examples quotes the first few names of a group, with their rows when
// they are names from cells.
func examples(lines []UsageLine, withRows bool) string {
	var ex []string
	for _, l := range lines[:min(len(lines), summaryExamples)] {
		// Quoted: a name from a cell, a folder or an archive may hold
		// escape sequences or line breaks meant for the terminal.
		if withRows {
			ex = append(ex, fmt.Sprintf("%q (%s %s)", l.File, noun(len(l.Rows), "row", "rows"), shortRows(l.Rows)))
		} else {
			ex = append(ex, strconv.Quote(l.File))
		}
	}
	s := strings.Join(ex, ", ")
	if more := len(lines) - summaryExamples; more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// shortRows lists a few row numbers for the summary.
func shortRows(rows []int) string {
	s := make([]string, 0, summaryExamples)
	for _, r := range rows[:min(len(rows), summaryExamples)] {
		s = append(s, strconv.Itoa(r))
	}
	out := strings.Join(s, ", ")
	if more := len(rows) - summaryExamples; more > 0 {
		out += fmt.Sprintf(" and %d more", more)
	}
	return out
}

func plural(n int, one, many string) string {
	return strconv.Itoa(n) + " " + noun(n, one, many)
}

func noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
