package ledger

import (
	"strconv"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Sent is what was sent for a row, as keyed digests: no value, no file
// bytes. Build it with Ledger.SentOf.
type Sent struct {
	// Fields holds the digest (Ledger.Digest) of every non-file value of
	// the candidate as it went on the wire, by dotted name: "first_name",
	// "address.country", "custom_fields.level", "links[0].url". The key's
	// two fields are left out: the entry's key holds them.
	Fields map[string]string `json:"fields,omitempty"`
	// Files describes the attachments in the order they were sent.
	Files []SentFile `json:"files,omitempty"`
}

// SentFile describes one attachment that was sent: everything but its bytes.
type SentFile struct {
	// Slot is where the file went: "resume", "picture", "files[0]", ...
	Slot string `json:"slot"`
	// Name is the digest (Ledger.Digest under "file.name") of the file
	// name sent to Comeet.
	Name string `json:"name"`
	// Path is the digest (under "file.path") of the reference from the
	// spreadsheet, relative to the files directory; "" when it had none.
	Path string `json:"path,omitempty"`
	// Size is the number of bytes and SHA256 their hex digest.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	// ModTime is the file's modification time when it was hashed (Unix
	// nanoseconds; 0 unknown). A re-run whose file has the same size and
	// ModTime takes SHA256 from the ledger instead of reading the file.
	ModTime int64 `json:"mtime,omitempty"`
}

// SentOf builds the Sent record of a candidate: the digests of its fields
// as they go on the wire (without the key's two) and, for each attached
// file, its slot, size and digests (FileOf). It never reads file bytes.
func (l *Ledger) SentOf(c *comeet.Candidate) Sent {
	if c == nil {
		return Sent{}
	}
	s := Sent{Fields: make(map[string]string, 16)}
	eachField(c, func(name, value string) {
		if name != "position_uid" && name != "partner_candidate_id" {
			s.Fields[name] = l.Digest(name, value)
		}
	})
	eachFile(c, func(slot string, f *comeet.File) { s.Files = append(s.Files, l.FileOf(slot, f)) })
	return s
}

// FileOf is the record of f sent in slot: its name and path as digests,
// its size, SHA-256 and modification time.
func (l *Ledger) FileOf(slot string, f *comeet.File) SentFile {
	sf := SentFile{Slot: slot, Name: l.Digest("file.name", f.Name), Size: f.Size, SHA256: f.SHA256, ModTime: modTime(f)}
	if f.Path != "" {
		sf.Path = l.Digest("file.path", f.Path)
	}
	return sf
}

// eachFile calls fn for every attachment of c in the order they are sent.
func eachFile(c *comeet.Candidate, fn func(slot string, f *comeet.File)) {
	if c.Resume != nil {
		fn("resume", c.Resume)
	}
	if c.Picture != nil {
		fn("picture", c.Picture)
	}
	for i, f := range c.Files {
		if f != nil {
			fn("files["+strconv.Itoa(i)+"]", f)
		}
	}
}

func modTime(f *comeet.File) int64 {
	if f.ModTime.IsZero() {
		return 0
	}
	return f.ModTime.UnixNano()
}
