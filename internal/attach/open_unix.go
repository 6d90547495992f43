//go:build unix

package attach

import (
	"io/fs"
	"syscall"
)

// openNonBlock makes opening a named pipe return at once instead of
// waiting for a writer; it changes nothing for a regular file.
const openNonBlock = syscall.O_NONBLOCK

// hardLinks is the number of names the file has; 1 when unknown.
func hardLinks(st fs.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink)
	}
	return 1
}
