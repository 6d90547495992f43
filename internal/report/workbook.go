package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/source"
)

// WorkbookSheet is the name of the errors workbook's one sheet.
const WorkbookSheet = "Rows to fix"

// MaxWorkbookComments bounds the comments an errors workbook carries: each
// is held in memory until the workbook is written, and adding one costs
// time in proportion to those already added. Cells past it are still
// filled, and the message column still explains them.
const MaxWorkbookComments = 5000

// CommentAuthor signs the comments of the errors workbook.
const CommentAuthor = "comeet-import"

// Fill colours of the errors workbook.
const (
	offendingFill = "FFC7CE" // Excel's "light red fill"
	offendingFont = "9C0006"
	headerFill    = "D9D9D9"
)

// textFormat is the built-in number format "@": the cell is text, so a
// spreadsheet keeps 0589254563's leading zero and shows +972 5 as typed.
const textFormat = 49

// ErrorsWorkbook writes the rows that need attention as an .xlsx workbook
// that a person fixes and feeds back as it is: the input's columns in their
// order, every cell stored as text, the offending cells filled and carrying
// a comment that says what is wrong, a frozen header row with a filter, and
// error_code and message columns at the end. It streams the rows (excelize's
// StreamWriter keeps them in a temporary file past 16 MiB), so its memory
// does not grow with the rows; only the comments, capped at
// MaxWorkbookComments, are held until Close.
type ErrorsWorkbook struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	layout errorsLayout
	styles workbookStyles
	rows   int
	notes  []excelize.Comment
	// maxNotes is MaxWorkbookComments, lowered by tests.
	maxNotes int
	dropped  int // comments past maxNotes
	// overflow counts the rows past the sheet's last row
	// (excelize.TotalRows): they are in the report, not in the workbook.
	overflow int
	cells    []string
	values   []any
	marked   map[int]string
	// uncut, when set, receives every row with its cells whole, for the
	// cells longer than a workbook cell holds; uncutName names it in the
	// notes. cut counts the rows that had a cell cut.
	uncut     ErrorsFile
	uncutName string
	cut       int
	// widths are the columns' widths, widened by the values of the held
	// rows; held are the first measuredRows rows, kept until the stream
	// writer, which takes the widths before any row, is started (begin).
	widths []float64
	held   []heldRow
}

// heldRow is a row kept back while the columns are measured.
type heldRow struct {
	cell   string
	values []any
}

// measuredRows is how many rows the columns' widths are measured on: enough
// to see the typical values, few enough to keep in memory.
const measuredRows = 200

// maxValueWidth bounds the width a column's values give it, so that one
// long note does not make a column as wide as the screen.
const maxValueWidth = 50

type workbookStyles struct{ header, text, offending, info int }

// NewErrorsWorkbook starts a workbook with the errors file's header; Close
// writes it to w.
func NewErrorsWorkbook(w io.Writer, inputHeader []string) (_ *ErrorsWorkbook, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			f.Close()
			err = fmt.Errorf("errors workbook: %w", err)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), WorkbookSheet); err != nil {
		return nil, err
	}
	e := &ErrorsWorkbook{w: w, f: f, layout: newErrorsLayout(inputHeader), marked: map[int]string{}, maxNotes: MaxWorkbookComments}
	for i, h := range e.layout.header {
		e.widths = append(e.widths, e.columnWidth(i, h))
	}
	if e.styles, err = newWorkbookStyles(f); err != nil {
		return nil, err
	}
	return e, nil
}

// begin starts the stream writer with the columns' widths as measured and
// writes the rows held back.
func (e *ErrorsWorkbook) begin() error {
	total := 0.0
	for _, w := range e.widths {
		total += w
	}
	if err := setPrintLayout(e.f, total); err != nil {
		return err
	}
	var err error
	if e.sw, err = e.f.NewStreamWriter(WorkbookSheet); err != nil {
		return err
	}
	if err := e.start(); err != nil {
		return err
	}
	for _, r := range e.held {
		if err := e.sw.SetRow(r.cell, r.values); err != nil {
			return fmt.Errorf("write errors workbook row %s: %w", r.cell, err)
		}
	}
	e.held = nil
	return nil
}

// measure widens the input's columns to fit cells, the longest line of
// each up to maxValueWidth.
func (e *ErrorsWorkbook) measure(cells []string) {
	for i, v := range cells {
		if i == e.layout.codeCol || i == e.layout.msgCol {
			continue
		}
		for line := range strings.SplitSeq(v, "\n") {
			e.widths[i] = max(e.widths[i], float64(min(utf8.RuneCountInString(line)+2, maxValueWidth)))
		}
	}
}

// printWidthPerPage is how many character widths of columns a landscape
// page holds at a scale still readable on paper (about 70%).
const printWidthPerPage = 180

// setPrintLayout prints the sheet in landscape, its columns fitted to as
// many pages across as keep the text readable (one for a narrow sheet), as
// many pages down as the rows need, the header row repeated on each page.
// Fitting a wide export on one page made its text too small to read. The
// stream writer writes the sheet's properties when it starts: call before
// it.
func setPrintLayout(f *excelize.File, width float64) error {
	fit := true
	if err := f.SetSheetProps(WorkbookSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + WorkbookSheet + "'!$1:$1", Scope: WorkbookSheet})
	if err != nil {
		return err
	}
	landscape, wide, tall := "landscape", pagesAcross(width), 0
	return f.SetPageLayout(WorkbookSheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall})
}

