package attach

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
)

// Files resolves the files rows reference inside one fs.FS. It is safe for
// concurrent use when its fs.FS is (os.Root's is).
type Files struct {
	// Digests says whether Digest reads files for their SHA-256 (the
	// ledger keeps them); a dry run without a ledger only needs the size.
	Digests bool
	fsys    fs.FS
	closer  io.Closer
}

// New returns Files that reads from fsys.
func New(fsys fs.FS) *Files {
	return &Files{fsys: fsys}
}

// OpenDir returns Files confined to the folder dir: os.Root refuses "..",
// absolute paths and symbolic links that lead outside it, so a hostile
// spreadsheet cannot read /etc/passwd into a candidate's resume. Close
// releases the folder.
func OpenDir(dir string) (*Files, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	f := New(root.FS())
	f.closer = root
	return f, nil
}

// Close releases what OpenDir opened; it does nothing for Files from New.
func (f *Files) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Attach fills in Name, Size, SHA256 and Open of every file of c, and
// returns a comeet.CodeFileNotFound problem, named by the file's API field,
// for each file that cannot be used.
func (f *Files) Attach(c *comeet.Candidate) []comeet.Problem {
	var problems []comeet.Problem
	check := func(field string, file *comeet.File) {
		if file == nil {
			return
		}
		if err := f.Resolve(file); err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: err.Error()})
		}
	}
	check("resume", c.Resume)
	check("picture", c.Picture)
	for i, file := range c.Files {
		check(fmt.Sprintf("files[%d]", i), file)
	}
	return problems
}

// Resolve finds file.Path and fills in the file's facts and its Open.
func (f *Files) Resolve(file *comeet.File) error {
	rel, err := Name(file.Path)
	if err != nil {
		return err
	}
	r, err := f.fsys.Open(rel)
	if err != nil {
		return describeOpenError(file.Path, err)
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return fmt.Errorf("stat %q: %w", file.Path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%q is not a regular file", file.Path)
	}
	file.Name = path.Base(rel)
	file.Size = st.Size()
	file.ModTime = st.ModTime()
	fsys := f.fsys
	file.Open = func() (io.ReadCloser, error) { return fsys.Open(rel) }
	return nil
}

// Digest fills in the SHA-256 of every file of c that has none, when f
// keeps digests (a ledger records them). A file for which recorded returns
// a digest (the ledger's, for the same path, size and modification time)
// takes it instead of being read again: a nightly re-run does not re-read
// every attachment of every row. It returns a comeet.CodeFileNotFound
// problem for each file that cannot be read.
func (f *Files) Digest(c *comeet.Candidate, recorded func(*comeet.File) (string, bool)) []comeet.Problem {
	if !f.Digests {
		return nil
	}
	var problems []comeet.Problem
	check := func(field string, file *comeet.File) {
		if file == nil || file.SHA256 != "" || file.Open == nil {
			return
		}
		if sum, ok := recorded(file); ok {
			file.SHA256 = sum
			return
		}
		r, err := file.Open()
		if err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: describeOpenError(file.Path, err).Error()})
			return
		}
		defer r.Close()
		if file.SHA256, err = digest(r); err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: fmt.Sprintf("read %q: %v", file.Path, err)})
		}
	}
	check(comeet.FieldResume, c.Resume)
	check(comeet.FieldPicture, c.Picture)
	for i, file := range c.Files {
		check(fmt.Sprintf("%s[%d]", comeet.FieldFiles, i), file)
	}
	return problems
}

// Name turns a reference from a spreadsheet into a name inside an fs.FS:
// Windows separators become slashes and "." and ".." are resolved. It
// refuses an empty name, an absolute path (in either spelling, or with a
// drive letter) and a name that climbs out of the folder.
func Name(ref string) (string, error) {
	rel := strings.ReplaceAll(strings.TrimSpace(ref), `\`, "/")
	if rel == "" {
		return "", fmt.Errorf("empty file name")
	}
	if path.IsAbs(rel) || filepath.IsAbs(ref) || filepath.VolumeName(ref) != "" {
		return "", fmt.Errorf("%q is an absolute path; give a name inside the files directory", ref)
	}
	rel = path.Clean(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") || !fs.ValidPath(rel) {
		return "", fmt.Errorf("%q is outside the files directory", ref)
	}
	return rel, nil
}

// digest is the hex SHA-256 of what r reads.
func digest(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func describeOpenError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%q does not exist in the files directory", name)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%q cannot be read (permission denied)", name)
	case escapes(err):
		return fmt.Errorf("%q is outside the files directory", name)
	}
	return fmt.Errorf("open %q: %w", name, err)
}

// escapes reports os.Root's refusal of a symbolic link that leads out of
// the folder. The os package exports no error value for it, so its words
// are the only sign.
func escapes(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "escapes from parent") || strings.Contains(msg, "path escapes")
}
