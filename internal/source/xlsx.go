package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheet reads the rows of one workbook sheet as the text the user sees.
type sheet struct {
	file      *excelize.File
	name      string
	rows      *excelize.Rows // formatted values
	n         int            // spreadsheet row of the last read
	lastRow   int            // the sheet's last row as its dimension says; 0 when it does not
	cellSheet                // what the sheet's XML says beyond the text
	tmp       string         // excelize's temporary files, removed on Close
}

// openXLSX opens a workbook and reads the header and first record of the
// named sheet, or of the sheet Excel opens on.
func openXLSX(path string, opts Options) (*Reader, error) {
	limits := opts.Workbook.orDefault()
	if err := checkWorkbook(path, limits); err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	tmp, err := os.MkdirTemp("", "comeet-import-xlsx-")
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	f, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit: limits.Total,
		// Parts up to this size are held in memory; larger sheets are
		// unpacked into tmp. The shared strings, bounded by Part, always
		// stay in memory: excelize looks them up in a temporary file by
		// reading it from the start, once per cell.
		UnzipXMLSizeLimit: min(limits.Part, limits.Total),
		TmpDir:            tmp,
	})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	s, choice, err := openSheet(f, path, opts.Sheet)
	if err != nil {
		f.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	s.tmp = tmp
	r := &Reader{src: s, closer: s, pad: true, sheet: choice.name, otherSheets: choice.others}
	if err := r.start(); err != nil {
		s.Close()
		return nil, fmt.Errorf("read workbook %s, sheet %q: %w", filepath.Base(path), s.name, err)
	}
	return r, nil
}

// dimensionRows is the last row of the sheet's dimension ("A1:M650" is
// 650), read from the start of its XML without reading the rows; 0 when
// the sheet does not say.
func dimensionRows(f *excelize.File, name string) int {
	ref, err := f.GetSheetDimension(name)
	if err != nil {
		return 0
	}
	_, last, _ := strings.Cut(ref, ":")
	if last == "" {
		last = ref
	}
	_, row, err := excelize.CellNameToCoordinates(last)
	if err != nil {
		return 0
	}
	return row
}

// SheetRows returns how many rows a workbook sheet has below its header as
// the sheet's dimension says, or where it names one cell (as excelize
// writes it) as its last row does, blank rows included: a progress total,
// not a count of records. It is 0 for delimited text, or a sheet that does
// not say.
func (r *Reader) SheetRows() int {
	s, ok := r.src.(*sheet)
	if !ok {
		return 0
	}
	last := s.lastRow
	if last <= 1 {
		last = s.tail.lastRow
	}
	return max(last-s.headerLine, 0)
}

func openSheet(f *excelize.File, path, name string) (*sheet, sheetChoice, error) {
	choice, err := chooseSheet(f, name)
	if err != nil {
		return nil, choice, err
	}
	rows, err := f.Rows(choice.name)
	if err != nil {
		return nil, choice, fmt.Errorf("read sheet %q: %w", choice.name, err)
	}
	s := &sheet{file: f, name: choice.name, rows: rows, lastRow: dimensionRows(f, choice.name)}
	if err := s.openCells(path); err != nil {
		rows.Close()
		return nil, choice, fmt.Errorf("read sheet %q: %w", choice.name, err)
	}
	return s, choice, nil
}

// read returns the next spreadsheet row; rows missing from the file come
// back empty and are skipped as blank by the Reader.
func (s *sheet) read() (int, []string, error, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, nil, fmt.Errorf("read sheet %q after row %d: %w", s.name, s.n, err)
		}
		return 0, nil, nil, io.EOF
	}
	s.n++
	cells, err := s.rows.Columns()
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read sheet %q row %d: %w", s.name, s.n, err)
	}
	if cells, err = s.annotate(s.n, cells); err != nil {
		return 0, nil, nil, fmt.Errorf("read sheet %q row %d: %w", s.name, s.n, err)
	}
	return s.n, cells, nil, nil
}

// isScientific reports whether s looks like 9.73E+11.
func isScientific(s string) bool {
	e := strings.IndexAny(s, "Ee")
	if e <= 0 || e == len(s)-1 || !strings.ContainsAny(s[e+1:e+2], "+-0123456789") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// Close closes the iterators and the workbook (and its temporary files).
func (s *sheet) Close() error {
	err := errors.Join(s.rows.Close(), s.closeCells(), s.file.Close())
	if s.tmp != "" {
		err = errors.Join(err, os.RemoveAll(s.tmp))
	}
	return err
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
