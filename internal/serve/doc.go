// Package serve is the local page of comeet-import (`comeet-import serve`):
// a person who holds a spreadsheet drops it (and a zip of CVs), matches its
// columns and values to Comeet's fields, fixes cells in place, and sends the
// rows to Comeet, all on the same run as `import`.
//
// The page is an editor of the command line's own inputs. Each run is a
// folder under the state folder holding the sheet as uploaded, mapping.csv,
// the cell edits (edits.csv), the corrected sheet the run reads
// (corrected.csv) and the reports, so `comeet-import import --mapping
// RUN/mapping.csv RUN/corrected.csv` finishes a run started on the page, and
// the page reopens a run whatever changed its files.
//
// The server listens on the loopback interface only, serves only loopback
// Host names (DNS rebinding), exchanges the secret of the URL it prints for
// an HttpOnly SameSite=Strict cookie, refuses cross-site writes, and sends a
// strict Content-Security-Policy: the page's script and style are files of
// its own, embedded in the binary, so it works offline.
package serve
