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
	"sync"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Options says what a files folder lets through. The zero value is the
// safe default: no hidden files, no hard links, Comeet's size limit.
type Options struct {
	// AllowHidden lets a reference name a file or folder whose name starts
	// with "." (and indexes them). Off, because with the input in a home
	// folder and no files folder given, "files=.ssh/id_rsa" would upload a
	// key.
	AllowHidden bool
	// AllowHardlinks accepts a regular file with more than one link. Off,
	// because a hard link inside the folder may be the very file of someone
	// else's folder outside it, which os.Root cannot tell.
	AllowHardlinks bool
	// MaxFileSize is the largest file read; a larger one is a
	// comeet.CodeFileSizeLimit problem, never read. 0 means
	// comeet.DefaultMaxFileSize; negative means no limit.
	MaxFileSize int64
	// List says that the folder is a files folder chosen for the run: the
	// match report lists the files no row uses (the folder is walked for
	// it at the end). Without it only what the rows named is reported, and
	// the folder is walked only when a name is not an exact path.
	List bool
}

// Files resolves the files rows reference inside one fs.FS. It is safe for
// concurrent use when its fs.FS is (os.Root's and Archive's are).
type Files struct {
	// Digests says whether Digest reads files for their SHA-256 (the
	// ledger keeps them); a dry run without a ledger only needs the size.
	Digests bool
	fsys    fs.FS
	root    *os.Root // a folder's, opened without blocking; nil otherwise
	closer  io.Closer
	opts    Options
	max     int64 // the largest file read; negative: no limit

	ixOnce sync.Once
	ix     *Index
	ixErr  error
	usage  *Usage
}

// New returns Files that reads from fsys.
func New(fsys fs.FS) *Files {
	return newFiles(fsys, Options{})
}

func newFiles(fsys fs.FS, opts Options) *Files {
	f := &Files{fsys: fsys, opts: opts, max: opts.MaxFileSize}
	if f.max == 0 {
		f.max = comeet.DefaultMaxFileSize
	}
	f.usage = NewUsage(nil)
	return f
}

// OpenDir returns Files confined to the folder (or .zip) dir with the
// default Options.
func OpenDir(dir string) (*Files, error) {
	return Open(dir, Options{})
}

// Open returns Files confined to path: a folder, through os.Root, so that
// "..", absolute paths and symbolic links that lead outside it are
// refused and a hostile spreadsheet cannot read /etc/passwd into a
// candidate's resume; or a .zip file, as an Archive whose nested folders are
// searched. Close releases it.
func Open(path string, opts Options) (*Files, error) {
	limits := ArchiveLimits{MaxFileSize: opts.MaxFileSize}
	if limits.MaxFileSize < 0 {
		limits.MaxFileSize = 0
	}
	dir, err := OpenFilesDir(path, limits)
	if err != nil {
		return nil, err
	}
	f := newFiles(dir, opts)
	f.closer = dir
	if rd, ok := dir.(rootDir); ok {
		f.root = rd.root
	}
	return f, nil
}

// Close releases what Open opened; it does nothing for Files from New.
func (f *Files) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Attach fills in Name, Size, SHA256 and Open of every file of c, and
// returns a problem, named by the file's API field, for each file that
// cannot be used: comeet.CodeFileSizeLimit for one over the size limit,
// comeet.CodeAmbiguousFile for a name several files answer to (the message
// lists them), comeet.CodeFileNotFound otherwise.
func (f *Files) Attach(c *comeet.Candidate) []comeet.Problem {
	return f.attach(0, c, false)
}

// AttachRow is Attach for the input row row, noting in the match report
// (Usage) which file each name found, or that the row names none.
func (f *Files) AttachRow(row int, c *comeet.Candidate) []comeet.Problem {
	return f.attach(row, c, true)
}

func (f *Files) attach(row int, c *comeet.Candidate, record bool) []comeet.Problem {
	var problems []comeet.Problem
	named := false
	check := func(field string, file *comeet.File) {
		if file == nil || strings.TrimSpace(file.Path) == "" {
			return
		}
		named = true
		p, err := f.find(file.Path)
		if err == nil {
			err = f.fill(file, p)
		}
		if record {
			f.record(row, file.Path, p, err)
		}
		if err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: problemCode(err), Message: err.Error()})
		}
	}
	check("resume", c.Resume)
	check("picture", c.Picture)
	for i, file := range c.Files {
		check(fmt.Sprintf("files[%d]", i), file)
	}
	if record && !named {
		f.usage.NoFile(row)
	}
	return problems
}

