package report

import (
	"fmt"
	"unicode/utf8"
)

// Dialect is how a CSV file the report writes is spelled: its delimiter,
// whether it starts with a UTF-8 byte-order mark, and its line ending. The
// report and errors CSV take the input's, so they open in the same
// spreadsheet, with the same settings, as the file they describe.
type Dialect struct {
	// Comma separates cells: one ASCII character other than a quote or a
	// line break. 0 means ','.
	Comma rune
	// BOM starts the file with a UTF-8 byte-order mark, which Excel needs to
	// read UTF-8 text as such.
	BOM bool
	// CRLF ends lines with \r\n instead of \n.
	CRLF bool
}

// DefaultDialect is the dialect of a CSV written for no input (a report
// rebuilt from the ledger): comma, no byte-order mark, \n.
var DefaultDialect = Dialect{Comma: ','}

// WorkbookDialect is the dialect of a CSV written for a workbook input:
// comma and a byte-order mark, without which Excel and LibreOffice read the
// UTF-8 of "Chloé" as "ChloÃ©".
var WorkbookDialect = Dialect{Comma: ',', BOM: true}

// check validates the dialect and fills in its default delimiter.
func (d Dialect) check() (Dialect, error) {
	if d.Comma == 0 {
		d.Comma = ','
	}
	if d.Comma >= utf8.RuneSelf || d.Comma == '"' || d.Comma == '\r' || d.Comma == '\n' {
		return d, fmt.Errorf("report delimiter %q is not supported: use one ASCII character other than a quote or line break", d.Comma)
	}
	return d, nil
}

// eol is the dialect's line ending.
func (d Dialect) eol() string {
	if d.CRLF {
		return "\r\n"
	}
	return "\n"
}
