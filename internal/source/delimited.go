package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxRecordBytes bounds one record, and how far the reader looks ahead for
// the end of a quoted cell before calling the quote broken. It keeps memory
// bounded whatever the input holds.
const MaxRecordBytes = 2 << 20

// DefaultDelimiter is used when the header holds none of the candidates.
const DefaultDelimiter = ','

// delimiterCandidates are the delimiters detection chooses among, in the
// order that breaks ties.
var delimiterCandidates = []byte{',', ';', '\t', '|'}

// delimited scans records of delimited text. It parses lines straight out
// of the read buffer and copies each record's text once, into one string.
type delimited struct {
	br       *bufio.Reader
	delim    byte
	encoding string
	check    bool // validate UTF-8 of each record
	crlf     bool // the header line ends with \r\n

	line      int    // physical lines read so far
	replay    []byte // lines read ahead past an unclosed quote, to read again
	replaying bool   // the last line came from replay
	tooLong   bool   // the last line was cut at MaxRecordBytes
	started   bool   // the header has been read
	long      []byte // a line longer than the read buffer
	raw       []byte // the raw lines of the current multi-line record
	buf       []byte // the current record's cell text
	ends      []int  // end offsets of the current record's cells in buf
}

// record is the parse state of one record.
type record struct {
	start   int    // line where it starts
	first   []byte // its first raw line, terminator included
	spanned bool   // it continued onto further lines
	cell    int    // 1-based cell being parsed
	problem *LineError
}

func (st *record) fail(kind error, format string, args ...any) {
	if st.problem == nil {
		st.problem = &LineError{Line: st.start, Err: kind, Detail: fmt.Sprintf(format, args...)}
	}
}

func newDelimited(r io.Reader, opts Options) (*delimited, error) {
	dec, err := decode(r, opts.Encoding)
	if err != nil {
		return nil, err
	}
	br, cr := readCROnly(dec.br)
	d := &delimited{br: br, encoding: dec.name, check: dec.check}
	if cr {
		d.encoding += ", CR line breaks"
	}
	if d.delim, err = chooseDelimiter(br, opts.Delimiter); err != nil {
		return nil, err
	}
	head, _ := dec.br.Peek(bufferSize)
	if i := bytes.IndexByte(head, '\n'); i > 0 && head[i-1] == '\r' {
		d.crlf = true
	}
	return d, nil
}

// chooseDelimiter validates the configured delimiter or detects one from
// the header line.
func chooseDelimiter(br *bufio.Reader, configured rune) (byte, error) {
	if configured == 0 {
		head, _ := br.Peek(bufferSize)
		return detectDelimiter(head), nil
	}
	if configured >= utf8.RuneSelf || configured == '"' || configured == '\r' || configured == '\n' {
		return 0, fmt.Errorf("delimiter %q is not supported: use one ASCII character other than a quote or line break", configured)
	}
	return byte(configured), nil
}

// detectDelimiter counts the candidates outside quotes in the first
// non-blank line of head and returns the most frequent; ties go to the
// earlier candidate, none found to DefaultDelimiter.
func detectDelimiter(head []byte) byte {
	var counts [256]int
	quoted, started := false, false
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted && started:
			return mostFrequent(&counts)
		case !quoted:
			counts[c]++
		}
		started = started || (c != '\n' && c != '\r' && c != ' ' && c != '\t')
	}
	return mostFrequent(&counts)
}

