// Package ledger is the import job's memory of what it sent to Comeet and
// what came back, kept in a SQLite file beside the run (modernc.org/sqlite,
// pure Go). It exists because a re-run must never create a candidate twice:
// Comeet answers 409 to a second POST of the same (position_uid,
// partner_candidate_id) only while the first candidate is "In progress"; once
// that candidate was rejected or hired, re-posting the old row creates a
// second one.
//
// # Durability
//
// The importer calls Begin before each POST and Finish after the answer.
// Each is one statement committed in WAL mode with synchronous=FULL, so it
// is on disk when the call returns: a kill -9 at any moment loses nothing
// recorded, and a row whose POST may have happened is left pending, never
// missing. Finish ignores the cancellation of its context, because it records
// what has already happened in Comeet.
//
// # Run lock
//
// Open holds an exclusive flock(2) on path+".lock" until Close, so two runs
// never share a ledger; a second Open (from this process or another) fails
// with ErrLocked and names the PID the holder wrote into the lock file.
// OpenReadOnly, for history, takes the same lock shared: readers may read
// together, but not during a run. The kernel drops the lock when its holder
// dies, so a killed run never leaves a stale lock. The ledger, its -wal and
// -shm files and the lock file have mode 0600 whatever the umask: they hold
// personal data. They never hold file bytes, the API secret, the API key or
// a token.
//
// # Schema (version 1, PRAGMA user_version; PRAGMA application_id "CILG")
//
// One table, entries, one row per key:
//
//	id                    insertion order; breaks ties of first_seen
//	position_uid,         the key (UNIQUE): one partner candidate in one
//	partner_candidate_id  position, as Comeet identifies a hiring process
//	state                 'pending' (Begin recorded, Finish not: a POST may
//	                      have happened) or 'done'
//	outcome               the importer's verdict: created, conflict, invalid,
//	                      failed ('' while pending)
//	candidate_uid         the uid Comeet gave (from a 2xx or a 409)
//	http_status           status of the last answer; 0 when none came
//	error_code, message   why the send failed (Comeet's code or ours)
//	attempts              HTTP attempts of the latest send, retries included
//	total_attempts        sum of attempts over every Finish, across runs
//	runs                  how many times Begin was recorded for the key
//	row_hash              the importer's hash of the row's content
//	sent                  JSON of Sent: the fields as sent, flattened
//	                      ("address.country"), and each file's slot, name,
//	                      path, size and SHA-256, never its bytes
//	response              JSON of comeet.Created as Comeet answered (status,
//	                      steps, time_created); NULL when there was none
//	first_seen            UTC, fixed-width RFC 3339 text: first write for
//	updated_at            the key, and the latest one
//	input_row, input_line where the row was last seen in the input (row:
//	source_file           1-based data record; line: physical line) and the
//	                      input file's name, for history
//
// Begin clears the previous answer (outcome through response) and counts a
// run; Finish sets the answer and keeps what Begin recorded about the row
// unless it brings new values. Each reads entries by (first_seen, id).
//
// # Re-run rules (applied by the importer, not by this package)
//
//   - done + created or conflict: skip; the candidate exists in Comeet.
//   - done + created, and the row's hash changed: skip, with a message that
//     the API offers no update through this tool.
//   - pending: ambiguous; send again. A 409 then means the first POST did
//     create the candidate.
//   - done + failed or invalid: try again.
//   - no entry: send.
package ledger
