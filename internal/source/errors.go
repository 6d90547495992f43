package source

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kinds of record problems, matched with errors.Is on Record.Err.
var (
	// ErrWidth means a record has a different number of cells than the header.
	ErrWidth = errors.New("wrong number of cells")
	// ErrQuote means a quoted cell is broken: never closed, or followed by
	// text before the next delimiter.
	ErrQuote = errors.New("broken quote")
	// ErrEncoding means a record is not valid UTF-8.
	ErrEncoding = errors.New("invalid UTF-8")
	// ErrTooLong means a record is longer than MaxRecordBytes.
	ErrTooLong = errors.New("record too long")
)

// LineError is the problem of one record, located by its starting line.
type LineError struct {
	Line   int    // physical line (or spreadsheet row) where the record starts
	Err    error  // ErrWidth, ErrQuote, ErrEncoding or ErrTooLong
	Detail string // what exactly, for people
}

// Error returns, e.g., "line 7: 5 cells, header has 6".
func (e *LineError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Detail
}

// Unwrap returns the kind of problem.
func (e *LineError) Unwrap() error { return e.Err }

// DuplicateHeaderError names header columns that appear more than once,
// compared trimmed and case-insensitively.
type DuplicateHeaderError struct {
	Names   []string // each duplicated name, as first written
	Columns [][]int  // for each name, the 1-based columns holding it
}

// Error lists the duplicated names and their columns.
func (e *DuplicateHeaderError) Error() string {
	parts := make([]string, len(e.Names))
	for i, name := range e.Names {
		parts[i] = fmt.Sprintf("%q (columns %s)", name, joinInts(e.Columns[i]))
	}
	return "header has duplicate column names: " + strings.Join(parts, ", ")
}

// EmptyHeaderError names header columns that have no name.
type EmptyHeaderError struct {
	Columns []int // 1-based
}

// Error lists the unnamed columns.
func (e *EmptyHeaderError) Error() string {
	if len(e.Columns) == 1 {
		return fmt.Sprintf("header: column %d has no name", e.Columns[0])
	}
	return fmt.Sprintf("header: columns %s have no name", joinInts(e.Columns))
}

// parseHeader trims the header cells, drops trailing empty ones and rejects
// empty and duplicate names.
func parseHeader(line int, fields []string) ([]string, error) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = strings.TrimSpace(f)
	}
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	if len(names) == 0 {
		return nil, ErrEmpty
	}
	if err := checkNames(names); err != nil {
		return nil, fmt.Errorf("line %d: %w", line, err)
	}
	return names, nil
}

// checkNames reports empty and duplicate names.
func checkNames(names []string) error {
	var empty []int
	seen := make(map[string]int, len(names))
	dup := &DuplicateHeaderError{}
	for i, name := range names {
		if name == "" {
			empty = append(empty, i+1)
			continue
		}
		key := strings.ToLower(name)
		first, ok := seen[key]
		if !ok {
			seen[key] = i
			continue
		}
		k := indexOf(dup.Names, names[first])
		if k < 0 {
			dup.Names = append(dup.Names, names[first])
			dup.Columns = append(dup.Columns, []int{first + 1})
			k = len(dup.Names) - 1
		}
		dup.Columns[k] = append(dup.Columns[k], i+1)
	}
	if len(empty) > 0 {
		return &EmptyHeaderError{Columns: empty}
	}
	if len(dup.Names) > 0 {
		return dup
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}
