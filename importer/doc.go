// Package importer is the run: it wires the stages of DESIGN.md together,
// source -> mapping -> checks -> ledger -> attach -> pool -> comeet client ->
// report, for both import and validate (which stops before the network).
//
// A row's failure is data in its report line, never a reason to stop: only a
// broken source, a configuration error, failed authentication or an
// interruption end a run early, and even then every row read so far gets its
// line in the report.
package importer