// record notes in the match report a name that found a file, matched
// several or matched none; a file refused for what it is (hidden, a pipe,
// a hard link) is the row's problem only.
func (f *Files) record(row int, ref, p string, err error) {
	var nf *NotFoundError
	var amb *AmbiguousError
	if err == nil || errors.As(err, &nf) || errors.As(err, &amb) {
		f.usage.Record(row, ref, p, err)
	}
}

func problemCode(err error) string {
	var amb *AmbiguousError
	switch {
	case errors.As(err, &amb):
		return comeet.CodeAmbiguousFile
	case errors.Is(err, ErrTooLarge):
		return comeet.CodeFileSizeLimit
	}
	return comeet.CodeFileNotFound
}

// find turns a cell into a path of the fs.FS: the exact relative path when
// it exists, else the Index's answer (built on the first such name, so that
// a run whose names are all exact never walks the folder). Hidden names are
// refused first, whatever finds them.
func (f *Files) find(ref string) (string, error) {
	if !f.opts.AllowHidden {
		for _, e := range refElements(ref) {
			if strings.HasPrefix(e, ".") {
				return "", fmt.Errorf("%q names a hidden file or folder (a name starting with \".\"), which is not attached unless --allow-hidden is given", ref)
			}
		}
	}
	rel, nameErr := Name(ref)
	if nameErr == nil {
		_, err := f.stat(rel)
		switch {
		case err == nil:
			return rel, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", describeOpenError(ref, err)
		}
	} else if strings.TrimSpace(ref) == "" {
		return "", nameErr
	}
	ix, err := f.index()
	if err != nil {
		return "", fmt.Errorf("%q: %w", ref, err)
	}
	p, err := ix.Resolve(ref)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return "", &missingError{nf: nf, nameErr: nameErr}
	}
	return p, err
}

// index is the folder's Index, built once, by the first caller.
func (f *Files) index() (*Index, error) {
	f.ixOnce.Do(func() {
		f.ix, f.ixErr = NewIndex(f.fsys, IndexOptions{IncludeHidden: f.opts.AllowHidden})
	})
	return f.ix, f.ixErr
}

// Usage is the match report of the rows attached with AttachRow. With
// Options.List the folder is walked (if no name needed it yet) so that the
// report lists the files no row uses; a folder that cannot be walked leaves
// them out.
func (f *Files) Usage() *Usage {
	if f.opts.List {
		if ix, err := f.index(); err == nil {
			f.usage.setIndex(ix)
		}
	}
	return f.usage
}

// missingError is a name that matches no file, worded for the files folder.
type missingError struct {
	nf      *NotFoundError
	nameErr error // why the name was not taken as a path, if it was not
}

func (e *missingError) Error() string {
	if e.nameErr != nil {
		return fmt.Sprintf("%v, and no file of the files directory goes by its name", e.nameErr)
	}
	return fmt.Sprintf("%q does not exist in the files directory", e.nf.Ref)
}

func (e *missingError) Unwrap() error { return e.nf }

// fill opens the file at p without blocking, refuses what is not a plain
// file, and fills in the file's facts and its Open. A file over the size
// limit gets its size (in an archive the declared one) and is not read:
// comeet.Rules refuse it with its own message.
func (f *Files) fill(file *comeet.File, p string) error {
	file.Name = path.Base(p)
	name := file.Name
	st, err := f.stat(p)
	if err == nil && st.Mode().IsRegular() && f.over(st.Size()) {
		if err := f.plain(p, st); err != nil {
			return describeOpenError(file.Path, err)
		}
		size := st.Size()
		file.Size = size
		file.Open = func() (io.ReadCloser, error) { return f.reopen(p, name, size) }
		return nil
	}
	r, st, err := f.open(p)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return &sizeError{ref: file.Path, max: f.max}
		}
		return describeOpenError(file.Path, err)
	}
	defer r.Close()
	file.Size = st.Size()
	file.ModTime = st.ModTime()
	size := file.Size
	file.Open = func() (io.ReadCloser, error) { return f.reopen(p, name, size) }
	return nil
}

// over says whether size is past the size limit.
func (f *Files) over(size int64) bool { return f.max >= 0 && size > f.max }

// reopen opens p again for an attempt. A file that is gone, is no longer
// a regular file or has another size is a *comeet.FileChangedError, before
// any of its bytes are read.
func (f *Files) reopen(p, name string, size int64) (io.ReadCloser, error) {
	r, st, err := f.open(p)
	if err != nil {
		return nil, &comeet.FileChangedError{Name: name, Size: size, Read: -1, Reason: changeReason(err)}
	}
	if st.Size() != size {
		r.Close()
		return nil, &comeet.FileChangedError{Name: name, Size: size, Read: st.Size()}
	}
	return r, nil
}

func changeReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "it no longer exists"
	case errors.Is(err, errNotRegular):
		return "it is no longer a regular file"
	case errors.Is(err, errHardLinks):
		return "it now has more than one hard link"
	}
	return err.Error()
}

// stat describes p without opening it (opening a named pipe would block).
func (f *Files) stat(p string) (fs.FileInfo, error) {
	if f.root != nil {
		return f.root.Stat(p)
	}
	return fs.Stat(f.fsys, p)
}

// open opens p for reading and returns it with what fstat says of the
// opened file. Only a regular file is opened: its kind is checked before
// the open, the open itself cannot block (O_NONBLOCK, in a folder), and the
// opened file is checked again, so a file swapped for a pipe in between is
// refused too and no read can wait for a writer.
func (f *Files) open(p string) (fs.File, fs.FileInfo, error) {
	st, err := f.stat(p)
	if err != nil {
		return nil, nil, err
	}
	if err := f.plain(p, st); err != nil {
		return nil, nil, err
	}
	var r fs.File
	if f.root != nil {
		r, err = f.root.OpenFile(p, os.O_RDONLY|openNonBlock, 0)
	} else {
		r, err = f.fsys.Open(p)
	}
	if err != nil {
		return nil, nil, err
	}
	if st, err = r.Stat(); err == nil {
		err = f.plain(p, st)
	}
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, st, nil
}

// plain refuses what is not a regular file, and a file with more than one
// hard link unless they are allowed.
func (f *Files) plain(p string, st fs.FileInfo) error {
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "open", Path: p, Err: errNotRegular}
	}
	if n := hardLinks(st); n > 1 && !f.opts.AllowHardlinks {
		return &fs.PathError{Op: "open", Path: p, Err: fmt.Errorf("%w (%d)", errHardLinks, n)}
	}
	return nil
}

var errHardLinks = errors.New("has more than one hard link")

// sizeError is a file that could not be opened for being over the size
// limit (an archive entry); it is never read.
type sizeError struct {
	ref string
	max int64
}

func (e *sizeError) Error() string {
	return fmt.Sprintf("%q is larger than the limit of %d bytes", e.ref, e.max)
}

func (e *sizeError) Unwrap() error { return ErrTooLarge }

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
		if err := hashFile(file); err != nil {
			problems = append(problems, comeet.Problem{Field: field, Code: comeet.CodeFileNotFound, Message: err.Error()})
		}
	}
	check(comeet.FieldResume, c.Resume)
	check(comeet.FieldPicture, c.Picture)
	for i, file := range c.Files {
		check(fmt.Sprintf("%s[%d]", comeet.FieldFiles, i), file)
	}
	return problems
}

// hashFile reads file through its Open (which refuses a file that changed
// kind or size since Attach) for its SHA-256.
func hashFile(file *comeet.File) error {
	r, err := file.Open()
	if err != nil {
		return fmt.Errorf("read %q: %w", file.Path, err)
	}
	defer r.Close()
	sum, n, err := digest(io.LimitReader(r, file.Size+1))
	switch {
	case err != nil:
		return fmt.Errorf("read %q: %w", file.Path, err)
	case n != file.Size:
		return fmt.Errorf("%q changed while it was read (%d bytes, then %d)", file.Path, file.Size, n)
	}
	file.SHA256 = sum
	return nil
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
	if path.IsAbs(rel) || filepath.IsAbs(ref) || filepath.VolumeName(ref) != "" || hasDrive(rel) {
		return "", fmt.Errorf("%q is an absolute path; give a name inside the files directory", ref)
	}
	rel = path.Clean(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") || !fs.ValidPath(rel) {
		return "", fmt.Errorf("%q is outside the files directory", ref)
	}
	return rel, nil
}

// digest is the hex SHA-256 of what r reads, and how many bytes it read.
func digest(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func describeOpenError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%q does not exist in the files directory", name)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%q cannot be read (permission denied)", name)
	case errors.Is(err, errNotRegular):
		return fmt.Errorf("%q is not a regular file", name)
	case errors.Is(err, errHardLinks):
		return fmt.Errorf("%q has more than one hard link (it may be a file outside the files directory); it is not attached unless --allow-hardlinks is given", name)
	case escapes(err):
		return fmt.Errorf("%q is outside the files directory", name)
	}
	var ee *EntryError
	if errors.As(err, &ee) {
		return fmt.Errorf("%q cannot be read: %v", name, ee.Err)
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
