// Package attach opens the files a row references (its resume, picture and
// other files) from a folder, through os.Root so nothing outside it can be
// read, or from a .zip read in place (archive.go), and finds them the way
// people name them (index.go: exact path, any case and Unicode
// normalisation, the last element of a Windows or POSIX path, the name
// without extension). Files (attach.go) refuses what must not be sent:
// anything but a regular file, opened without ever blocking; hidden names
// and files with several hard links unless allowed. It fills in each file's
// name, size and, when asked, SHA-256 digest, and gives the comeet.File an
// Open that checks the file again and streams the bytes from the start, so
// the client encodes them as base64 without holding a file in memory.
// Usage (usage.go) is the match report of a run: names that found a file,
// several or none, and the files no row used.
//
// The file types and sizes Comeet accepts are checked by comeet.Rules from
// the facts attach fills in; attach only says whether a file can be read.
package attach
