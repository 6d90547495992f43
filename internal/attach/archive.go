package attach

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"golang.org/x/text/encoding/charmap"
)

// DefaultMaxEntries is the most entries (files and folders) an archive may
// list. A folder of CVs for a large import holds a few thousand; a hundred
// thousand leaves room while keeping the central directory, which is held
// in memory, to a few tens of megabytes.
const DefaultMaxEntries = 100_000

// DefaultMaxRatio is the largest ratio of an entry's declared size to its
// compressed size. Documents compress at most tens of times; a zip bomb
// compresses a thousand times.
const DefaultMaxRatio = 100

// ratioFloor is the declared size below which the ratio is not checked: a
// small file of blanks compresses well and cannot hurt anyone.
const ratioFloor = 256 << 10

// ArchiveLimits bounds what OpenArchive accepts. The zero value means the
// defaults.
type ArchiveLimits struct {
	// MaxEntries is the most entries the archive may list; 0 means
	// DefaultMaxEntries. More make OpenArchive fail.
	MaxEntries int
	// MaxFileSize is the largest entry that can be opened, in declared
	// uncompressed bytes; 0 means comeet.DefaultMaxFileSize. A larger entry
	// is listed, and Stat reports its size, but Open fails with ErrTooLarge:
	// it is a problem for the rows that name it, not for the archive.
	MaxFileSize int64
	// MaxRatio is the largest declared-to-compressed size ratio of an entry
	// of 256 KiB or more; 0 means DefaultMaxRatio. Open fails with
	// ErrCompressionRatio past it.
	MaxRatio int
}

func (l ArchiveLimits) withDefaults() ArchiveLimits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = comeet.DefaultMaxFileSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

// Reasons an archive or one of its entries is refused; an *EntryError wraps
// one of them, so errors.Is tells them apart.
var (
	// ErrUnsafeName: a name that climbs out ("../x"), is absolute ("/x",
	// "C:x", `\\server\x`) or is not a valid path. The archive is refused.
	ErrUnsafeName = errors.New("its name leads outside the archive")
	// ErrLink: a symbolic link entry. The archive is refused.
	ErrLink = errors.New("a symbolic link, which is not accepted")
	// ErrIrregular: a device, pipe or socket entry. The archive is refused.
	ErrIrregular = errors.New("not a regular file or folder")
	// ErrDuplicate: two entries with the same name, or a name that is both
	// a file and a folder. The archive is refused.
	ErrDuplicate = errors.New("the archive holds this name twice")
	// ErrTooManyEntries: more entries than ArchiveLimits.MaxEntries. The
	// archive is refused.
	ErrTooManyEntries = errors.New("too many entries")
	// ErrEncrypted: a password-protected entry. Opening it fails.
	ErrEncrypted = errors.New("encrypted (password-protected)")
	// ErrTooLarge: an entry larger than ArchiveLimits.MaxFileSize. Opening
	// it fails.
	ErrTooLarge = errors.New("larger than the file size limit")
	// ErrCompressionRatio: an entry that claims to inflate more than
	// ArchiveLimits.MaxRatio times. Opening it fails.
	ErrCompressionRatio = errors.New("compressed suspiciously well (possible zip bomb)")
	// ErrSizeMismatch: an entry whose data inflates past its declared size
	// while it is read. Reading it fails.
	ErrSizeMismatch = errors.New("inflates past its declared size (possible zip bomb)")
)

// EntryError is a refused archive entry. Err is one of the Err* reasons
// above, possibly wrapped with figures.
type EntryError struct {
	Archive string // the archive's path as given to OpenArchive
	Entry   string // the entry's name as stored, quoted in the message
	Err     error
}

// Error names the archive, the entry as stored and the reason.
func (e *EntryError) Error() string {
	return fmt.Sprintf("%s: entry %q: %v", e.Archive, e.Entry, e.Err)
}

// Unwrap gives the reason, for errors.Is.
func (e *EntryError) Unwrap() error { return e.Err }

