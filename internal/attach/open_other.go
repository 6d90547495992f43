//go:build !unix

package attach

import "io/fs"

// openNonBlock is none where opening a file cannot wait for a writer.
const openNonBlock = 0

// hardLinks is 1: the platform does not say.
func hardLinks(fs.FileInfo) uint64 { return 1 }
