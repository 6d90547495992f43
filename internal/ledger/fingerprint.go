package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// FingerprintVersion is the first byte of every fingerprint Fingerprint
// makes. Version 1 (ledgers before schema 3) was the SHA-256 of Sent's
// JSON; a version-1 fingerprint cannot be compared with a version-2 one,
// so a re-run treats it as "unknown", never as "changed".
const FingerprintVersion = 2

// fingerprintSize is the bytes of digest kept after the version: 128 bits
// tell a changed row from the one sent; nothing relies on them being hard
// to forge.
const fingerprintSize = 16

// Fingerprint is the digest of what would be sent for c, files counted by
// their slot, name, path, size and SHA-256 (so the files must be hashed
// first). It streams the values into SHA-256 in eachField's fixed order,
// each as a uvarint length and its bytes, then the files in eachFile's
// order; the result is FingerprintVersion followed by the first 16 bytes
// of the digest, as a string of bytes (not text).
func Fingerprint(c *comeet.Candidate) string {
	buf := make([]byte, 0, 1024)
	put := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	eachField(c, func(name, value string) {
		put(name)
		put(value)
	})
	eachFile(c, func(slot string, f *comeet.File) {
		put(slot)
		put(f.Name)
		put(f.Path)
		put(strconv.FormatInt(f.Size, 10))
		put(f.SHA256)
	})
	sum := sha256.Sum256(buf)
	out := make([]byte, 0, 1+fingerprintSize)
	out = append(out, FingerprintVersion)
	return string(append(out, sum[:fingerprintSize]...))
}

// FingerprintCurrent reports whether fp was made by this version of
// Fingerprint, so that comparing it with a new one means something.
func FingerprintCurrent(fp string) bool {
	return len(fp) == 1+fingerprintSize && fp[0] == FingerprintVersion
}
