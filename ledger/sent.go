package ledger

import (
	"encoding/json"
	"strconv"

	"github.com/comeet-import/comeet-import/comeet"
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

// fieldsOf flattens the candidate's JSON, files left out, so a field added to
// comeet.Candidate later is recorded without a change here.
func fieldsOf(c *comeet.Candidate) map[string]string {
	bare := *c
	bare.Resume, bare.Picture, bare.Files = nil, nil, nil
	b, err := json.Marshal(&bare)
	if err != nil {
		return nil // a Candidate holds only strings, maps and slices of them
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil
	}
	fields := make(map[string]string)
	flatten(fields, "", tree)
	return fields
}

func flatten(out map[string]string, name string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			flatten(out, join(name, k), sub)
		}
	case []any:
		for i, sub := range v {
			flatten(out, name+"["+strconv.Itoa(i)+"]", sub)
		}
	case string:
		out[name] = v
	case nil:
	default:
		b, _ := json.Marshal(v)
		out[name] = string(b)
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func filesOf(c *comeet.Candidate) []SentFile {
	var files []SentFile
	add := func(slot string, f *comeet.File) {
		if f != nil {
			files = append(files, SentFile{Slot: slot, Name: f.Name, Path: f.Path, Size: f.Size, SHA256: f.SHA256})
		}
	}
	add("resume", c.Resume)
	add("picture", c.Picture)
	for i, f := range c.Files {
		add("files["+strconv.Itoa(i)+"]", f)
	}
	return files
}