// Archive is a read-only fs.FS over a .zip file. Entries are inflated while
// they are read, never extracted to disk nor held whole in memory. Its
// methods are safe for concurrent use; each opened file is not.
type Archive struct {
	path   string
	limits ArchiveLimits
	closer io.Closer
	files  map[string]*zip.File // cleaned name -> entry
	dirs   map[string][]string  // folder ("." for the top) -> sorted child names
}

// OpenArchive opens the .zip file at path. Names are checked once, before
// anything is read: an unsafe name, a link, a device, a duplicate name or
// more than limits.MaxEntries entries refuse the whole archive with an
// *EntryError (or a wrapped ErrTooManyEntries) that names the culprit.
// Backslashes in names are taken as folder separators, as old Windows
// tools write them.
func OpenArchive(path string, limits ArchiveLimits) (*Archive, error) {
	limits = limits.withDefaults()
	// A FIFO would block open(2) until a writer comes, deaf to signals.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open archive %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	a, err := newArchive(f, path, limits)
	if err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

func newArchive(f *os.File, name string, limits ArchiveLimits) (*Archive, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open archive %s: not a regular file", name)
	}
	if n, ok := declaredEntries(f, st.Size()); ok && n > uint64(limits.MaxEntries) {
		return nil, tooMany(name, n, limits.MaxEntries)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("open archive %s: %w", name, err)
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, tooMany(name, uint64(len(zr.File)), limits.MaxEntries)
	}
	files, dirs, err := checkEntries(name, zr.File)
	if err != nil {
		return nil, err
	}
	return &Archive{path: name, limits: limits, closer: f, files: files, dirs: dirs}, nil
}

func tooMany(name string, n uint64, limit int) error {
	return fmt.Errorf("open archive %s: %w: it lists %d, the limit is %d", name, ErrTooManyEntries, n, limit)
}

// declaredEntries reads the entry count from the end-of-central-directory
// record, so that an archive listing millions of entries is refused before
// archive/zip reads them all into memory. It reports false for a zip64
// archive or one it cannot read; the count is then checked after reading.
func declaredEntries(r io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen, maxComment = 22, 0xffff
	tail := int64(eocdLen + maxComment)
	if tail > size {
		tail = size
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil {
		return 0, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) != 0x06054b50 {
			continue
		}
		n := binary.LittleEndian.Uint16(buf[i+10:])
		if n == 0xffff {
			return 0, false
		}
		return uint64(n), true
	}
	return 0, false
}

// checkEntries refuses what must never be listed, maps each file's
// cleaned name to its entry and lists each folder's children.
func checkEntries(archive string, entries []*zip.File) (map[string]*zip.File, map[string][]string, error) {
	files := make(map[string]*zip.File, len(entries))
	dirs := map[string][]string{".": nil}
	var addDir func(d string)
	addDir = func(d string) {
		if _, ok := dirs[d]; ok || d == "." {
			return
		}
		dirs[d] = nil
		parent := path.Dir(d)
		addDir(parent)
		dirs[parent] = append(dirs[parent], path.Base(d))
	}
	for _, e := range entries {
		name, isDir, err := entryName(e)
		if err != nil {
			return nil, nil, &EntryError{Archive: archive, Entry: e.Name, Err: err}
		}
		if files[name] != nil {
			return nil, nil, &EntryError{Archive: archive, Entry: e.Name, Err: ErrDuplicate}
		}
		if isDir {
			addDir(name)
			continue
		}
		if _, ok := dirs[name]; ok {
			return nil, nil, &EntryError{Archive: archive, Entry: e.Name, Err: ErrDuplicate}
		}
		files[name] = e
		addDir(path.Dir(name))
		dirs[path.Dir(name)] = append(dirs[path.Dir(name)], path.Base(name))
	}
	for d, children := range dirs {
		if f := files[d]; f != nil {
			return nil, nil, &EntryError{Archive: archive, Entry: f.Name, Err: ErrDuplicate}
		}
		sort.Strings(children)
	}
	return files, dirs, nil
}

