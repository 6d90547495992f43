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
// The importer calls Begin right before each POST leaves (after the rate
// limiter) and Finish after the answer. Each is one transaction, committed
// in WAL mode with synchronous=FULL before it returns: a kill -9 at any
// moment loses nothing recorded, and a row whose POST may have happened is
// left pending, never missing. Writes take turns on one connection: at
// Comeet's 100 requests a minute a commit (about a millisecond) is not
// what a run waits for. A failure to record wraps ErrWrite; the importer
// stops sending at the first one. Finish ignores the cancellation of its
// context, because it records what has already happened in Comeet.
//
// # Re-run look-ups
//
// A re-run asks, for each row, what the ledger knows of its key (Lookup:
// state, outcome, candidate uid, fingerprint, time and files), LookupBatch
// keys per query on a pool of read connections, so several checkers look
// up at once while a run writes. Get reads a whole entry (the --update
// path, history).
//
// # No value in clear
//
// The ledger holds no value of a row: each field sent is kept as a keyed
// digest (HMAC-SHA-256 with a random key kept in the meta table, cut to
// 128 bits; digest.go), and so are file names and paths. What stays in
// clear: the key (position_uid, partner_candidate_id), the candidate uid,
// outcome, HTTP status, error code, attempts, times, where the row was in
// the input, file slots, sizes and SHA-256, and Comeet's answer without
// its source contact. Messages are not kept (they may quote a value). A
// ledger of an older schema is migrated in place on open, then vacuumed,
// so the values are gone from the file and its WAL. Deleted content is
// overwritten (secure_delete); Forget erases entries.
//
// # Run lock
//
// Open holds an exclusive flock(2) on the ledger file itself until Close,
// so whatever name reaches the file (a symbolic or a hard link) it is one
// ledger, and two runs never share it; a second Open (from this process or
// another) fails with ErrLocked and names the holder's PID (from
// /proc/locks). OpenReadOnly, for history and validate, takes the same lock
// shared: readers may read together, but not during a run; it creates no
// file beside the ledger, so it works on a read-only disk. The kernel drops
// the lock when its holder dies, so a killed run never leaves a stale lock.
// An existing empty file (ErrEmpty), a file that is not a ledger, and a
// damaged one (ErrDamaged: a size that is not a whole number of pages or
// disagrees with the SQLite header, or a failed PRAGMA quick_check) are
// refused; a new ledger is built under a temporary name and linked into
// place only where no file exists. The ledger and its -wal and -shm files
// have mode 0600 whatever the umask: they hold identifiers (the key, the
// candidate uid). They never hold file bytes, the API secret, the API key,
// a token, or a password given in the base URL.
//
// # Schema (version 5, PRAGMA user_version; PRAGMA application_id "CILG")
//
// Table entries, one row per key, keyed by the key itself (WITHOUT ROWID):
//
//	position_uid,         the key: one partner candidate in one position,
//	partner_candidate_id  as Comeet identifies a hiring process
//	state                 0 pending (Begin recorded, Finish not: a POST may
//	                      have happened), 1 done
//	outcome               the importer's verdict: created, conflict, invalid,
//	                      failed ('' while pending)
//	candidate_uid         the uid Comeet gave (from a 2xx or a 409)
//	fingerprint           the row's keyed fingerprint: a version byte, then
//	                      the digest (Fingerprint)
//	updated_at            latest write, Unix nanoseconds (UTC)
//	files                 binary record of each file's slot, name and path
//	                      digests, size, modification time and raw SHA-256
//	                      (codec.go)
//	id                    order of first writes; breaks ties of first_seen
//	http_status           status of the last answer; 0 when none came
//	error_code            why the send failed (Comeet's code or ours)
//	message               '' since version 5 (a message may quote values)
//	attempts              HTTP attempts of the latest send, retries included
//	total_attempts        sum of attempts over every Finish, across runs
//	runs                  how many times Begin was recorded for the key
//	first_seen            first write, Unix nanoseconds (UTC)
//	input_row, input_line where the row was last seen in the input (row:
//	                      1-based data record; line: physical line)
//	source_id             the input file's name, in table sources
//	fields                binary record of the digests of the fields as
//	                      sent, by dotted name ("address.country"), names
//	                      from a dictionary
//	response              binary record of Comeet's answer (status, times,
//	                      steps), without what other columns hold; NULL when
//	                      there was none
//	doubt_fields,         what an update may have changed without an answer
//	doubt_files           (Entry.Doubt): the fields of a PATCH and the files
//	                      whose answers were lost, as fields and files
//	                      records; NULL when nothing is in doubt
//
// Table sources (id, name) holds each input file name once; table meta
// (key, value) holds the account (account.go) and the digest key. The
// columns a re-run's Lookup reads come first in the row. Index entries_first_seen (first_seen,
// id) gives Each its order. Version 3 replaced the JSON and text columns of
// versions 1 and 2 (about 1,450 bytes a row) with these records (about 550);
// the migration copies every entry over in one transaction. Version 5
// replaced the values by digests (migrate5.go).
//
// Begin clears the previous answer (outcome through response, and the
// doubt) and counts a run; Finish sets the answer and keeps what Begin
// recorded about the row unless it brings new values. An update records
// each step (Step, before a request leaves and after its answer): what
// Comeet holds and what is in doubt, so a kill between two files loses no
// file's answer and doubles no file. Version 4 added the doubt. Each reads
// entries by (first_seen, id).
//
// # Re-run rules (applied by the importer, not by this package)
//
//   - done + created or conflict: skip; the candidate exists in Comeet. With
//     --update, a row whose fingerprint changed is updated: the fields whose
//     digests differ are sent with PATCH, new files are added.
//   - pending: ambiguous; send again. A 409 (or the list of recent
//     creations) then tells that the first POST did create the candidate.
//   - done + failed or invalid: try again.
//   - no entry: send.
package ledger
