package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error that says a mapping is
// wrong or does not fit the spreadsheet: a configuration error, which no row
// can fix.
var ErrInvalid = errors.New("invalid mapping")

// LineError is a fault in one line of a mapping file.
type LineError struct {
	Line int // physical line in the mapping file, 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the fault without its line.
func (e *LineError) Unwrap() error { return e.Err }

// Is makes a LineError match ErrInvalid.
func (e *LineError) Is(target error) bool { return target == ErrInvalid }

// MissingColumn is one mapped column that a header lacks.
type MissingColumn struct {
	Column string   // the column the mapping names
	Fields []string // the fields it was to feed
	Hint   string   // the header's closest column, or ""
}

// MissingColumnsError lists every mapped column that a header lacks.
type MissingColumnsError struct {
	Missing []MissingColumn
}

func (e *MissingColumnsError) Error() string {
	var b strings.Builder
	if len(e.Missing) == 1 {
		b.WriteString("a mapped column is not in the header: ")
	} else {
		fmt.Fprintf(&b, "%d mapped columns are not in the header: ", len(e.Missing))
	}
	for i, m := range e.Missing {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q (%s", m.Column, strings.Join(m.Fields, ", "))
		if m.Hint != "" {
			fmt.Fprintf(&b, "; did you mean %q?", m.Hint)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Is makes a MissingColumnsError match ErrInvalid.
func (e *MissingColumnsError) Is(target error) bool { return target == ErrInvalid }

// invalid marks a configuration fault that has no line.
type invalid struct{ msg string }

func (e invalid) Error() string        { return e.msg }
func (e invalid) Is(target error) bool { return target == ErrInvalid }
