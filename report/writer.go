package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// writeBuffer is the size of each file's write buffer: a million-row dry
// run writes over 100 MB of report, and csv.Writer's own 4 KiB buffer would
// make that tens of thousands of write calls.
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

// Writer writes the report and the errors file. It is not safe for
// concurrent use: one goroutine feeds it rows in input order.
type Writer struct {
	report    *bufio.Writer
	line      []byte
	errs      *csv.Writer // nil when no errors file is wanted
	closers   []io.Closer
	width     int // cells per errors-file line
	codeCol   int
	msgCol    int
	counts    Counts
	errBuf    []string
	wroteErrs bool
	errHeader []string
}

// Create opens (truncating) the report and, unless errorsPath is empty, the
// errors file, both with FileMode. inputHeader is the input's header, which
// the errors file repeats.
func Create(reportPath, errorsPath string, inputHeader []string) (*Writer, error) {
	rf, err := CreateFile(reportPath)
	if err != nil {
		return nil, err
	}
	var ef io.Writer
	closers := []io.Closer{rf}
	if errorsPath != "" {
		f, err := CreateFile(errorsPath)
		if err != nil {
			rf.Close()
			return nil, err
		}
		ef = f
		closers = append(closers, f)
	}
	w := NewWriter(rf, ef, inputHeader)
	w.closers = closers
	return w, nil
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

// NewWriter writes the report to report and the errors file to errs (nil for
// none). The report's header is written at once; the errors file's header is
// written with its first row, so a clean run leaves it empty.
func NewWriter(report, errs io.Writer, inputHeader []string) *Writer {
	w := &Writer{report: bufio.NewWriterSize(report, writeBuffer), counts: Counts{}}
	w.report.WriteString(strings.Join(Header, ",") + "\n")
	if errs != nil {
		w.errs = csv.NewWriter(bufio.NewWriterSize(errs, writeBuffer))
		w.errHeader, w.codeCol, w.msgCol = errorsHeader(inputHeader)
		w.width = len(w.errHeader)
	}
	return w
}

func errorsHeader(input []string) (header []string, codeCol, msgCol int) {
	header = slices.Clone(input)
	find := func(name string) int {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		header = append(header, name)
		return len(header) - 1
	}
	codeCol = find(ErrorCodeColumn)
	msgCol = find(MessageColumn)
	return header, codeCol, msgCol
}

// Write writes one row's result, and, when the row needs attention, its
// original cells to the errors file. fields may be nil when the row could
// not be read into cells.
func (w *Writer) Write(r *Result, fields []string) error {
	w.counts[r.Outcome]++
	w.line = r.appendLine(w.line[:0])
	if _, err := w.report.Write(w.line); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if w.errs == nil || !r.Outcome.NeedsAttention() {
		return nil
	}
	return w.writeError(r, fields)
}

func (w *Writer) writeError(r *Result, fields []string) error {
	if !w.wroteErrs {
		w.wroteErrs = true
		if err := w.errs.Write(neutralizeAll(slices.Clone(w.errHeader))); err != nil {
			return fmt.Errorf("write errors file: %w", err)
		}
	}
	w.errBuf = append(w.errBuf[:0], fields...)
	for len(w.errBuf) < w.width {
		w.errBuf = append(w.errBuf, "")
	}
	w.errBuf = w.errBuf[:w.width]
	w.errBuf[w.codeCol] = r.ErrorCode
	w.errBuf[w.msgCol] = r.Message
	if err := w.errs.Write(neutralizeAll(w.errBuf)); err != nil {
		return fmt.Errorf("write errors file: %w", err)
	}
	return nil
}

func neutralizeAll(cells []string) []string {
	for i, c := range cells {
		cells[i] = Neutralize(c)
	}
	return cells
}

// Counts returns how many rows of each outcome were written so far.
func (w *Writer) Counts() Counts { return w.counts }

// Close flushes both files, syncs them to disk and closes them.
func (w *Writer) Close() error {
	var errs []error
	errs = append(errs, w.report.Flush())
	if w.errs != nil {
		w.errs.Flush()
		errs = append(errs, w.errs.Error())
	}
	for _, c := range w.closers {
		if f, ok := c.(*os.File); ok {
			errs = append(errs, f.Sync())
		}
		errs = append(errs, c.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close report: %w", err)
	}
	return nil
}
