// Package report writes what a run did: one result line per input row in
// input order (the report CSV), the rows that still need a person's attention
// in their original columns (the errors CSV), and the one-line summary.
//
// Every CSV it writes neutralises cells that a spreadsheet would run as a
// formula, so a hostile cell in an input file cannot execute on the desk of
// the recruiter who opens the report.
package report
