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
	file  *excelize.File
	name  string
	rows  *excelize.Rows // formatted values
	n     int            // spreadsheet row of the last read
	raw   *excelize.Rows // raw values, opened and advanced only when needed
	rawAt int
	tmp   string // excelize's temporary files, removed on Close
}

// openXLSX opens a workbook and reads the header and first record of the
// named sheet, or of the first sheet.
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
	s, err := openSheet(f, opts.Sheet)
	if err != nil {
		f.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	s.tmp = tmp
	r := &Reader{src: s, closer: s, pad: true}
	if err := r.start(); err != nil {
		s.Close()
		return nil, fmt.Errorf("read workbook %s, sheet %q: %w", filepath.Base(path), s.name, err)
	}
	return r, nil
}

func openSheet(f *excelize.File, name string) (*sheet, error) {
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, errors.New("workbook has no sheets")
	}
	found := ""
	for _, n := range names {
		if name == "" || strings.EqualFold(n, name) {
			found = n
			break
		}
	}
	if found == "" {
		return nil, fmt.Errorf("no sheet %q; the sheets are %s", name, quoteAll(names))
	}
	rows, err := f.Rows(found)
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", found, err)
	}
	return &sheet{file: f, name: found, rows: rows}, nil
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
	if err := s.expandScientific(cells); err != nil {
		return 0, nil, nil, err
	}
	return s.n, cells, nil, nil
}

// expandScientific replaces numbers that a number format shows in
// scientific notation (a phone number in a 0.00E+00 column) with their full
// value, which only the raw cell holds. Text that merely looks like a number
// is left alone.
func (s *sheet) expandScientific(cells []string) error {
	var raw []string
	for i, c := range cells {
		if !isScientific(c) {
			continue
		}
		if raw == nil {
			var err error
			if raw, err = s.rawRow(); err != nil {
				return err
			}
		}
		// A text cell reads the same raw; only a number format differs.
		if i < len(raw) && raw[i] != c {
			if v, err := strconv.ParseFloat(raw[i], 64); err == nil {
				cells[i] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return nil
}

// rawRow returns the raw values of the current row from a second iterator
// that is only advanced when a row needs it.
func (s *sheet) rawRow() ([]string, error) {
	if s.raw == nil {
		rows, err := s.file.Rows(s.name)
		if err != nil {
			return nil, fmt.Errorf("read sheet %q: %w", s.name, err)
		}
		s.raw = rows
	}
	for s.rawAt < s.n {
		if !s.raw.Next() {
			return nil, fmt.Errorf("read sheet %q row %d: raw values ended early", s.name, s.n)
		}
		s.rawAt++
	}
	cells, err := s.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %q row %d: %w", s.name, s.n, err)
	}
	return cells, nil
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
	err := s.rows.Close()
	if s.raw != nil {
		err = errors.Join(err, s.raw.Close())
	}
	err = errors.Join(err, s.file.Close())
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
