package source

// Deneutralize undoes report.Neutralize on a cell read back from a file the
// tool wrote: it removes an apostrophe that stands before a formula-start
// character, so that a row of an errors file, fixed and fed back, is read
// as it was first read: "'+34 612 345 678" becomes "+34 612 345 678".
func Deneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' && FormulaStart(s[1]) {
		return s[1:]
	}
	return s
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
