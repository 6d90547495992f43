// Package comeet speaks Comeet's partner API: the Candidate that POST /candidates
// takes and the answer it returns, the Client that mints the token, paces, sends
// and retries, the typed APIError that failures decode into, and the documented
// field rules that let a row be checked before it is sent.
//
// The package imports none of the project's other packages.
package comeet
