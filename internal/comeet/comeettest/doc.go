// Package comeettest provides a fake Comeet for tests, the sandbox command
// and the demo, in the manner of net/http/httptest: NewServer starts it on a
// loopback port, Server.URL is its base URL, Close stops it.
//
// It speaks the contract the importer relies on (see comeet-api.md):
// POST /candidates with an HS256 bearer token, the documented field rules and
// error codes, 409 candidate_post_conflict while a candidate with the same
// (position, partner id) is "In progress" and a second candidate once it has
// been rejected or hired (SetStatus), a rolling-window rate limit, and
// GET /candidates?time_created:after=... for connection checks and
// read-backs (paged with a next_page link when Options.PageSize is set).
//
// Beside the create it serves the neighbouring endpoints, sharing one state
// and one rate window with it: GET and PATCH /candidates/{uid} (404
// candidate_not_found for an unknown or deleted candidate, 401
// duplicate_candidate for a merged one; a PATCH carries only the fields of
// the narrow list, or the wide one with Options.WidePatch, and a later GET
// reads the change back), GET and POST /candidates/{uid}/files (403
// file_size_limit, 403 malicious_file for Options.MaliciousFiles), and GET
// /positions (status filter) and /positions/{uid}, showing the positions
// Options.PositionVisibility lets the integration see. Merge, Delete,
// AddPosition and PutPosition change that state as a recruiter would.
//
// Authorization failures carry distinct codes: unauthorized (no or
// unreadable token), unknown_api_key, invalid_signature and token_expired.
// Every answer's Date comes from Options.Now, so a test can set the
// server's clock off the client's.
//
// Bodies are read as a stream: file contents are base64-decoded on the fly
// and only their size and SHA-256 are kept (in the File of the decoded
// Candidate), so large files cost no memory.
//
// Faults are injected deterministically with Inject (5xx with a JSON or an
// HTML body, 429 storms with or without Retry-After, connection resets, slow
// answers, expired tokens, "created, then answered 502", and any raw answer,
// before or after the request is handled: a proxy's page, a redirect, a
// 2xx that is not a candidate, a huge 409), or drawn at
// random from a seeded generator with SetRandomFaults for soak tests.
//
// Requests, Candidates, Files, Positions, CreatedCount and Count429 show
// what happened.
//
// To serve it on a chosen address (the sandbox command), use NewServerAt,
// or Serve, which runs until its context ends.
package comeettest
