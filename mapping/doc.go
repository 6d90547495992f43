// Package mapping turns a spreadsheet record (a header and its cells) into a
// comeet.Candidate.
//
// A Mapping says which column feeds which API field, with an optional default
// for when the column is absent or its cell is empty. It is read from a small
// CSV file with the header `field,column,default` (Load, LoadFile) or built from
// the spreadsheet's own header: FromHeader takes the columns whose names are
// API field names, Suggest also recognises common aliases and close spellings
// and is meant to be written out (Write) for a person to review.
//
// Bind resolves a Mapping against one header once, so that Binder.Candidate,
// which runs for every row, only indexes cells, trims them and assigns them.
// Values are kept as text and only trimmed: canonical forms and the documented
// field rules are applied later by comeet.Rules.
package mapping
