// Package mapping turns a spreadsheet record (a header and its cells) into a
// comeet.Candidate.
//
// A Mapping says which column feeds which API field, with an optional default
// for when the column is absent or its cell is empty. It is read from a small
// CSV file with the header `field,column,default` (Load, LoadFile), separated
// by commas, semicolons or tabs, or built from the spreadsheet's own header:
// FromHeader takes the columns whose names are API field names, Suggest also
// recognises common aliases and close spellings, and SuggestFrom looks at
// sample rows too. A proposal is meant to be written out (Write) for a person
// to review.
//
// Beyond one column per field, a mapping reshapes values: the pseudo-field
// full_name splits one column into first, middle and last name; value-map
// lines (the optional columns value and send) translate the values of a
// field, and the closed sets a field knows (country names and codes, the
// spellings of a status) are translated by themselves; links and files take
// several values from one cell.
//
// Bind resolves a Mapping against one header once, so that Binder.Candidate,
// which runs for every row, only indexes cells, trims them, translates them
// and assigns them. Otherwise values are kept as text and only trimmed:
// canonical forms and the documented field rules are applied later by
// comeet.Rules, whose problems Binder.Explain gives the input column.
package mapping
