package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
)

// attacher resolves the files a row references, strictly inside the files
// directory: os.Root refuses "..", absolute paths and symbolic links that
// lead outside it, so a hostile spreadsheet cannot read /etc/passwd into a
// candidate's resume.
type attacher struct {
	root *os.Root
	// hash says whether digest reads each file for its SHA-256 (the ledger
	// keeps it); a dry run without a ledger only needs the size.
	hash bool
}

// attach fills in Name, Size, ModTime and Open of every file of c (digest
// adds SHA256), and
// returns a problem for each file that cannot be used.
func (a *attacher) attach(c *comeet.Candidate) []comeet.Problem {
	var problems []comeet.Problem
	check := func(field string, f *comeet.File) {
		if f == nil {
			return
		}
		if err := a.resolve(f); err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: err.Error()})
		}
	}
	check("resume", c.Resume)
	check("picture", c.Picture)
	for i, f := range c.Files {
		check(fmt.Sprintf("files[%d]", i), f)
	}
	return problems
}

func (a *attacher) resolve(f *comeet.File) error {
	rel := strings.ReplaceAll(strings.TrimSpace(f.Path), `\`, "/")
	if rel == "" {
		return fmt.Errorf("empty file name")
	}
	if path.IsAbs(rel) || filepath.IsAbs(f.Path) || filepath.VolumeName(f.Path) != "" {
		return fmt.Errorf("%q is an absolute path; give a name inside the files directory", f.Path)
	}
	file, err := a.root.Open(rel)
	if err != nil {
		return describeOpenError(f.Path, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return fmt.Errorf("stat %q: %w", f.Path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%q is not a regular file", f.Path)
	}
	f.Name = path.Base(rel)
	f.Size = st.Size()
	f.ModTime = st.ModTime()
	root := a.root
	f.Open = func() (io.ReadCloser, error) { return root.Open(rel) }
	return nil
}

// digest fills in the SHA256 of every file of c that has none, when the
// attacher hashes (a ledger keeps the digests). A file whose path, size
// and modification time are those the ledger recorded (known) takes the
// recorded digest instead of being read again: a nightly re-run does not
// re-read every attachment of every row.
func (a *attacher) digest(c *comeet.Candidate, known []ledger.SentFile) []comeet.Problem {
	if !a.hash {
		return nil
	}
	var problems []comeet.Problem
	check := func(field string, f *comeet.File) {
		if f == nil || f.SHA256 != "" || f.Open == nil {
			return
		}
		if sum, ok := recorded(f, known); ok {
			f.SHA256 = sum
			return
		}
		if err := hashFile(f); err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: err.Error()})
		}
	}
	check("resume", c.Resume)
	check("picture", c.Picture)
	for i, f := range c.Files {
		check(fmt.Sprintf("files[%d]", i), f)
	}
	return problems
}

// recorded returns the digest the ledger holds for f when f's path, size
// and modification time are the ones recorded with it.
func recorded(f *comeet.File, known []ledger.SentFile) (string, bool) {
	if f.ModTime.IsZero() {
		return "", false
	}
	for _, k := range known {
		if k.Path == f.Path && k.Size == f.Size && k.ModTime == f.ModTime.UnixNano() && k.SHA256 != "" {
			return k.SHA256, true
		}
	}
	return "", false
}

func hashFile(f *comeet.File) error {
	r, err := f.Open()
	if err != nil {
		return describeOpenError(f.Path, err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("read %q: %w", f.Path, err)
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	return nil
}

func describeOpenError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%q does not exist in the files directory", name)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%q cannot be read (permission denied)", name)
	case strings.Contains(err.Error(), "escapes from parent"), strings.Contains(err.Error(), "path escapes"):
		return fmt.Errorf("%q is outside the files directory", name)
	}
	return fmt.Errorf("open %q: %w", name, err)
}
