package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ErrorsCSV writes the rows that need attention as CSV in the input's
// dialect: the input's header and cells, every cell neutralised (see
// Neutralize), and the error_code and message columns at the end.
type ErrorsCSV struct {
	w       *bufio.Writer
	dialect Dialect
	layout  errorsLayout
	rows    int
	cells   []string
	line    []byte
	err     error
}

// NewErrorsCSV writes to w in dialect d. Its header is written with its
// first row, so a file without rows stays empty.
func NewErrorsCSV(w io.Writer, inputHeader []string, d Dialect) (*ErrorsCSV, error) {
	d, err := d.check()
	if err != nil {
		return nil, err
	}
	return &ErrorsCSV{w: bufio.NewWriterSize(w, writeBuffer), dialect: d, layout: newErrorsLayout(inputHeader)}, nil
}

// Write implements ErrorsFile.
func (e *ErrorsCSV) Write(r *Result, fields []string) error {
	if e.rows == 0 {
		if e.dialect.BOM {
			e.w.WriteString(utf8BOM)
		}
		e.line = appendRecord(e.line[:0], e.layout.header, e.dialect)
		if _, err := e.w.Write(e.line); err != nil {
			return fmt.Errorf("write errors file: %w", err)
		}
	}
	e.rows++
	e.cells = e.layout.cells(e.cells[:0], r, fields)
	e.line = appendRecord(e.line[:0], e.cells, e.dialect)
	if _, err := e.w.Write(e.line); err != nil {
		return fmt.Errorf("write errors file: %w", err)
	}
	return nil
}

// Rows implements ErrorsFile.
func (e *ErrorsCSV) Rows() int { return e.rows }

// Close implements ErrorsFile: it flushes the buffer.
func (e *ErrorsCSV) Close() error { return e.Flush() }

// Flush hands the buffered lines to the io.Writer.
func (e *ErrorsCSV) Flush() error {
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("write errors file: %w", err)
	}
	return nil
}

// errorsLayout is the errors file's columns: the input's, then error_code
// and message unless the input already has them (an errors file fed back).
type errorsLayout struct {
	header          []string
	codeCol, msgCol int
}

func newErrorsLayout(input []string) errorsLayout {
	l := errorsLayout{header: slices.Clone(input)}
	find := func(name string) int {
		for i, h := range l.header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		l.header = append(l.header, name)
		return len(l.header) - 1
	}
	l.codeCol = find(ErrorCodeColumn)
	l.msgCol = find(MessageColumn)
	return l
}

// cells appends the row's cells, cut or padded to the header's width, with
// the result's error code and message in their columns.
func (l errorsLayout) cells(dst []string, r *Result, fields []string) []string {
	dst = append(dst, fields...)
	for len(dst) < len(l.header) {
		dst = append(dst, "")
	}
	dst = dst[:len(l.header)]
	dst[l.codeCol] = r.ErrorCode
	dst[l.msgCol] = r.Message
	return dst
}
