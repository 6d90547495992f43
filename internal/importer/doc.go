// Package importer is the run, for both import and validate (which stops
// before the network). Each stage is a small type with one job, in a file
// of its own, and a row (row.go) carries its state from stage to stage:
//
//	check.go  checker   record -> comeet.Candidate + problems: mapping,
//	                    the referenced files (package attach), the rules.
//	                    Touches no ledger, runs on every CPU.
//	recall.go recaller  a checked batch's ledger look-up, one query per
//	                    128 keys, on the checkers; the files' digests (the
//	                    ledger's while a file is unchanged), the fingerprint.
//	admit.go  admitter  in input order: duplicates inside the file, the
//	                    ledger (skipKnown), the limit. Returns a decision:
//	                    send, update, valid, skip, invalid, fail.
//	send.go   sender    a row to Comeet through a small creator interface,
//	                    the ledger around it, the stats; the answer becomes
//	                    the row's outcome by comeet.APIError.Kind.
//	pool.go   pool      the goroutines and the only owner of contexts: the
//	                    reader and checkers, the producer that admits, the
//	                    workers that send, the writer that reports in order.
//	run.go    Run       opens the stages, runs the pool, closes; returns
//	                    the summary and the paths it resolved; writes the
//	                    match report of the files (files.go).
//
//	update.go updater   --update: a changed row the ledger shows in Comeet
//	                    is decided "update" by the admitter, and a worker
//	                    PATCHes its changed fields and adds its new files.
//	positions.go        --check-positions: the admitter checks each row's
//	                    position against one list and a few look-ups.
//	lost.go             before a row whose earlier POST may have arrived is
//	                    sent again, finds it in comeet.Client.CreatedSince.
//	stopwait.go         the shared limiter (package pace) made to let go of
//	                    every waiting worker when the run stops.
//
// Pacing is package pace; verify, history and the rebuilt report are
// package readback.
//
// An errors workbook with highlighted cells reads the row's problems, each
// with its API field and input column.
//
// Beside the stages: message.go words a row's problems in its user's terms
// (the input's column, the cell as typed, what to change; cut at 300
// characters), and known.go tells an invalid row's problem the ledger
// remembers from the last run from a new one (for --fail-on new).
//
// A row's failure is data in its report line, never a reason to stop: only
// a broken source, a configuration error (a *ConfigError, naming the
// Setting at fault), refused credentials or an interruption end a run
// early, and even then every row read so far gets its line in the report.
package importer
