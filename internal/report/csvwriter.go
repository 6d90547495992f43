package report

import (
	"bufio"
	"io"
)

// CSVWriter writes CSV with every cell neutralised against formulas (see
// Neutralize): the one writer of every CSV a person may open in a
// spreadsheet (the report and the errors file, history, verify, the files'
// match report). Its lines are what encoding/csv writes for the
// neutralised cells. Like csv.Writer it buffers: call Flush, then Error.
type CSVWriter struct {
	w    *bufio.Writer
	d    Dialect
	line []byte
	err  error
}

// NewCSVWriter writes to w in DefaultDialect.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: bufio.NewWriter(w), d: DefaultDialect}
}

// Write writes one line of cells; an error is the first write error, and
// is kept for Error.
func (c *CSVWriter) Write(cells []string) error {
	if c.err != nil {
		return c.err
	}
	c.line = appendRecord(c.line[:0], cells, c.d)
	_, c.err = c.w.Write(c.line)
	return c.err
}

// Flush writes the buffered lines to the underlying writer.
func (c *CSVWriter) Flush() {
	if c.err == nil {
		c.err = c.w.Flush()
	}
}

// Error is the first error of a Write or a Flush.
func (c *CSVWriter) Error() error { return c.err }
