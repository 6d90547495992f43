// Package samples holds a small, real example: a spreadsheet of candidates
// as an agency exports it (a few rows deliberately wrong), its mapping, and
// the CV, photo and attachment files it references. The demo command
// imports it into an in-process sandbox.
package samples

import "embed"

// FS holds candidates.csv, mapping.csv and files/.
//
//go:embed candidates.csv mapping.csv files
var FS embed.FS

// Positions are the position uids the sample's sandbox knows; the sample
// has one row for a position that is not among them.
var Positions = []string{"11.11", "22.22", "33.33"}
