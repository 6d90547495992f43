package ledger

import (
	"strconv"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Sent is what was sent for a row, without file bytes.
type Sent struct {
	// Fields holds every non-file value of the candidate as it went on the
	// wire, flattened to dotted names: "first_name", "address.country",
	// "custom_fields.level", "links[0].url".
	Fields map[string]string `json:"fields,omitempty"`
	// Files describes the attachments in the order they were sent.
	Files []SentFile `json:"files,omitempty"`
}

// SentFile describes one attachment that was sent: everything but its bytes.
type SentFile struct {
	// Slot is where the file went: "resume", "picture", "files[0]", ...
	Slot string `json:"slot"`
	// Name is the file name sent to Comeet.
	Name string `json:"name"`
	// Path is the reference from the spreadsheet, relative to the files
	// directory.
	Path string `json:"path,omitempty"`
	// Size is the number of bytes and SHA256 their hex digest.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	// ModTime is the file's modification time when it was hashed (Unix
	// nanoseconds; 0 unknown). A re-run whose file has the same size and
	// ModTime takes SHA256 from the ledger instead of reading the file.
	ModTime int64 `json:"mtime,omitempty"`
}

// SentOf builds the Sent record of a candidate: its fields as they go on the
// wire and, for each attached file, its slot, name, path, size and digest.
// It never reads file bytes.
func SentOf(c *comeet.Candidate) Sent {
	if c == nil {
		return Sent{}
	}
	return Sent{Fields: fieldsOf(c), Files: filesOf(c)}
}

// fieldsOf lists the candidate's values by their dotted names (eachField).
func fieldsOf(c *comeet.Candidate) map[string]string {
	fields := make(map[string]string, 16)
	eachField(c, func(name, value string) { fields[name] = value })
	return fields
}

func filesOf(c *comeet.Candidate) []SentFile {
	var files []SentFile
	eachFile(c, func(slot string, f *comeet.File) {
		files = append(files, SentFile{Slot: slot, Name: f.Name, Path: f.Path, Size: f.Size, SHA256: f.SHA256, ModTime: modTime(f)})
	})
	return files
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
