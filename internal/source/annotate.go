package source

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
)

// cellSheet is the part of a sheet reader that reads the sheet's XML beside
// excelize's formatted values: the cell types, formats and formulas, the
// merged ranges and the hyperlinks.
type cellSheet struct {
	parts    *parts
	meta     *metaRows
	tail     sheetTail
	formats  formats
	date1904 bool

	headerLine int      // spreadsheet row of the header, once read
	nextMerge  int      // first merge of tail.merges not yet started
	sorted     bool     // tail.merges is sorted by first row
	active     []merged // merges whose rows are being read
	last       *CellNotes
}

// merged is a merged range being read, with the value of its first cell.
type merged struct {
	span
	value string
}

// openCells opens the sheet's XML part and reads its tail.
func (s *sheet) openCells(path string) error {
	p, err := openParts(path)
	if err != nil {
		return err
	}
	part, err := p.sheetPart(s.name)
	if err == nil {
		s.tail, err = p.readTail(part)
	}
	if err == nil {
		s.meta, err = p.cells(part)
	}
	if err != nil {
		p.Close()
		return err
	}
	s.parts = p
	s.formats.file = s.file
	if wb := s.file.WorkBook; wb != nil && wb.WorkbookPr != nil {
		s.date1904 = wb.WorkbookPr.Date1904
	}
	return nil
}

func (s *sheet) closeCells() error {
	var err error
	if s.meta != nil {
		err = s.meta.Close()
	}
	if s.parts != nil {
		err = errors.Join(err, s.parts.Close())
	}
	return err
}

// annotate corrects the formatted cells of spreadsheet row n from the
// sheet's XML and notes what the text does not say: a date cell becomes ISO
// 8601, a number shown in scientific notation its full value, a cell covered
// by a merged range the value of the range; hyperlinks, General-format
// numbers and formulas without a saved value go to the row's notes.
func (s *sheet) annotate(n int, cells []string) ([]string, error) {
	s.last = nil
	metas, err := s.meta.at(n)
	if err != nil {
		return cells, err
	}
	notes := &CellNotes{}
	for i := range metas {
		m := &metas[i]
		if m.col >= len(cells) {
			if !m.formula || m.hasV {
				continue
			}
			cells = grow(cells, m.col+1)
		}
		switch {
		case m.formula && !m.hasV:
			notes.Uncomputed = append(notes.Uncomputed, m.col)
		case !m.number():
		case s.formats.kind(m.style) == fmtDate:
			if iso, ok := isoDate(m.v, s.date1904); ok {
				cells[m.col] = iso
			}
		case isScientific(cells[m.col]):
			if v, err := strconv.ParseFloat(m.v, 64); err == nil {
				cells[m.col] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		case s.formats.kind(m.style) == fmtGeneral && !m.formula:
			notes.Numbers = append(notes.Numbers, m.col)
		}
	}
	if links, ok := s.tail.links[n]; ok {
		notes.Links = links // read-only from now on
		delete(s.tail.links, n)
	}
	cells = s.fillMerged(n, cells)
	if !notes.empty() {
		s.last = notes
	}
	return cells, nil
}

// fillMerged gives the value of each merged range to every row it covers,
// in the range's first column. Merges are in document order, not
// necessarily by row, so every merge starting at or before row n is looked
// at once when its first row is read.
func (s *sheet) fillMerged(n int, cells []string) []string {
	if len(s.tail.merges) == 0 {
		return cells
	}
	if !s.sorted {
		sortSpans(s.tail.merges)
		s.sorted = true
	}
	kept := s.active[:0]
	for _, m := range s.active {
		if m.row2 >= n {
			kept = append(kept, m)
		}
	}
	s.active = kept
	for s.nextMerge < len(s.tail.merges) && s.tail.merges[s.nextMerge].row1 <= n {
		sp := s.tail.merges[s.nextMerge]
		s.nextMerge++
		if sp.row1 == n && sp.row2 > n && sp.col1 < len(cells) && cells[sp.col1] != "" {
			s.active = append(s.active, merged{span: sp, value: cells[sp.col1]})
		}
	}
	for _, m := range s.active {
		if m.row1 < n && m.row1 > s.headerLine { // a header cell is no value
			if m.col1 >= len(cells) {
				cells = grow(cells, m.col1+1)
			}
			if cells[m.col1] == "" {
				cells[m.col1] = m.value
			}
		}
	}
	return cells
}

// headerAt tells the sheet which row is its header.
func (s *sheet) headerAt(line int) { s.headerLine = line }

// notes returns the notes of the row last read, nil if none.
func (s *sheet) notes() *CellNotes { return s.last }

func grow(cells []string, n int) []string {
	for len(cells) < n {
		cells = append(cells, "")
	}
	return cells
}

// sortSpans orders spans by first row, then first column.
func sortSpans(spans []span) {
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.row1, b.row1), cmp.Compare(a.col1, b.col1))
	})
}
