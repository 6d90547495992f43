package report

import "github.com/comeet-import/comeet-import/internal/source"

// Neutralize returns s so that a spreadsheet shows it as text instead of
// running it as a formula: a cell that starts with =, +, -, @, a tab or a
// carriage return (source.FormulaStart) gets a leading apostrophe, which
// Excel, LibreOffice and Google Sheets all read as "this is text" and do
// not display.
//
// The reader strips that apostrophe again (source.Deneutralize), so a row
// from the errors file can be fed back unchanged; a cell that starts with
// apostrophes before a formula start gets one more, so that its own
// apostrophe survives the trip (source.NeedsGuard).
func Neutralize(s string) string {
	if !source.NeedsGuard(s) {
		return s
	}
	return "'" + s
}
