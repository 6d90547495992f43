package report

// Neutralize returns s so that a spreadsheet shows it as text instead of
// running it as a formula: a cell that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which Excel, LibreOffice and
// Google Sheets all read as "this is text" and do not display.
//
// The reader strips that apostrophe again (see Deneutralize), so a row from
// the errors file can be fed back unchanged.
func Neutralize(s string) string {
	if s == "" || !isFormulaStart(s[0]) {
		return s
	}
	return "'" + s
}

// Deneutralize undoes Neutralize: it removes an apostrophe that stands
// before a formula-start character.
func Deneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' && isFormulaStart(s[1]) {
		return s[1:]
	}
	return s
}

func isFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