// pagesAcross is how many landscape pages a sheet of columns this wide
// (in character widths) is printed across.
func pagesAcross(width float64) int {
	return max(1, int(math.Ceil(width/printWidthPerPage)))
}

// columnWidth is the width of column i, headed h.
func (e *ErrorsWorkbook) columnWidth(i int, h string) float64 {
	switch i {
	case e.layout.codeCol:
		return 24
	case e.layout.msgCol:
		return 60
	}
	return columnWidth(h)
}

func newWorkbookStyles(f *excelize.File) (workbookStyles, error) {
	var s workbookStyles
	// A font without a family renders in a serif fallback in LibreOffice.
	family, err := f.GetDefaultFont()
	if err != nil {
		return s, err
	}
	font := func(ft excelize.Font) *excelize.Font {
		ft.Family, ft.Size = family, 11
		return &ft
	}
	styles := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{NumFmt: textFormat, Font: font(excelize.Font{Bold: true}),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{headerFill}}}},
		{&s.text, excelize.Style{NumFmt: textFormat}},
		{&s.offending, excelize.Style{NumFmt: textFormat, Font: font(excelize.Font{Color: offendingFont}),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{offendingFill}}}},
		{&s.info, excelize.Style{NumFmt: textFormat, Font: font(excelize.Font{Italic: true, Color: "595959"})}},
	}
	for _, st := range styles {
		if *st.id, err = f.NewStyle(&st.style); err != nil {
			return s, err
		}
	}
	return s, nil
}

// start sets the columns' widths and text format, freezes the header row
// and writes it: the stream writer takes these before any row.
func (e *ErrorsWorkbook) start() error {
	for i := range e.layout.header {
		style, width := e.styles.text, e.widths[i]
		if i == e.layout.codeCol || i == e.layout.msgCol {
			style = e.styles.info
		}
		if err := e.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		if err := e.sw.SetColStyle(i+1, i+1, style); err != nil {
			return err
		}
	}
	err := e.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return err
	}
	values := make([]any, len(e.layout.header))
	for i, h := range e.layout.header {
		values[i] = excelize.Cell{StyleID: e.styles.header, Value: h}
	}
	return e.sw.SetRow("A1", values)
}

// columnWidth fits a column to its header and to what a column of that
// name usually holds, within bounds, before its values widen it (measure):
// an e-mail or a URL needs some 30 characters, a name, phone or address
// some 18, a note 40, whatever its header's length, also when its first
// values are short or blank.
func columnWidth(header string) float64 {
	return float64(min(max(utf8.RuneCountInString(header)+4, 12, contentWidth(header)), 40))
}

// contentWidths are the widths the values of a column need, by words its
// header holds (lower case), widest first.
var contentWidths = []struct {
	width int
	words []string
}{
	{40, []string{"note", "comment", "description", "summary", "remark", "הערות"}},
	{30, []string{"mail", "url", "link", "website", "web site", "http", "מייל", "דוא\"ל", "דואל"}},
	{20, []string{"resume", "file", "attachment", "picture", "photo"}},
	{18, []string{"name", "phone", "mobile", "tel", "address", "street", "city", "company", "employer", "title",
		"שם", "טלפון", "נייד", "כתובת"}},
}

// contentWidth is the width contentWidths gives header; 0 for none.
func contentWidth(header string) int {
	h := strings.ToLower(header)
	for _, c := range contentWidths {
		for _, w := range c.words {
			if strings.Contains(h, w) {
				return c.width
			}
		}
	}
	return 0
}

// Write implements ErrorsFile. Rows past the sheet's last row are counted,
// not written, and Close says so in a comment on the message header.
func (e *ErrorsWorkbook) Write(r *Result, fields []string) error {
	if e.rows+2 > excelize.TotalRows {
		e.overflow++
		return nil
	}
	e.rows++
	line := e.rows + 1
	clear(e.marked)
	for _, c := range r.Cells {
		if c.Column < 0 || c.Column >= len(e.layout.header) || c.Column == e.layout.codeCol || c.Column == e.layout.msgCol {
			continue
		}
		if m, ok := e.marked[c.Column]; ok && m != "" {
			e.marked[c.Column] = m + "\n" + c.Message
		} else {
			e.marked[c.Column] = c.Message
		}
	}
	e.cells = e.layout.cells(e.cells[:0], r, fields)
	if err := e.cutLong(r, fields); err != nil {
		return err
	}
	e.values = e.values[:0]
	for i, v := range e.cells {
		style := e.styles.text
		if i == e.layout.codeCol || i == e.layout.msgCol {
			style = e.styles.info
		}
		if m, ok := e.marked[i]; ok {
			style = e.styles.offending
			e.note(i+1, line, m)
		}
		if v != "" && v[0] == '\'' && source.NeedsGuard(v) {
			// Read back, the first apostrophe is taken for a formula
			// guard: one more keeps the cell's own ("'=1+2").
			v = "'" + v
		}
		e.values = append(e.values, excelize.Cell{StyleID: style, Value: v})
	}
	cell, _ := excelize.CoordinatesToCellName(1, line)
	if e.sw == nil {
		e.measure(e.cells)
		e.held = append(e.held, heldRow{cell: cell, values: slices.Clone(e.values)})
		if len(e.held) < measuredRows {
			return nil
		}
		return e.begin()
	}
	if err := e.sw.SetRow(cell, e.values); err != nil {
		return fmt.Errorf("write errors workbook row %d: %w", line, err)
	}
	return nil
}

