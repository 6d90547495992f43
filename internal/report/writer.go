package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// writeBuffer is the size of each file's write buffer: a million-row dry
// run writes over 100 MB of report, and a small buffer would make that tens
// of thousands of write calls.
const writeBuffer = 256 << 10

// FileMode is the permission of every file the report writes: they hold
// personal data, so only the owner may read them.
const FileMode os.FileMode = 0o600

// Columns the errors file adds to the input's own header. When the input is
// itself an errors file that is being fed back, its existing columns of the
// same names are reused instead of added again.
const (
	ErrorCodeColumn = "error_code"
	MessageColumn   = "message"
)

// ErrorsFile receives the rows that need a person's attention, in their
// original columns. ErrorsCSV and ErrorsWorkbook implement it.
type ErrorsFile interface {
	// Write adds one row: its result and its input cells (nil when the row
	// could not be read into cells).
	Write(r *Result, fields []string) error
	// Rows is the number of rows written so far.
	Rows() int
	// Close finishes the file; it does not close the io.Writer beneath.
	Close() error
}

// Config says where a Writer writes and how.
type Config struct {
	// ReportPath is the report CSV.
	ReportPath string
	// ErrorsPath is the errors file: a workbook when it ends in .xlsx (see
	// IsWorkbook), a CSV otherwise; "" for none.
	ErrorsPath string
	// InputHeader is the input's header, which the errors file repeats.
	InputHeader []string
	// Dialect is the report and errors CSV's; the zero value is
	// DefaultDialect.
	Dialect Dialect
	// FlushEvery, when above 0, hands the report and errors CSV to the
	// system after every FlushEvery rows, and at once after a row that
	// reached Comeet (Attempts > 0), so a killed run's partial files hold
	// every request it made; 0 flushes only when a buffer fills. The rows
	// between (skipped, invalid) cost no request: a nightly re-run skips
	// them by the hundred thousand, one write each would be most of its time.
	FlushEvery int
}

// IsWorkbook reports whether path names an .xlsx workbook.
func IsWorkbook(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".xlsx")
}

// Writer writes the report and the errors file. It is not safe for
// concurrent use: one goroutine feeds it rows in input order.
type Writer struct {
	dialect   Dialect
	report    *bufio.Writer
	line      []byte
	errs      ErrorsFile // nil when no errors file is wanted
	counts    Counts
	problems  *Problems
	attention Attention
	// flushEvery and rows implement Config.FlushEvery.
	flushEvery, rows int
	// The files Open created, renamed into place by Close.
	reportFile, errorsFile *Partial
	// uncutFile is the errors CSV beside an errors workbook (see
	// UncutPath), kept by Close only when a cell was cut.
	uncutFile *Partial
	// failed is the first write that failed: the files are then lost,
	// and Close keeps the previous ones.
	failed error
}

// Open creates the report and, unless cfg.ErrorsPath is empty, the errors
// file, each under its name plus PartialSuffix with FileMode; Close renames
// them into place. An errors file that ends up with no rows is removed, with
// any file of that name an earlier run left.
func Open(cfg Config) (_ *Writer, err error) {
	d, err := cfg.Dialect.check()
	if err != nil {
		return nil, err
	}
	rf, err := CreatePartial(cfg.ReportPath)
	if err != nil {
		return nil, err
	}
	w := newWriter(rf, nil, d, cfg.InputHeader)
	w.reportFile, w.flushEvery = rf, cfg.FlushEvery
	if cfg.ErrorsPath != "" {
		if w.errs, err = w.openErrors(cfg.ErrorsPath, cfg.InputHeader, d); err != nil {
			w.discard()
			return nil, err
		}
	}
	return w, nil
}

// openErrors creates the errors file at path, and beside a workbook the
// errors CSV that keeps the cells a workbook cell cannot hold.
func (w *Writer) openErrors(path string, header []string, d Dialect) (ErrorsFile, error) {
	var err error
	if w.errorsFile, err = CreatePartial(path); err != nil {
		return nil, err
	}
	if !IsWorkbook(path) {
		return NewErrorsCSV(w.errorsFile, header, d)
	}
	wb, err := NewErrorsWorkbook(w.errorsFile, header)
	if err != nil {
		return nil, err
	}
	if w.uncutFile, err = CreatePartial(UncutPath(path)); err != nil {
		return nil, err
	}
	uncut, _ := NewErrorsCSV(w.uncutFile, header, d) // d was checked
	wb.KeepUncut(uncut, filepath.Base(UncutPath(path)))
	return wb, nil
}

// discard removes the partial files Open created.
func (w *Writer) discard() {
	for _, p := range []*Partial{w.reportFile, w.errorsFile, w.uncutFile} {
		if p != nil {
			p.Discard(false)
		}
	}
}

// UncutPath is the errors CSV written beside the errors workbook at path:
// it keeps whole the cells longer than a workbook cell holds (32,767
// characters), which the workbook cuts. "in.errors.xlsx" gives
// "in.errors.uncut.csv".
func UncutPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".uncut.csv"
}

// Create opens the report and errors file like Open, in DefaultDialect.
func Create(reportPath, errorsPath string, inputHeader []string) (*Writer, error) {
	return Open(Config{ReportPath: reportPath, ErrorsPath: errorsPath, InputHeader: inputHeader})
}