func mostFrequent(counts *[256]int) byte {
	best := byte(DefaultDelimiter)
	for _, c := range delimiterCandidates {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// read returns the next record, blank lines skipped.
func (d *delimited) read() (int, []string, error, error) {
	for {
		line, err := d.readLine()
		if err != nil {
			return 0, nil, nil, err
		}
		if isBlankLine(line) && !d.tooLong {
			continue
		}
		d.started = true
		st := record{start: d.line, first: line, cell: 1}
		var fields []string
		if body := trimEOL(line); !d.tooLong && bytes.IndexByte(body, '"') < 0 {
			fields = d.split(&st, body)
		} else {
			if err := d.parse(&st); err != nil {
				return 0, nil, nil, err
			}
			fields = d.fields(&st)
		}
		if st.problem != nil {
			return st.start, fields, st.problem, nil
		}
		return st.start, fields, nil, nil
	}
}

// split is the fast path for a line without quotes: one copy of the line
// into a string, cells sliced out of it.
func (d *delimited) split(st *record, body []byte) []string {
	text := string(body)
	fields := make([]string, bytes.Count(body, []byte{d.delim})+1)
	last := len(fields) - 1
	for i := range last {
		j := strings.IndexByte(text, d.delim)
		fields[i], text = text[:j], text[j+1:]
	}
	fields[last] = text
	// Cells end at an ASCII delimiter, so a valid line has valid cells.
	if d.check && !utf8.Valid(body) {
		checkUTF8(st, fields)
	}
	return fields
}

// readLine returns the next physical line with its terminator, from the
// replay buffer first, then from the input.
func (d *delimited) readLine() ([]byte, error) {
	d.tooLong = false
	if len(d.replay) > 0 {
		var line []byte
		if i := bytes.IndexByte(d.replay, '\n'); i >= 0 {
			line, d.replay = d.replay[:i+1], d.replay[i+1:]
		} else {
			line, d.replay = d.replay, nil
		}
		// The last line read again may hold the quote that ended the
		// broken record, which may open a real multi-line cell.
		d.replaying = len(d.replay) > 0
		d.line++
		return line, nil
	}
	d.replaying = false
	line, err := d.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		line, err = d.readLong(line)
	}
	if len(line) > 0 {
		d.line++
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return line, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("read line %d: %w", d.line+1, err)
	}
	return nil, err
}

// readLong gathers a line longer than the read buffer, keeping at most
// MaxRecordBytes of it.
func (d *delimited) readLong(part []byte) ([]byte, error) {
	d.long = append(d.long[:0], part...)
	for {
		part, err := d.br.ReadSlice('\n')
		if len(d.long)+len(part) > MaxRecordBytes {
			if !d.started {
				// Reading on would take as long as the line lasts, and
				// /dev/zero lasts for ever.
				return nil, fmt.Errorf("%w: the header is longer than %d bytes; is this a text file?", ErrTooLong, MaxRecordBytes)
			}
			d.tooLong = true
			part = part[:max(0, min(len(part), MaxRecordBytes-len(d.long)))]
		}
		d.long = append(d.long, part...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			if d.tooLong && len(d.long) > 0 && d.long[len(d.long)-1] != '\n' && err == nil {
				d.long = append(d.long, '\n')
			}
			return d.long, err
		}
	}
}

// parse splits the record starting at st.first into cells in d.buf and
// d.ends. Only a failure to read the input is returned; the record's own
// problems go to st.problem.
func (d *delimited) parse(st *record) error {
	d.buf, d.ends = d.buf[:0], d.ends[:0]
	if d.tooLong {
		st.fail(ErrTooLong, "line is longer than %d bytes; the rest of it is ignored", MaxRecordBytes)
	}
	rest := trimEOL(st.first)
	for {
		var done bool
		var err error
		if len(rest) > 0 && rest[0] == '"' {
			rest, done, err = d.quoted(st, rest[1:])
			if err != nil {
				return err
			}
		} else {
			rest, done = d.unquoted(rest)
		}
		if done {
			return nil
		}
		st.cell++
	}
}

// unquoted reads a plain cell and returns the text after its delimiter;
// done reports the end of the record.
func (d *delimited) unquoted(rest []byte) ([]byte, bool) {
	i := bytes.IndexByte(rest, d.delim)
	if i < 0 {
		d.endCell(rest)
		return nil, true
	}
	d.endCell(rest[:i])
	return rest[i+1:], false
}

func (d *delimited) endCell(tail []byte) {
	d.buf = append(d.buf, tail...)
	d.ends = append(d.ends, len(d.buf))
}

// quoted reads a quoted cell whose opening quote is consumed, across lines
// if need be, and returns the text after its delimiter; done reports the end
// of the record.
func (d *delimited) quoted(st *record, rest []byte) ([]byte, bool, error) {
	for {
		i := bytes.IndexByte(rest, '"')
		if i < 0 {
			d.buf = append(d.buf, rest...)
			next, ok, err := d.nextLine(st)
			if !ok || err != nil {
				return nil, true, err
			}
			d.buf = append(d.buf, '\n')
			rest = next
			continue
		}
		d.buf = append(d.buf, rest[:i]...)
		rest = rest[i+1:]
		switch {
		case len(rest) > 0 && rest[0] == '"':
			d.buf = append(d.buf, '"')
			rest = rest[1:]
		case len(rest) == 0:
			d.endCell(nil)
			return nil, true, nil
		case rest[0] == d.delim:
			d.endCell(nil)
			return rest[1:], false, nil
		case st.spanned:
			// A quote followed by text lines below the opening one: the
			// opening quote is the broken one.
			d.unclosed(st, fmt.Sprintf("quote opened in cell %d is not closed (the quote on line %d is followed by text)", st.cell, d.line))
			return nil, true, nil
		default:
			st.fail(ErrQuote, "cell %d has text after its closing quote", st.cell)
			rest, done := d.unquoted(rest)
			return rest, done, nil
		}
	}
}

// nextLine continues a quoted cell onto the next physical line. It returns
// ok=false when the quote is broken: never closed before the end of the
// input or within MaxRecordBytes, or opened on a line read again after such
// a quote. Then the lines read ahead are queued to be read again, so the
// records after the broken one still come through.
func (d *delimited) nextLine(st *record) ([]byte, bool, error) {
	if d.replaying {
		st.fail(ErrQuote, "quote opened in cell %d is not closed on this line", st.cell)
		d.endCell(nil)
		return nil, false, nil
	}
	if !st.spanned {
		st.spanned = true
		d.raw = append(d.raw[:0], st.first...)
	}
	line, err := d.readLine()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	if err == nil {
		d.raw = append(d.raw, line...)
	}
	if err == nil && len(d.raw) <= MaxRecordBytes && !d.tooLong {
		return trimEOL(line), true, nil
	}
	if err == nil {
		return nil, false, d.skipLong(st, line)
	}
	d.unclosed(st, fmt.Sprintf("quote opened in cell %d is never closed", st.cell))
	return nil, false, nil
}

// skipLong reads past the rest of a record whose quoted cell has grown
// over MaxRecordBytes, without keeping it: such a cell is one problem, not
// one per line. The record ends where the quote closes and a line ends
// outside quotes. A quote followed by text shows that the opening quote
// was a stray one: the record ends on the line before, and that line is
// read again. Without either, the record runs to the end of the input.
func (d *delimited) skipLong(st *record, line []byte) error {
	d.raw = nil
	quoted := true
	for {
		switch scanLine(trimEOL(line), d.delim, &quoted) {
		case lineEnds:
			st.problem = &LineError{Line: st.start, Err: ErrTooLong, Detail: fmt.Sprintf(
				"record is longer than %d bytes (cell %d runs from line %d to line %d); it is skipped",
				MaxRecordBytes, st.cell, st.start, d.line)}
			d.cutCell()
			return nil
		case strayQuote:
			d.replay = append([]byte(nil), line...)
			d.line--
			st.problem = &LineError{Line: st.start, Err: ErrQuote, Detail: fmt.Sprintf(
				"quote opened in cell %d is not closed within %d bytes; lines %d to %d are skipped",
				st.cell, MaxRecordBytes, st.start, d.line)}
			d.cutCell()
			return nil
		}
		next, err := d.readLine()
		if errors.Is(err, io.EOF) {
			st.problem = &LineError{Line: st.start, Err: ErrQuote, Detail: fmt.Sprintf(
				"quote opened in cell %d is never closed: lines %d to %d, the end of the input, are skipped",
				st.cell, st.start, d.line)}
			d.cutCell()
			return nil
		}
		if err != nil {
			return err
		}
		line = next
	}
}

// cutCell ends the current cell at its first line break, so that a record
// that is skipped does not carry megabytes along.
func (d *delimited) cutCell() {
	if i := bytes.IndexByte(d.buf, '\n'); i >= 0 {
		d.buf = d.buf[:i]
	}
	d.endCell(nil)
}

// How a line scanned by scanLine ends.
const (
	lineContinues = iota // inside a quoted cell: the record goes on
	lineEnds             // outside quotes: the record ends with the line
	strayQuote           // a closing quote is followed by text
)

// scanLine follows the quotes of one line of a record, carrying the
// quoted state across lines.
func scanLine(body []byte, delim byte, quoted *bool) int {
	for {
		if !*quoted {
			i := bytes.IndexByte(body, delim)
			if i < 0 {
				return lineEnds
			}
			body = body[i+1:]
			if len(body) > 0 && body[0] == '"' {
				*quoted, body = true, body[1:]
			}
			continue
		}
		i := bytes.IndexByte(body, '"')
		if i < 0 {
			return lineContinues
		}
		body = body[i+1:]
		switch {
		case len(body) > 0 && body[0] == '"':
			body = body[1:]
		case len(body) == 0 || body[0] == delim:
			*quoted = false
		default:
			return strayQuote
		}
	}
}

// unclosed reports the quote of the current cell as never closed, keeps
// the cell's text from the record's first line only, and queues the
// following lines to be read again.
func (d *delimited) unclosed(st *record, detail string) {
	st.problem = &LineError{Line: st.start, Err: ErrQuote, Detail: detail}
	if i := bytes.IndexByte(d.buf, '\n'); i >= 0 {
		d.buf = d.buf[:i]
	}
	d.endCell(nil)
	d.replay = d.raw[len(st.first):]
	d.raw = nil
	d.line = st.start
}

// fields turns the parsed record into strings sharing one allocation, and
// checks that it is valid UTF-8.
func (d *delimited) fields(st *record) []string {
	text := string(d.buf)
	fields := make([]string, len(d.ends))
	from := 0
	for i, end := range d.ends {
		fields[i] = text[from:min(end, len(text))]
		from = min(end, len(text))
	}
	if d.check && !validCells(text, d.ends) {
		checkUTF8(st, fields)
	}
	return fields
}

// validCells reports whether every cell of text is valid UTF-8: the whole
// text is, and no cell starts inside a multi-byte character.
func validCells(text string, ends []int) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, end := range ends {
		if end < len(text) && !utf8.RuneStart(text[end]) {
			return false
		}
	}
	return true
}

// checkUTF8 marks a record holding invalid UTF-8 and replaces the invalid
// bytes, so that no invalid text is passed on. Cells are checked one by
// one: two cells' bytes may be valid only when joined.
func checkUTF8(st *record, fields []string) {
	for i, f := range fields {
		if utf8.ValidString(f) {
			continue
		}
		st.fail(ErrEncoding, "cell %d is not valid UTF-8; %s", i+1, encodingHint(f))
		fields[i] = strings.ToValidUTF8(f, "\uFFFD")
	}
}

// trimEOL drops the line's LF or CRLF.
func trimEOL(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n > 1 && line[n-2] == '\r' {
			line = line[:n-2]
		}
	}
	return line
}

// isBlankLine reports whether the line holds only white space.
func isBlankLine(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
