package source

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// CellNotes is what a workbook says about a record's cells beyond their
// text, for the stages that know which field each cell feeds. Indexes are
// 0-based cell indexes of the record.
type CellNotes struct {
	// Links are the hyperlink targets of cells that carry an external link
	// (a "LinkedIn profile" label linking to the profile), by cell index.
	Links map[int]string
	// Numbers are the cells holding a number in the General format: a phone
	// typed as 0501234567 was stored as 501234567 and lost its leading zero.
	Numbers []int
	// Uncomputed are the formula cells without a saved value (a workbook
	// written by a program that does not calculate): their text is empty,
	// but not because the cell is.
	Uncomputed []int
}

// empty reports whether n says nothing.
func (n *CellNotes) empty() bool {
	return n == nil || len(n.Links) == 0 && len(n.Numbers) == 0 && len(n.Uncomputed) == 0
}

// cellMeta is what the sheet's XML says about one cell.
type cellMeta struct {
	col     int    // 0-based
	style   int    // cell format index
	typ     string // t attribute: "", n, s, str, inlineStr, b, e, d
	formula bool
	hasV    bool
	v       string
}

// number reports whether the cell holds a number.
func (m *cellMeta) number() bool { return (m.typ == "" || m.typ == "n") && m.hasV && m.v != "" }

// metaRows reads the cells of a sheet's XML row by row, in step with the
// excelize iterator that gives their formatted text.
type metaRows struct {
	dec     *xml.Decoder
	closer  io.Closer
	pending int // row number of a <row> start read ahead, 0 if none
	lastRow int // row number of the last <row> start
	cells   []cellMeta
	done    bool
}

// at returns the cells of spreadsheet row n; rows must be asked in
// increasing order. A row absent from the XML has no cells.
func (m *metaRows) at(n int) ([]cellMeta, error) {
	for !m.done {
		if m.pending == 0 {
			if err := m.nextRow(); err != nil {
				return nil, err
			}
			if m.done {
				break
			}
		}
		switch {
		case m.pending < n:
			if err := m.readRow(false); err != nil {
				return nil, err
			}
		case m.pending == n:
			err := m.readRow(true)
			return m.cells, err
		default:
			return nil, nil
		}
	}
	return nil, nil
}

// nextRow finds the next <row> start and its number.
func (m *metaRows) nextRow() error {
	for {
		tok, err := m.dec.RawToken()
		if err == io.EOF {
			m.done = true
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				m.pending = m.lastRow + 1 // a row without r follows the last
				if r, ok := attr(t, "r"); ok {
					if v, err := strconv.Atoi(r); err == nil && v > 0 {
						m.pending = v
					}
				}
				m.lastRow = m.pending
				return nil
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				m.done = true
				return nil
			}
		}
	}
}

// readRow reads the pending row to its end, keeping its cells if keep.
func (m *metaRows) readRow(keep bool) error {
	m.cells = m.cells[:0]
	var cur *cellMeta
	inV, col := false, -1
	for {
		tok, err := m.dec.RawToken()
		if err != nil {
			return fmt.Errorf("row %d: %w", m.pending, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				col++
				if r, ok := attr(t, "r"); ok {
					if c, _, err := excelize.CellNameToCoordinates(r); err == nil {
						col = c - 1
					}
				}
				if !keep {
					continue
				}
				m.cells = append(m.cells, cellMeta{col: col})
				cur = &m.cells[len(m.cells)-1]
				if s, ok := attr(t, "s"); ok {
					cur.style, _ = strconv.Atoi(s)
				}
				cur.typ, _ = attr(t, "t")
			case "f":
				if cur != nil {
					cur.formula = true
				}
			case "v":
				if cur != nil {
					cur.hasV, inV = true, true
				}
			}
		case xml.CharData:
			if inV && cur != nil && len(cur.v) < 64 {
				cur.v += string(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "c":
				cur = nil
			case "row":
				m.pending = 0
				return nil
			}
		}
	}
}

// Close releases the part's reader.
func (m *metaRows) Close() error { return m.closer.Close() }

func attr(t xml.StartElement, local string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// numFmtKind is what a cell format makes of a number.
type numFmtKind int

const (
	fmtOther   numFmtKind = iota
	fmtGeneral            // General: the number as typed
	fmtDate               // a date, maybe with a time of day
)

// formats classifies cell formats by index, once each.
type formats struct {
	file  *excelize.File
	kinds map[int]numFmtKind
}

func (fs *formats) kind(style int) numFmtKind {
	if k, ok := fs.kinds[style]; ok {
		return k
	}
	k := fmtGeneral
	if style > 0 {
		k = fmtOther
		if s, err := fs.file.GetStyle(style); err == nil && s != nil {
			switch {
			case s.CustomNumFmt != nil:
				if isDateFormat(*s.CustomNumFmt) {
					k = fmtDate
				}
			case s.NumFmt == 0:
				k = fmtGeneral
			case s.NumFmt >= 14 && s.NumFmt <= 17, s.NumFmt == 22,
				s.NumFmt >= 27 && s.NumFmt <= 36, s.NumFmt >= 50 && s.NumFmt <= 58:
				k = fmtDate
			}
		}
	}
	if fs.kinds == nil {
		fs.kinds = make(map[int]numFmtKind)
	}
	fs.kinds[style] = k
	return k
}

// isDateFormat reports whether a custom number format shows a date: it has
// a day or year part outside quoted text, escapes and [brackets].
func isDateFormat(code string) bool {
	code, _, _ = strings.Cut(code, ";")
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y':
			return true
		}
	}
	return false
}

// isoDate writes the date serial v as ISO 8601: 2025-03-21, or
// 2025-03-21T14:30:00 when it has a time of day.
func isoDate(v string, date1904 bool) (string, bool) {
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil || serial < 0 || serial > 2958465 || math.IsNaN(serial) {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly), true
	}
	return t.Format("2006-01-02T15:04:05"), true
}

// CellName is the spreadsheet name of cell index col of the record at line
// (a workbook row): CellName(2, 7) is "C7".
func CellName(col, line int) string {
	name, err := excelize.CoordinatesToCellName(col+1, line)
	if err != nil {
		return fmt.Sprintf("column %d, row %d", col+1, line)
	}
	return name
}
