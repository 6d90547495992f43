// Package readback answers questions about what earlier runs did, from the
// ledger and, for verify, from Comeet; it never sends a candidate.
//
//	verify.go  Verify       reads back (GET /candidates/{uid}, paced as an
//	                        import is) every candidate the ledger says is in
//	                        Comeet, then lists the candidates created since
//	                        the ledger's first entry (comeet.Client's
//	                        CreatedSince, which the run uses too) to find the
//	                        answers a run lost; the report resumes.
//	history.go History      the ledger as CSV, one line per entry.
//	rebuild.go WriteReport  the report of the last run, rebuilt from the
//	                        ledger when the run's own report is lost.
//
// It reaches Comeet through the same pace.Account as a run, so a command's
// account, rate and retry flags mean the same everywhere. The ledger is
// opened read-only: a read-back cannot run while an import holds it.
package readback
