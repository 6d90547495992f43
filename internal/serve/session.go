package serve

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// sheetRow is one record of the uploaded sheet, as read.
type sheetRow struct {
	line   int
	fields []string
	err    error // the source could not read it into cells
}

// cell names one cell: a 1-based row of the uploaded sheet and a 0-based
// column of its header.
type cell struct{ row, col int }

// session is one run folder open in memory: the sheet's rows, the edits,
// the mapping and the latest result of every row. Its fields are guarded
// by mu; changed is closed (and replaced) on every change, which wakes the
// event streams.
type session struct {
	dir string
	cfg importer.Config // the server's template of a run

	mu       sync.Mutex
	meta     meta
	header   []string
	rows     []sheetRow
	edits    map[cell]string
	mapping  *mapping.Mapping
	proposal *mapping.Proposal
	results  []report.Result // by row-1; Outcome "" means not checked yet
	checker  *importer.RowChecker
	// mappingErr is why the mapping cannot be used (a required field
	// unfed, a column missing): the page shows it instead of results.
	mappingErr error
	// fresh says the reports on disk were written from the current edits
	// and mapping.
	fresh bool
	job   *job
	// account is the answer of the check made before the last send.
	account string
	changed chan struct{}
}

// loadSession reads a run folder: its meta, the sheet, the mapping and
// the edits.
func loadSession(dir string, cfg importer.Config) (*session, error) {
	m, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	s := &session{dir: dir, cfg: cfg, meta: m, edits: map[cell]string{}, changed: make(chan struct{})}
	if err := s.readSheet(); err != nil {
		return nil, err
	}
	s.proposal = mapping.SuggestFrom(s.header, s.sample())
	var loadErr error
	if s.mapping, loadErr = mapping.LoadFile(s.path(mappingFile)); errors.Is(loadErr, os.ErrNotExist) {
		loadErr, s.mapping = nil, s.proposal.Mapping
		if err := s.writeMapping(); err != nil {
			return nil, err
		}
	} else if loadErr != nil {
		// A mapping that names no column, or one edited by hand into a
		// fault: the columns page opens with the fault told.
		s.mapping = &mapping.Mapping{}
	}
	if err := s.readEdits(); err != nil {
		return nil, err
	}
	s.results = make([]report.Result, len(s.rows))
	s.rebind()
	if loadErr != nil {
		s.mappingErr = fmt.Errorf("%w; choose the columns' fields again", loadErr)
	}
	return s, nil
}

func (s *session) path(name string) string { return filepath.Join(s.dir, name) }

// readSheet reads every record of the uploaded sheet into memory: the
// page pages and checks on the server, and 50,000 rows of 30 cells is tens
// of megabytes.
func (s *session) readSheet() error {
	src, err := source.Open(s.path(s.meta.Sheet), s.cfg.Source)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", s.meta.Sheet, err)
	}
	defer src.Close()
	s.header = slices.Clone(src.Header())
	for {
		rec, err := src.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("sheet %s: %w", s.meta.Sheet, err)
		}
		s.rows = append(s.rows, sheetRow{line: rec.Line, fields: rec.Fields, err: rec.Err})
	}
}

// sample is the rows the proposal looks at, as mapping does.
func (s *session) sample() [][]string {
	n := min(len(s.rows), mapping.SampleSize)
	out := make([][]string, n)
	for i := range n {
		out[i] = s.rows[i].fields
	}
	return out
}

// fields returns row's cells with its edits applied (a copy).
func (s *session) fields(row int) []string {
	f := slices.Clone(s.rows[row-1].fields)
	for c := range f {
		if v, ok := s.edits[cell{row, c}]; ok {
			f[c] = v
		}
	}
	return f
}

// leftOut reports whether row is left out of the corrected sheet.
func (s *session) leftOut(row int) bool { return slices.Contains(s.meta.LeftOut, row) }