// cutLong cuts the cells longer than a workbook cell holds, which excelize
// would cut without a word: the cut is said in the cell's note and the
// row's message, and the row goes whole to the uncut errors CSV.
func (e *ErrorsWorkbook) cutLong(r *Result, fields []string) error {
	var said []string
	for i, v := range e.cells {
		n := utf16Len(v)
		if n <= excelize.TotalCellChars || i == e.layout.msgCol {
			continue
		}
		e.cells[i] = cutUTF16(v, excelize.TotalCellChars)
		cut := fmt.Sprintf("cell %d (%s) held %d characters; a workbook cell holds at most 32,767, so it is cut here", i+1, e.layout.header[i], utf8.RuneCountInString(v))
		if e.uncutName != "" {
			cut += ": the whole cell is in " + e.uncutName
		}
		said = append(said, cut)
		e.marked[i] = strings.TrimPrefix(e.marked[i]+"\n"+cut, "\n")
	}
	if len(said) > 0 {
		e.cut++
		e.cells[e.layout.msgCol] = cutUTF16(strings.Join(append([]string{r.Message}, said...), "; "), excelize.TotalCellChars)
	}
	if e.uncut == nil {
		return nil
	}
	whole := *r
	whole.Message = e.cells[e.layout.msgCol]
	return e.uncut.Write(&whole, fields)
}

// utf16Len is the length of s in UTF-16 code units, as a workbook counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutUTF16 cuts s to at most limit UTF-16 code units, between characters.
func cutUTF16(s string, limit int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > limit {
			return s[:i]
		}
	}
	return s
}

// note keeps a comment for the cell, up to MaxWorkbookComments.
func (e *ErrorsWorkbook) note(col, line int, message string) {
	if message == "" {
		return
	}
	if len(e.notes) >= e.maxNotes {
		e.dropped++
		return
	}
	cell, _ := excelize.CoordinatesToCellName(col, line)
	e.notes = append(e.notes, excelize.Comment{Author: CommentAuthor, Cell: cell, Text: message,
		Width: 240, Height: uint(40 + 15*strings.Count(message, "\n") + 15*(utf8.RuneCountInString(message)/40))})
}

// Rows implements ErrorsFile.
func (e *ErrorsWorkbook) Rows() int { return e.rows }

// KeepUncut writes every row also to f, named name in the notes, with its
// cells whole: a cell longer than a workbook cell holds is cut in the
// workbook. Call it before the first Write.
func (e *ErrorsWorkbook) KeepUncut(f ErrorsFile, name string) { e.uncut, e.uncutName = f, name }

// CutRows is the number of rows with a cell cut to a workbook cell's size.
func (e *ErrorsWorkbook) CutRows() int { return e.cut }

// CommentsDropped is the number of offending cells left without a comment
// because the workbook already carried MaxWorkbookComments.
func (e *ErrorsWorkbook) CommentsDropped() int { return e.dropped }

// Close adds the comments and the filter, writes the workbook to w and
// releases its temporary files. The comments and the filter belong to the
// sheet's parts that the stream writer emits when it is flushed, so they
// are added before.
func (e *ErrorsWorkbook) Close() error {
	defer e.f.Close()
	var uncut error
	if e.uncut != nil {
		uncut = e.uncut.Close()
	}
	if err := e.finish(); err != nil {
		return fmt.Errorf("write errors workbook: %w", err)
	}
	return uncut
}

func (e *ErrorsWorkbook) finish() error {
	if e.sw == nil {
		if err := e.begin(); err != nil {
			return err
		}
	}
	if e.overflow > 0 {
		cell, _ := excelize.CoordinatesToCellName(e.layout.msgCol+1, 1)
		e.notes = append(e.notes, excelize.Comment{Author: CommentAuthor, Cell: cell, Width: 240, Height: 60,
			Text: fmt.Sprintf("%d more rows to fix did not fit in the sheet: the report lists them all.", e.overflow)})
	}
	for _, n := range e.notes {
		if err := e.f.AddComment(WorkbookSheet, n); err != nil {
			return fmt.Errorf("comment %s: %w", n.Cell, err)
		}
	}
	e.notes = nil
	last, _ := excelize.CoordinatesToCellName(len(e.layout.header), e.rows+1)
	if err := e.f.AutoFilter(WorkbookSheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	if err := e.sw.Flush(); err != nil {
		return err
	}
	_, err := e.f.WriteTo(e.w)
	return err
}