// entryName checks one entry's name and type and returns its cleaned name.
func entryName(e *zip.File) (name string, isDir bool, err error) {
	mode := e.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return "", false, ErrLink
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return "", false, ErrIrregular
	}
	name, err = cleanEntryName(e.Name)
	if err != nil {
		return "", false, err
	}
	return name, mode.IsDir() || strings.HasSuffix(strings.ReplaceAll(e.Name, `\`, "/"), "/"), nil
}

// cleanEntryName turns a stored name into an fs.FS path, refusing any that
// could point outside the archive once extracted by a careless tool. A
// name that is not UTF-8 is read as code page 437, the zip format's own
// default, which Windows' "Send to compressed folder" writes: "R\x82sum\x82"
// is "Résumé". Its ASCII bytes stay as they are, so the checks below see the
// same separators and dots.
func cleanEntryName(stored string) (string, error) {
	if !utf8.ValidString(stored) {
		stored, _ = charmap.CodePage437.NewDecoder().String(stored) // every byte has a character
	}
	n := strings.ReplaceAll(stored, `\`, "/")
	if n == "" || strings.HasPrefix(n, "/") || hasDrive(n) || strings.ContainsRune(n, 0) {
		return "", ErrUnsafeName
	}
	for _, elem := range strings.Split(n, "/") {
		if elem == ".." {
			return "", ErrUnsafeName
		}
	}
	n = path.Clean(n)
	if n == "." || !fs.ValidPath(n) {
		return "", ErrUnsafeName
	}
	return n, nil
}

// hasDrive reports a Windows drive prefix such as "C:" anywhere a tool
// would take it as one: at the start of the name.
func hasDrive(n string) bool {
	return len(n) >= 2 && n[1] == ':' && (n[0]|0x20 >= 'a' && n[0]|0x20 <= 'z')
}

// Open opens a file or folder of the archive. Opening an encrypted entry, an
// entry larger than the file size limit or one that claims a suspicious
// compression ratio fails with an *EntryError; reading an entry stops with
// ErrSizeMismatch as soon as it inflates past its declared size.
func (a *Archive) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if e := a.files[name]; e != nil {
		return a.openEntry(name, e)
	}
	if children, ok := a.dirs[name]; ok {
		return &dirFile{a: a, name: name, children: children}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Stat describes a file or folder without opening it: a file's size is its
// declared uncompressed size, which is what the size limit is checked on.
func (a *Archive) Stat(name string) (fs.FileInfo, error) {
	if e := a.files[name]; e != nil {
		return entryInfo{e.FileInfo(), path.Base(name)}, nil
	}
	if _, ok := a.dirs[name]; ok && fs.ValidPath(name) {
		return dirInfo(path.Base(name)), nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// Close closes the archive file. Files opened from it must be closed first.
func (a *Archive) Close() error { return a.closer.Close() }

// Names lists the archive's files (not folders), sorted.
func (a *Archive) Names() []string {
	names := make([]string, 0, len(a.files))
	for n := range a.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (a *Archive) openEntry(name string, e *zip.File) (fs.File, error) {
	refuse := func(err error) (fs.File, error) {
		return nil, &EntryError{Archive: a.path, Entry: e.Name, Err: err}
	}
	size := e.UncompressedSize64
	switch {
	case e.Flags&0x1 != 0:
		return refuse(ErrEncrypted)
	case size > uint64(a.limits.MaxFileSize):
		return refuse(fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, size, a.limits.MaxFileSize))
	case size >= ratioFloor && size > e.CompressedSize64*uint64(a.limits.MaxRatio):
		return refuse(fmt.Errorf("%w: %d bytes from %d compressed, more than %d times", ErrCompressionRatio, size, e.CompressedSize64, a.limits.MaxRatio))
	}
	rc, err := e.Open()
	if err != nil {
		return refuse(err)
	}
	return &entryFile{entry: e, name: name, archive: a.path, rc: rc, left: int64(size)}, nil
}

// entryFile streams one entry, holding its inflater to the declared size
// even if the archive/zip underneath did not.
type entryFile struct {
	entry   *zip.File
	name    string
	archive string
	rc      io.ReadCloser
	left    int64 // declared bytes not yet read
}

func (f *entryFile) Stat() (fs.FileInfo, error) {
	return entryInfo{f.entry.FileInfo(), path.Base(f.name)}, nil
}

func (f *entryFile) Read(p []byte) (int, error) {
	if int64(len(p)) > f.left+1 {
		p = p[:f.left+1] // one byte more than declared shows a liar
	}
	n, err := f.rc.Read(p)
	f.left -= int64(n)
	if f.left < 0 {
		return n + int(f.left), &EntryError{Archive: f.archive, Entry: f.entry.Name, Err: ErrSizeMismatch}
	}
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip's own guard: it read past the declared size and
		// dropped the excess.
		err = &EntryError{Archive: f.archive, Entry: f.entry.Name, Err: ErrSizeMismatch}
	} else if err != nil && err != io.EOF {
		err = &EntryError{Archive: f.archive, Entry: f.entry.Name, Err: err}
	}
	return n, err
}

func (f *entryFile) Close() error { return f.rc.Close() }

// dirInfo describes a folder of an archive; zips often list folders only
// implicitly, so none carries a time.
type dirInfo string

func (d dirInfo) Name() string               { return string(d) }
func (d dirInfo) Size() int64                { return 0 }
func (d dirInfo) Mode() fs.FileMode          { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time         { return time.Time{} }
func (d dirInfo) IsDir() bool                { return true }
func (d dirInfo) Sys() any                   { return nil }
func (d dirInfo) Type() fs.FileMode          { return fs.ModeDir }
func (d dirInfo) Info() (fs.FileInfo, error) { return d, nil }

// entryInfo is an entry's own FileInfo under its cleaned name: archive/zip
// would show a name stored with backslashes whole.
type entryInfo struct {
	fs.FileInfo
	name string
}

func (e entryInfo) Name() string { return e.name }

// dirFile is an open folder of an archive.
type dirFile struct {
	a        *Archive
	name     string
	children []string
	next     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return dirInfo(path.Base(d.name)), nil }
func (d *dirFile) Close() error               { return nil }

func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}

// ReadDir lists the folder's children in name order, n at a time as
// fs.ReadDirFile says.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	left := d.children[d.next:]
	if n > 0 && len(left) == 0 {
		return nil, io.EOF
	}
	if n > 0 && n < len(left) {
		left = left[:n]
	}
	d.next += len(left)
	entries := make([]fs.DirEntry, 0, len(left))
	for _, c := range left {
		full := path.Join(d.name, c)
		if e := d.a.files[full]; e != nil {
			entries = append(entries, fs.FileInfoToDirEntry(entryInfo{e.FileInfo(), c}))
		} else {
			entries = append(entries, dirInfo(c))
		}
	}
	return entries, nil
}

// FilesDir is where file references are looked up: a folder or an archive.
type FilesDir interface {
	fs.FS
	io.Closer
}

// OpenFilesDir opens a folder, through an os.Root so that no name and no
// symbolic link reads outside it, or a .zip file (by its extension, any
// case) as an Archive.
func OpenFilesDir(path string, limits ArchiveLimits) (FilesDir, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open files: %w", err)
	}
	switch {
	case st.IsDir():
		root, err := os.OpenRoot(path)
		if err != nil {
			return nil, fmt.Errorf("open files: %w", err)
		}
		return rootDir{FS: root.FS(), root: root}, nil
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("open files: %s is not a regular file nor a folder (a FIFO, socket or device): give a folder or a .zip file", path)
	case strings.EqualFold(filepath.Ext(path), ".zip"):
		return OpenArchive(path, limits)
	}
	return nil, fmt.Errorf("open files: %s is neither a folder nor a .zip file", path)
}

// rootDir is a folder opened through an os.Root.
type rootDir struct {
	fs.FS
	root *os.Root
}

func (d rootDir) Close() error { return d.root.Close() }
