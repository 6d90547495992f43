package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Formats accepted in Options.Format.
const (
	FormatDelimited = "csv"
	FormatXLSX      = "xlsx"
)

// StdinPath is the path Open reads as standard input.
const StdinPath = "-"

// Configuration errors: the input cannot be imported at all.
var (
	// ErrEmpty means the input has no header line.
	ErrEmpty = errors.New("input is empty: no header line")
	// ErrNoRows means the input has a header but no data records.
	ErrNoRows = errors.New("input has a header but no data rows")
)

// Record is one data record of the input.
type Record struct {
	// Row is the 1-based data record number, header excluded; blank
	// records are not counted.
	Row int
	// Line is the physical line (1-based) where the record starts; for a
	// workbook, the spreadsheet row number.
	Line int
	// Fields are the record's raw cells, untrimmed. Each Next returns a
	// fresh slice, so a Record may be kept and handed to other goroutines.
	Fields []string
	// Err is the record's own problem (a *LineError): wrong number of cells,
	// broken quote, invalid encoding. The reader goes on after it.
	Err error
	// Notes say what a workbook knows about the cells beyond their text:
	// hyperlinks, General-format numbers, formulas without a saved value.
	// Nil for delimited text and for rows with nothing to note.
	Notes *CellNotes
	// Last is set on the input's last record (only blank records follow
	// it), where a sheet's "Total:" footer sits. The Reader reads one
	// record ahead to know it.
	Last bool
}

// Options configure a Reader. The zero value detects everything.
type Options struct {
	// Encoding names the text encoding of delimited input; "" (or
	// EncodingAuto) detects UTF-8 (with or without BOM), UTF-16 with BOM,
	// and the single-byte code pages of codePages.
	Encoding string
	// Delimiter separates cells; 0 detects it from the header line among
	// , ; TAB |.
	Delimiter rune
	// Sheet names the workbook sheet to read, hidden or not; "" reads the
	// sheet Excel opens on: the active sheet, else the first visible one.
	Sheet string
	// Format is FormatDelimited or FormatXLSX; "" chooses by extension.
	Format string
	// Workbook bounds what an .xlsx file may unpack to; zero fields take
	// DefaultWorkbookLimits.
	Workbook WorkbookLimits
	// DateFormat, when set, is the format of the dates written as text
	// (see ParseDateLayout): every cell that is wholly a date in it is
	// read as ISO 8601. Date-formatted workbook cells are ISO 8601 anyway.
	DateFormat string
}

// rowSource yields the records of one input format, blank or not, without
// regard to the header.
type rowSource interface {
	// read returns the next record's line, cells and own problem; err is
	// io.EOF at the end or a failure of the input.
	read() (line int, fields []string, problem error, err error)
}

// noter is a rowSource that knows more about the cells of the record it
// last read than their text.
type noter interface {
	notes() *CellNotes
}

// Reader reads records from a delimited text file or a workbook sheet.
type Reader struct {
	src    rowSource
	closer io.Closer
	header []string
	pad    bool // short rows are padded (workbooks), not ragged
	// pending is the record Next returns next, read ahead; nil when the
	// input ended with aheadErr (io.EOF at its end).
	pending   *Record
	aheadErr  error
	row       int
	encoding  string
	delimiter rune
	crlf      bool
	// utf16 is set when the text was decoded from UTF-16, where U+FFFD
	// stands for an unpaired surrogate.
	utf16 bool
	dates *DateLayout // nil: cells are kept as written
	// sheet and otherSheets name the workbook sheet read and the others.
	sheet       string
	otherSheets []string
}

// Open opens the file at path ("-" for standard input, delimited only) and
// reads its header and first record. It is OpenContext without an
// interruption.
func Open(path string, opts Options) (*Reader, error) {
	return OpenContext(context.Background(), path, opts)
}

// OpenContext opens the file at path ("-" for standard input, delimited
// only) and reads its header and first record. When ctx is done, an input
// that is not a regular file (a FIFO, a pipe, a device such as /dev/zero)
// is closed: a read blocked on it, or one that would never end, returns an
// error that wraps ctx's cause, and so does opening a FIFO that no one
// writes to. A regular file is finite and stays readable to its end, so a
// caller can still account for every record after an interruption.
func OpenContext(ctx context.Context, path string, opts Options) (*Reader, error) {
	dates, err := dateLayout(opts)
	if err != nil {
		return nil, err
	}
	r, err := open(ctx, path, opts)
	if r != nil {
		r.setDates(dates)
	}
	return r, err
}

