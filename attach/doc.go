// Package attach opens the files a row references (its resume, picture and
// other files) from an fs.FS: a folder today, through os.Root so nothing
// outside it can be read, and any other fs.FS (a .zip through archive/zip)
// tomorrow. It refuses absolute paths and names that climb out, fills in each
// file's name, size and, when asked, SHA-256 digest, and gives the
// comeet.File an Open that streams the bytes from the start, so the client
// encodes them as base64 without holding a file in memory.
//
// The file types and sizes Comeet accepts are checked by comeet.Rules from
// the facts attach fills in; attach only says whether a file can be read.
package attach