// touch wakes the event streams; mu is held.
func (s *session) touch() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// runConfig is the config of a run on the corrected sheet: the server's
// account and knobs, the run folder's files.
func (s *session) runConfig(dryRun bool) importer.Config {
	c := s.cfg
	c.Input = s.path(correctedFile)
	c.MappingFile = s.path(mappingFile)
	c.FilesDir = s.meta.FilesDir
	if c.FilesDir != "" && !filepath.IsAbs(c.FilesDir) {
		c.FilesDir = s.path(c.FilesDir)
	}
	c.ReportPath = s.path(reportFile)
	c.ErrorsPath = s.path(errorsFile)
	c.DryRun = dryRun
	c.Stdin = nil
	return c
}

// rebind builds the row checker for the current mapping and checks every
// row with it, which takes a few milliseconds a thousand rows; mu is held.
func (s *session) rebind() {
	if s.checker != nil {
		s.checker.Close()
		s.checker = nil
	}
	s.fresh = false
	clear(s.results)
	c, err := importer.NewRowChecker(s.runConfig(true), s.header)
	s.mappingErr = err
	if err != nil {
		return
	}
	s.checker = c
	for i := range s.rows {
		s.checkRow(i + 1)
	}
}

// checkRow checks one row with the row checker; mu is held.
func (s *session) checkRow(row int) {
	r := &s.rows[row-1]
	if r.err != nil {
		s.results[row-1] = report.Result{Row: row, Line: r.line, Outcome: report.Invalid, Message: r.err.Error()}
		return
	}
	s.results[row-1] = s.checker.Check(row, r.line, s.fields(row))
}

// writeMapping writes mapping.csv; mu is held (or s is not shared yet).
func (s *session) writeMapping() error {
	var b bytes.Buffer
	if err := s.mapping.Write(&b); err != nil {
		return err
	}
	return writeFileAtomic(s.path(mappingFile), b.Bytes())
}

// The edits file: one line per edited cell, by the sheet's row number and
// the column's name, so a person can read it and the sheet's own numbering
// finds the row.
var editsHeader = []string{"row", "column", "value"}

func (s *session) readEdits() error {
	f, err := os.Open(s.path(editsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("edits: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", editsFile, err)
	}
	for i, rec := range recs {
		if i == 0 || len(rec) != 3 {
			continue
		}
		row, err := strconv.Atoi(rec[0])
		col := slices.Index(s.header, rec[1])
		if err != nil || row < 1 || row > len(s.rows) || col < 0 {
			return fmt.Errorf("%s line %d: no row %q column %q in the sheet", editsFile, i+1, rec[0], rec[1])
		}
		s.edits[cell{row, col}] = rec[2]
	}
	return nil
}

// writeEdits rewrites the edits file, in row and column order; mu is held.
func (s *session) writeEdits() error {
	keys := make([]cell, 0, len(s.edits))
	for k := range s.edits {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b cell) int {
		if a.row != b.row {
			return a.row - b.row
		}
		return a.col - b.col
	})
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(editsHeader)
	for _, k := range keys {
		w.Write([]string{strconv.Itoa(k.row), s.header[k.col], s.edits[k]})
	}
	w.Flush()
	return writeFileAtomic(s.path(editsFile), b.Bytes())
}

// writeCorrected writes the corrected sheet: the header and every row not
// left out, with its edits, as UTF-8 CSV; a cell that would start a
// formula is written as text (the reader takes the apostrophe off again).
// It returns the uploaded sheet's row number of each written row; mu is
// held.
func (s *session) writeCorrected() ([]int, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(s.header)
	var rows []int
	for i := range s.rows {
		row := i + 1
		if s.leftOut(row) || s.rows[i].err != nil {
			continue
		}
		f := s.fields(row)
		for j := range f {
			f[j] = report.Neutralize(f[j])
		}
		w.Write(f)
		rows = append(rows, row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return rows, writeFileAtomic(s.path(correctedFile), b.Bytes())
}

// close stops the session's job and releases the row checker.
func (s *session) close() {
	s.mu.Lock()
	j := s.job
	s.mu.Unlock()
	if j != nil {
		j.cancel(errStopped)
		<-j.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checker != nil {
		s.checker.Close()
		s.checker = nil
	}
}

// errStopped is the cause of a job stopped by the person.
var errStopped = errors.New("stopped on the page")
