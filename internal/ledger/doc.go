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
// limiter) and FinishLater after the answer. One writer goroutine commits
// the calls waiting at the same moment in one transaction, in WAL mode with
// synchronous=FULL (group commit: concurrent workers share a disk sync).
// Begin (and Finish) return only when their entry is on disk: a kill -9 at
// any moment loses nothing Begin recorded, and a row whose POST may have
// happened is left pending, never missing. FinishLater does not wait: the
// answer is committed with the next group, while the worker goes on to its
// next row. A kill in that window (one group's commit) leaves the entry
// pending, so the next run sends the row again and Comeet's 409 (or the
// list of recent creations) tells that it had arrived: the promise is
// about the pending entry, which is never late. FinishLater writes only the
// answer; what Begin recorded of the row is kept. A failure to record wraps
// ErrWrite; the importer stops sending at the first one. An asynchronous
// answer that fails is returned by the next Begin, Finish or FinishLater
// and by Close, which commits every queued answer first. Finish ignores
// the cancellation of its context, because it records what has already
// happened in Comeet.
//
// # Re-run look-ups
//
// A re-run asks, for each row, what the ledger knows of its key (Lookup:
// state, outcome, candidate uid, fingerprint, time and files). Recall,
// which the importer calls right after opening the ledger, reads those
// columns of every entry in one sequential scan, in the background while
// the input is read, into one sorted slice of about 60 bytes an entry: the
// key as two hashes (64 + 32 bits, with seeds drawn per run), the
// candidate uid and fingerprint in an arena. Lookup answers with a binary
// search once the index is read (from SQLite until then). Entries with
// files (whose recorded digests the importer reuses) or with texts too
// long for the index are read from SQLite per key, as is every key of a
// ledger over MaxRecallEntries (200,000: at 1,000,000 entries an index of
// 60 MiB against the importer's 40 MiB soft memory limit kept the garbage
// collector busy, 25 to 30 s against 13.6 s for SQLite's look-ups). The
// index is a snapshot: a key this run writes is a duplicate in its own
// file, refused anyway. Without Recall, Lookup asks
// SQLite LookupBatch keys per query.
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
// An existing empty file (ErrEmpty) or a file that is not a ledger is
// refused; a new ledger is built under a temporary name and linked into
// place only where no file exists. The ledger and its -wal and -shm files
// have mode 0600 whatever the umask: they hold personal data. They never
// hold file bytes, the API secret, the API key or a token.
//
// # Schema (version 4, PRAGMA user_version; PRAGMA application_id "CILG")
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
//	fingerprint           the row's fingerprint: a version byte, then the
//	                      digest (Fingerprint; version 1 is an old hex text)
//	updated_at            latest write, Unix nanoseconds (UTC)
//	files                 binary record of each file's slot, name, path,
//	                      size, modification time and raw SHA-256 (codec.go)
//	id                    order of first writes; breaks ties of first_seen
//	http_status           status of the last answer; 0 when none came
//	error_code, message   why the send failed (Comeet's code or ours)
//	attempts              HTTP attempts of the latest send, retries included
//	total_attempts        sum of attempts over every Finish, across runs
//	runs                  how many times Begin was recorded for the key
//	first_seen            first write, Unix nanoseconds (UTC)
//	input_row, input_line where the row was last seen in the input (row:
//	                      1-based data record; line: physical line)
//	source_id             the input file's name, in table sources
//	fields                binary record of the fields as sent, by dotted
//	                      name ("address.country"), names from a dictionary
//	response              binary record of Comeet's answer (status, times,
//	                      steps), without what other columns hold; NULL when
//	                      there was none
//	doubt_fields,         what an update may have changed without an answer
//	doubt_files           (Entry.Doubt): the fields of a PATCH and the files
//	                      whose answers were lost, as fields and files
//	                      records; NULL when nothing is in doubt
//
// Table sources (id, name) holds each input file name once; table meta
// (key, value) holds the account (account.go). The columns a re-run's
// Lookup reads come first in the row. Index entries_first_seen (first_seen,
// id) gives Each its order. Version 3 replaced the JSON and text columns of
// versions 1 and 2 (about 1,450 bytes a row) with these records (about 550);
// the migration copies every entry over in one transaction.
//
// Begin clears the previous answer (outcome through response, and the
// doubt) and counts a run; Finish sets the answer and keeps what Begin
// recorded about the row unless it brings new values. An update records
// each step (Step before a request leaves, StepLater after its answer):
// what Comeet holds and what is in doubt, so a kill between two files
// loses no file's answer and doubles no file. Version 4 added the doubt. Each reads entries by (first_seen, id).

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
