// Package source turns the bytes of an input file into records: the first
// stage of an import. It reads delimited text (CSV, TSV, semicolon- or
// pipe-separated) and .xlsx workbooks, one record at a time, so memory does
// not grow with the file.
//
// # Delimited text
//
// Encoding: with Options.Encoding empty (or EncodingAuto) the reader
// accepts UTF-8 with or without a byte-order mark and UTF-16 LE/BE with a
// byte-order mark (Excel's "Unicode text" export is UTF-16 LE,
// tab-separated). A file whose first bytes look like UTF-16 without a mark
// (an ASCII byte followed by NUL for LE, preceded by NUL for BE) is read as
// UTF-16 of that order. Lines may end in LF, CRLF, or, when the start of the
// text holds a CR and no LF, in CR alone (old Mac files). A file whose first
// 64 KB hold bytes that are not UTF-8 and hardly any UTF-8 characters is
// read in the single-byte code page (Windows-125x, KOI8-R, ISO-8859-x) in
// which those bytes read best as words of one script (see detectCodePage);
// Reader.Encoding then says "windows-1255 (detected)". Any other encoding
// is named with Options.Encoding, using a name known to
// golang.org/x/text/encoding/htmlindex or ianaindex ("windows-1252",
// "windows-1255", "iso-8859-8", "utf-16le", ...).
//
// Input read as UTF-8 (detected or named) whose first lines are mostly not
// UTF-8 is refused with an *EncodingError naming the encoding it probably
// is: a configuration error, not thousands of invalid records.
//
// Invalid UTF-8 in a UTF-8 file is a problem of the record that holds it,
// not of the run: that record's Err names the line and the encoding the
// cell reads in, its cells have each invalid byte replaced by U+FFFD, and the
// reader goes on. Invalid UTF-8 in the header is a configuration error.
// Mojibake or invalid UTF-8 is never passed on as if it were good data.
// So it goes, of any format, for a NUL byte or another C0 control character
// (tab, LF and CR are text), the noncharacters U+FFFE and U+FFFF, and, in
// text decoded from UTF-16, U+FFFD, which stands for an unpaired surrogate:
// the record's Err (ErrEncoding) names the cell and its column, and the
// characters are replaced with U+FFFD. In the header they are a
// configuration error.
//
// Delimiter: with Options.Delimiter zero it is detected from the header line:
// the most frequent of , ; TAB | outside quotes, ties going to the comma.
// The delimiter must be a single ASCII character.
//
// Quoting follows RFC 4180 with the usual leniency: a cell that starts with
// a double quote is quoted, may hold delimiters, doubled quotes and line
// breaks (CRLF inside a cell becomes LF); a quote in the middle of an
// unquoted cell is kept as text. Text after a closing quote ("a"b) is an
// error of that record. A quote that is never closed before the end of the
// file is reported on the record's starting line, and reading resumes at the
// next physical line, where quotes no longer span lines until the text that
// was read ahead has been consumed again; so the rows before and after a
// stray quote still come through. A quoted cell that grows past
// MaxRecordBytes is not kept: the reader follows the quotes to the end of
// the record and returns it as one ErrTooLong problem naming the lines it
// spans. If, past the limit, a quote is followed by text, the opening quote
// was a stray one: the lines up to there are one ErrQuote problem and that
// line is read again; if the quote never closes, the rest of the input is
// one ErrQuote problem. A header line longer than MaxRecordBytes is refused
// at once (ErrTooLong): reading on could last for ever (/dev/zero).
//
// Record.Line is the physical line where the record starts; multi-line cells
// advance the count correctly. Lines that are wholly blank, and records whose
// cells are all empty or white space (such as the ",,,," rows Excel writes
// for formatted but empty rows), are skipped and do not count as rows.
//
// # Width
//
// A record with fewer cells than the header, or with more non-empty cells,
// carries an Err such as "line 7: 5 cells, header has 6" along with the
// cells it has. Surplus cells that are all empty (a trailing delimiter) are
// dropped silently. Trailing empty header cells are dropped too; an empty
// header cell before the last named one is an *EmptyHeaderError.
//
// # Workbooks
//
// An .xlsx workbook must be a regular file. Before excelize unpacks it, the
// declared sizes of its parts and the count of its shared strings are
// checked against Options.Workbook (DefaultWorkbookLimits): a zip bomb is a
// *WorkbookLimitError naming the part. Sheets too large to hold in memory
// are unpacked into a private temporary folder that Close removes.
//
// An .xlsx sheet is read with excelize's streaming row iterator, the sheet
// Excel opens on unless Options.Sheet names one: the active sheet, else the
// first visible one; a hidden sheet only by name. Reader.Sheet and
// Reader.OtherSheets name them. Cells are the text the user sees (number
// formats applied: a phone number stored as text keeps its leading zero),
// corrected from the sheet's XML, which is read in step with the rows: a
// date-formatted number is ISO 8601 (2025-03-21), a number whose format
// shows it in scientific notation (9.73E+11) is given in full, and a merged
// range gives its value to every row it covers, in its first column.
// Record.Notes carries what the text does not say: hyperlink targets,
// numbers in the General format, formulas without a saved value. Line is
// the spreadsheet row number. Short rows are padded to the header's width
// (Excel leaves trailing empty cells out); more non-empty cells than the
// header is an error of the record.
//
// # Dates
//
// With Options.DateFormat (see ParseDateLayout), every cell that is wholly
// a date in that format is read as ISO 8601, in delimited text and in
// workbooks' text cells alike. DateLayout.ISO converts one value.
//
// # Records
//
// Every Record has its own Fields slice; a Record may be kept and passed to
// other goroutines without copying. The cells of one record share one
// string allocation, so keeping any cell keeps that record's text alive.
// The reader itself holds at most a few times MaxRecordBytes, whatever the
// size of the input.
//
// # Interruption
//
// OpenContext ties the reading to a context: once it is done, an input that
// is not a regular file (FIFO, pipe, device) is closed, so that a blocked or
// endless read returns an error wrapping context.Canceled; a FIFO that no
// one writes to stops waiting in open(2). A regular file is finite and is
// read on to its end, so that every record can still be accounted for.
// Standard input is not closed.
//
// # Errors
//
// Open and NewReader read the header and the first data record, so an empty
// input (ErrEmpty), a header without rows (ErrNoRows), and bad headers
// (*DuplicateHeaderError, *EmptyHeaderError) are reported before the first
// Next; all of these are configuration errors. Problems of one record are in
// Record.Err, a *LineError; Next returns a non-nil error other than io.EOF
// only when the input itself cannot be read.
package source