// CreateFile creates (or truncates) path with FileMode, whatever the mode
// of a file that was already there: everything the tool writes about
// candidates holds personal data.
func CreateFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, FileMode)
	if err != nil {
		return nil, fmt.Errorf("create %q: %w", path, err)
	}
	// OpenFile keeps the mode of a file that already existed.
	if err := f.Chmod(FileMode); err != nil {
		f.Close()
		return nil, fmt.Errorf("chmod %q: %w", path, err)
	}
	return f, nil
}

// NewWriter writes the report to report and the errors CSV to errs (nil for
// none), both in DefaultDialect. The report's header is written at once;
// the errors file's header is written with its first row, so a clean run
// leaves it empty.
func NewWriter(report, errs io.Writer, inputHeader []string) *Writer {
	var ef ErrorsFile
	if errs != nil {
		ef, _ = NewErrorsCSV(errs, inputHeader, DefaultDialect) // DefaultDialect is valid
	}
	return newWriter(report, ef, DefaultDialect, inputHeader)
}

// NewWriterTo writes the report to report in dialect d and the rows that
// need attention to errs (nil for none). inputHeader names the columns in
// the top problems.
func NewWriterTo(report io.Writer, errs ErrorsFile, d Dialect, inputHeader []string) (*Writer, error) {
	d, err := d.check()
	if err != nil {
		return nil, err
	}
	return newWriter(report, errs, d, inputHeader), nil
}

func newWriter(report io.Writer, errs ErrorsFile, d Dialect, inputHeader []string) *Writer {
	w := &Writer{
		dialect:  d,
		report:   bufio.NewWriterSize(report, writeBuffer),
		errs:     errs,
		counts:   Counts{},
		problems: NewProblems(inputHeader, DefaultMaxProblems),
	}
	w.attention.Header = inputHeader
	if d.BOM {
		w.report.WriteString(utf8BOM)
	}
	w.report.Write(appendRecord(nil, Header, d))
	return w
}

const utf8BOM = "\uFEFF"

// Write writes one row's result, and, when the row needs attention, its
// original cells to the errors file. fields may be nil when the row could
// not be read into cells. Once a write failed (a full disk), Write only
// counts the row, for the summary, and returns that failure again.
func (w *Writer) Write(r *Result, fields []string) error {
	w.counts[r.Outcome]++
	if w.failed == nil {
		w.failed = w.write(r, fields)
	}
	return w.failed
}

func (w *Writer) write(r *Result, fields []string) error {
	w.line = r.appendLine(w.line[:0], w.dialect)
	if _, err := w.report.Write(w.line); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if r.Outcome.NeedsAttention() {
		w.problems.Add(r, fields)
		w.attention.keep(r, fields)
		if w.errs != nil {
			if err := w.errs.Write(r, fields); err != nil {
				return err
			}
		}
	}
	w.rows++
	if w.flushEvery > 0 && (r.Attempts > 0 || w.rows%w.flushEvery == 0) {
		return w.flush()
	}
	return nil
}

// Flush hands what is buffered of the report, and of an errors CSV, to the
// system. An errors workbook is only written whole, by Close.
func (w *Writer) Flush() error {
	if w.failed == nil {
		w.failed = w.flush()
	}
	return w.failed
}

func (w *Writer) flush() error {
	if err := w.report.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if f, ok := w.errs.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// Counts returns how many rows of each outcome were written so far.
func (w *Writer) Counts() Counts { return w.counts }

// Problems returns the problems of the rows written so far, for the
// closing table and the summary.
func (w *Writer) Problems() *Problems { return w.problems }

// Attention returns the first MaxHTMLRows rows that need attention, for
// the HTML page.
func (w *Writer) Attention() Attention { return w.attention }

// ErrorRows is the number of rows written to the errors file.
func (w *Writer) ErrorRows() int {
	if w.errs == nil {
		return 0
	}
	return w.errs.Rows()
}

// Close flushes both files and, when Open created them, syncs them, closes
// them and renames them into place; an errors file without rows is removed
// instead. Close is also the way out of an interrupted run: what was
// written so far becomes the report. When a write failed (a full disk), the
// files written are removed and the previous ones stay whole: a cut or
// empty report must not take the place of a good one.
func (w *Writer) Close() error {
	if w.failed == nil {
		w.failed = w.flush()
	}
	if w.errs != nil {
		if err := w.errs.Close(); w.failed == nil {
			w.failed = err
		}
	}
	if w.failed == nil && w.reportFile != nil {
		w.failed = w.reportFile.Commit()
	}
	if w.failed != nil {
		w.discard()
		return fmt.Errorf("close report: %w", w.failed)
	}
	if err := w.commitErrors(); err != nil {
		return fmt.Errorf("close report: %w", err)
	}
	return nil
}

// commitErrors renames the errors file into place, or removes it (and the
// one an earlier run left) when it has no rows; the same for the uncut
// errors CSV beside a workbook, kept only when a cell was cut.
func (w *Writer) commitErrors() error {
	var errs []error
	if w.errorsFile != nil {
		if w.errs.Rows() > 0 {
			errs = append(errs, w.errorsFile.Commit())
		} else {
			errs = append(errs, w.errorsFile.Discard(true))
		}
	}
	if w.uncutFile != nil {
		if wb, ok := w.errs.(*ErrorsWorkbook); ok && wb.CutRows() > 0 {
			errs = append(errs, w.uncutFile.Commit())
		} else {
			errs = append(errs, w.uncutFile.Discard(true))
		}
	}
	return errors.Join(errs...)
}
