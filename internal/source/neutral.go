package source

// Deneutralize undoes report.Neutralize on a cell read back from a file the
// tool wrote: it removes the apostrophe that stands before a cell that
// NeedsGuard, so that a row of an errors file, fixed and fed back, is read
// as it was first read: "'+34 612 345 678" becomes "+34 612 345 678", and
// "'=1+2" typed as text, written with a second apostrophe, is read back
// with its own.
func Deneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' && NeedsGuard(s[1:]) {
		return s[1:]
	}
	return s
}

// NeedsGuard reports whether a cell written to a file the tool reads back
// needs the guard apostrophe: it starts like a formula (FormulaStart), or
// with apostrophes before a formula start, which Deneutralize would
// otherwise take for the guard ("'=1+2" typed as text).
func NeedsGuard(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && FormulaStart(s[i])
}

// FormulaStart reports whether a cell starting with c would be run as a
// formula by a spreadsheet: =, +, -, @, a tab or a carriage return. It is
// the one list both the writer that neutralizes cells and Deneutralize use.
func FormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