func open(ctx context.Context, path string, opts Options) (*Reader, error) {
	format, err := formatOf(path, opts.Format)
	if err != nil {
		return nil, err
	}
	if format == FormatXLSX {
		return openXLSX(path, opts)
	}
	if path == StdinPath {
		in := NewStdinReader(ctx, os.Stdin)
		r, err := NewReader(in, opts)
		if err != nil {
			in.Close()
			return nil, err
		}
		r.closer = in
		return r, nil
	}
	in, err := openInput(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(in, opts)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	r.closer = in
	return r, nil
}

// extensions are the file extensions read without naming the format, in
// lower case, with the format each is read as.
var extensions = map[string]string{
	".csv": FormatDelimited, ".tsv": FormatDelimited, ".txt": FormatDelimited,
	".xlsx": FormatXLSX, ".xlsm": FormatXLSX,
}

// TrimExt returns path without the extension of a file it reads, so that
// the files named after an input drop it: "in/candidates.csv" gives
// "in/candidates". Any other path comes back as it is.
func TrimExt(path string) string {
	ext := filepath.Ext(path)
	if _, ok := extensions[strings.ToLower(ext)]; ok {
		return strings.TrimSuffix(path, ext)
	}
	return path
}

// formatOf decides the input format from the option or the file name.
func formatOf(path, format string) (string, error) {
	switch strings.ToLower(format) {
	case FormatDelimited, "tsv", "txt", "delimited":
		return FormatDelimited, nil
	case FormatXLSX:
		if path == StdinPath {
			return "", errors.New("open input: xlsx cannot be read from standard input")
		}
		return FormatXLSX, nil
	case "":
	default:
		return "", fmt.Errorf("open input: unknown format %q (want %q or %q)", format, FormatDelimited, FormatXLSX)
	}
	if path == StdinPath {
		return FormatDelimited, nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	if f, ok := extensions[ext]; ok {
		return f, nil
	}
	switch ext {
	case ".xls":
		return "", fmt.Errorf("open %s: old .xls workbooks are not supported; save it as .xlsx or CSV", filepath.Base(path))
	default:
		return "", fmt.Errorf("open %s: unknown extension %q; name the format (csv or xlsx)", filepath.Base(path), ext)
	}
}

// NewReader reads delimited text from r and reads its header and first
// record. The caller closes r.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	dates, err := dateLayout(opts)
	if err != nil {
		return nil, err
	}
	d, err := newDelimited(r, opts)
	if err != nil {
		return nil, err
	}
	rd := &Reader{src: d, encoding: d.encoding, delimiter: rune(d.delim), crlf: d.crlf, utf16: strings.HasPrefix(d.encoding, "utf-16")}
	rd.dates = dates
	if err := rd.start(); err != nil {
		return nil, err
	}
	return rd, nil
}

// start reads the header and the first data record, so that the
// configuration errors come out of Open.
func (r *Reader) start() error {
	line, fields, problem, err := r.nextNonBlank()
	if errors.Is(err, io.EOF) {
		return ErrEmpty
	}
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	if problem != nil {
		return fmt.Errorf("read header: %w", problem)
	}
	if r.header, err = parseHeader(line, fields); err != nil {
		return err
	}
	for i, name := range r.header {
		if c := notText(name, r.utf16); c >= 0 {
			return fmt.Errorf("read header: %w", &LineError{Line: line, Err: ErrEncoding,
				Detail: fmt.Sprintf("column %d holds %s", i+1, describeChar(c))})
		}
	}
	if h, ok := r.src.(interface{ headerAt(line int) }); ok {
		h.headerAt(line)
	}
	rec, err := r.read()
	if errors.Is(err, io.EOF) {
		return ErrNoRows
	}
	if err != nil {
		return err
	}
	r.pending = &rec
	return nil
}

// Header returns the column names, trimmed of surrounding white space and
// without a byte-order mark.
func (r *Reader) Header() []string { return r.header }

// Encoding returns the text encoding in use, for logs; "" for a workbook.
func (r *Reader) Encoding() string { return r.encoding }

// Delimiter returns the cell delimiter in use (0 for a workbook), for logs.
func (r *Reader) Delimiter() rune { return r.delimiter }

// Dialect is how delimited input is spelled, for output written back in
// the same spelling.
type Dialect struct {
	// Delimiter separates cells.
	Delimiter rune
	// BOM is set when the input started with a UTF-8 byte-order mark or
	// is not in UTF-8: output written in UTF-8 needs the mark for Excel to
	// read it as such.
	BOM bool
	// CRLF is set when the header line ended with \r\n.
	CRLF bool
}

// Dialect returns the delimited input's dialect; the zero Dialect for a
// workbook.
func (r *Reader) Dialect() Dialect {
	if r.delimiter == 0 {
		return Dialect{}
	}
	return Dialect{Delimiter: r.delimiter, BOM: r.encoding != EncodingUTF8, CRLF: r.crlf}
}

// Next returns the next data record. It returns io.EOF after the last one;
// any other error means the input could not be read and the run must stop.
// It reads the record after the one it returns, to mark the last one.
func (r *Reader) Next() (Record, error) {
	if r.pending == nil {
		return Record{}, r.aheadErr
	}
	rec := *r.pending
	next, err := r.read()
	r.pending, r.aheadErr = &next, err
	if err != nil {
		r.pending = nil
	}
	rec.Last = errors.Is(err, io.EOF)
	return rec, nil
}

// read reads the next non-blank data record.
func (r *Reader) read() (Record, error) {
	line, fields, problem, err := r.nextNonBlank()
	if err != nil {
		return Record{}, err
	}
	r.row++
	rec := Record{Row: r.row, Line: line, Fields: fields, Err: problem}
	if n, ok := r.src.(noter); ok {
		rec.Notes = n.notes()
	}
	if r.dates != nil {
		r.dates.isoDates(rec.Fields)
	}
	r.fitWidth(&rec)
	r.checkText(&rec)
	return rec, nil
}

// checkText marks a record whose cells hold characters that are not text
// (NUL and other control characters, noncharacters, broken UTF-16), names
// the column of the first, and replaces them all with U+FFFD, so that they
// are never passed on. Tab and line breaks are text: whether a field may
// hold a line break is for the field's rules to say.
func (r *Reader) checkText(rec *Record) {
	for i, f := range rec.Fields {
		c := notText(f, r.utf16)
		if c < 0 {
			continue
		}
		if rec.Err == nil {
			rec.Err = &LineError{Line: rec.Line, Err: ErrEncoding, Detail: fmt.Sprintf(
				"cell %d (%s) holds %s", i+1, r.columnName(i), describeChar(c))}
		}
		rec.Fields[i] = cleanText(f)
	}
}

// columnName names the i-th column for a message.
func (r *Reader) columnName(i int) string {
	if i < len(r.header) {
		return strconv.Quote(r.header[i])
	}
	return "beyond the header"
}

// nextNonBlank skips records whose cells are all blank.
func (r *Reader) nextNonBlank() (int, []string, error, error) {
	for {
		line, fields, problem, err := r.src.read()
		if err != nil || problem != nil || !blank(fields) {
			return line, fields, problem, err
		}
	}
}

// fitWidth checks the record's cell count against the header: empty surplus
// cells are dropped, short workbook rows are padded, anything else is an
// error of the record.
func (r *Reader) fitWidth(rec *Record) {
	want := len(r.header)
	n := len(rec.Fields)
	for n > want && isSpace(rec.Fields[n-1]) {
		n--
	}
	rec.Fields = rec.Fields[:n]
	switch {
	case n == want:
	case n < want && r.pad:
		padded := make([]string, want)
		copy(padded, rec.Fields)
		rec.Fields = padded
	case rec.Err == nil:
		rec.Err = &LineError{Line: rec.Line, Err: ErrWidth,
			Detail: fmt.Sprintf("%d cells, header has %d", n, want)}
	}
}

// Close releases the input file, if the Reader opened it.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// blank reports whether every cell is empty or white space.
func blank(fields []string) bool {
	for _, f := range fields {
		if !isSpace(f) {
			return false
		}
	}
	return true
}

// isSpace reports whether s is empty or only spaces and tabs.
func isSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
