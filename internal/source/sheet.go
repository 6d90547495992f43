package source

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetChoice is the sheet a workbook is read from and the others it holds.
type sheetChoice struct {
	name   string   // the sheet read
	others []string // every other sheet, hidden ones included, in tab order
}

// chooseSheet picks the sheet Excel opens the workbook on: the one named,
// whatever its state; else the active sheet when it is visible; else the
// first visible one. A hidden or very hidden sheet is read only by name.
func chooseSheet(f *excelize.File, name string) (sheetChoice, error) {
	names := f.GetSheetList()
	if len(names) == 0 {
		return sheetChoice{}, errors.New("workbook has no sheets")
	}
	pick := -1
	if name != "" {
		for i, n := range names {
			if strings.EqualFold(n, name) {
				pick = i
				break
			}
		}
		if pick < 0 {
			return sheetChoice{}, fmt.Errorf("no sheet %q; the sheets are %s", name, quoteAll(names))
		}
	} else {
		visible := func(i int) bool {
			v, err := f.GetSheetVisible(names[i])
			return err == nil && v
		}
		if active := f.GetActiveSheetIndex(); active >= 0 && active < len(names) && visible(active) {
			pick = active
		} else {
			for i := range names {
				if visible(i) {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			return sheetChoice{}, fmt.Errorf("every sheet of the workbook is hidden; name one with --sheet (the sheets are %s)", quoteAll(names))
		}
	}
	others := make([]string, 0, len(names)-1)
	others = append(others, names[:pick]...)
	others = append(others, names[pick+1:]...)
	return sheetChoice{name: names[pick], others: others}, nil
}

// Sheet returns the name of the workbook sheet being read; "" for
// delimited text.
func (r *Reader) Sheet() string { return r.sheet }

// OtherSheets returns the workbook's other sheets, hidden ones included, in
// tab order; nil for delimited text.
func (r *Reader) OtherSheets() []string { return r.otherSheets }

// SheetNote describes the sheet read for an error about the header, such as
// a mapped column it lacks: `sheet "Candidates" was read (the workbook also
// has "Archive", "Notes"; name one with --sheet)`. It is "" for delimited
// text.
func (r *Reader) SheetNote() string {
	if r.sheet == "" {
		return ""
	}
	if len(r.otherSheets) == 0 {
		return fmt.Sprintf("sheet %q was read (the workbook has no other sheet)", r.sheet)
	}
	return fmt.Sprintf("sheet %q was read (the workbook also has %s; name one with --sheet)", r.sheet, quoteAll(r.otherSheets))
}
