package report

import "github.com/comeet-import/comeet-import/internal/source"

// Neutralize returns s so that a spreadsheet shows it as text instead of
// running it as a formula: a cell that starts with =, +, -, @, a tab or a
// carriage return (source.FormulaStart) gets a leading apostrophe, which
// Excel, LibreOffice and Google Sheets all read as "this is text" and do
// not display.
//
// The reader strips that apostrophe again (source.Deneutralize), so a row
// from the errors file can be fed back unchanged.
func Neutralize(s string) string {
	if s == "" || !source.FormulaStart(s[0]) {
		return s
	}
	return "'" + s
}
