package attach

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxCandidates is how many candidates an AmbiguousError lists; it counts
// the rest.
const MaxCandidates = 5

// IndexOptions says what NewIndex takes in. The zero value means the
// defaults.
type IndexOptions struct {
	// IncludeHidden indexes hidden files and folders too: a name starting
	// with ".", macOS's "__MACOSX" folder and Windows' Thumbs.db and
	// desktop.ini. They are left out by default because no one names them
	// in a spreadsheet and they would crowd the unused files.
	IncludeHidden bool
	// MaxEntries bounds the walk (files and folders visited); 0 means
	// DefaultMaxEntries. Past it NewIndex stops and fails with
	// ErrTooManyEntries, so that a --files-dir pointed at a home folder
	// ends at once with a clear message instead of walking a disk.
	MaxEntries int
}

// Index finds files the way people name them in a spreadsheet. It is built
// by one walk of an fs.FS; after that a lookup is a few map reads. It only
// ever answers with the paths it walked, so no reference, however it is
// spelt, reaches a file outside the fs.FS. An Index is read-only after
// NewIndex and safe for concurrent use.
type Index struct {
	fsys   fs.FS
	paths  []string         // every indexed file, sorted
	exact  map[string]int   // path -> position in paths
	folded map[string][]int // folded path -> positions
	base   map[string][]int // folded last element -> positions
	stem   map[string][]int // folded last element without extension -> positions
}

// NewIndex walks fsys once and indexes its regular files. Folders are
// searched at any depth. Devices, pipes and sockets are never indexed; a
// symbolic link is indexed when fsys can stat it as a regular file (an
// os.Root's fs.FS refuses links that leave the root; do not give an
// os.DirFS, which follows them), and links to folders are not followed.
// A subfolder that cannot be read is skipped; a root that cannot be read is
// an error.
func NewIndex(fsys fs.FS, opts IndexOptions) (*Index, error) {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	ix := &Index{fsys: fsys, exact: map[string]int{}, folded: map[string][]int{},
		base: map[string][]int{}, stem: map[string][]int{}}
	seen := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil // an unreadable subfolder: its files cannot be named anyway
		}
		if seen++; seen > opts.MaxEntries {
			return fmt.Errorf("%w: more than %d files and folders; point at the folder that holds the files", ErrTooManyEntries, opts.MaxEntries)
		}
		if p != "." && !opts.IncludeHidden && hidden(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ix.regular(p, d) {
			ix.paths = append(ix.paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index files: %w", err)
	}
	ix.fill()
	return ix, nil
}

// regular says whether a walked entry is a file to index.
func (ix *Index) regular(p string, d fs.DirEntry) bool {
	switch t := d.Type(); {
	case t.IsRegular():
		return true
	case t&fs.ModeSymlink != 0:
		st, err := fs.Stat(ix.fsys, p)
		return err == nil && st.Mode().IsRegular()
	}
	return false
}

func (ix *Index) fill() {
	sort.Strings(ix.paths)
	for i, p := range ix.paths {
		ix.exact[p] = i
		fp := fold(p)
		ix.folded[fp] = append(ix.folded[fp], i)
		fb := path.Base(fp)
		ix.base[fb] = append(ix.base[fb], i)
		if st := strings.TrimSuffix(fb, path.Ext(fb)); st != "" && st != fb {
			ix.stem[st] = append(ix.stem[st], i)
		}
	}
}

// hidden names the entries people never mean: dot files, macOS's resource
// fork folder in zips, Windows' thumbnail caches.
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || name == "__MACOSX" ||
		strings.EqualFold(name, "Thumbs.db") || strings.EqualFold(name, "desktop.ini")
}

// fold is the key two spellings of a name share when a person would call
// them the same: Unicode normalisation (macOS stores "é" as "e" and a
// combining accent) and case are ignored. Each rune becomes the smallest of
// its case-folding orbit, so fold agrees with strings.EqualFold and needs
// no state, unlike a cases.Caser. For ASCII that smallest rune is the
// upper case letter, which spares most names the general path.
func fold(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s)
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// Len is the number of indexed files.
func (ix *Index) Len() int { return len(ix.paths) }

// Files lists the indexed files, sorted. The slice is the caller's.
func (ix *Index) Files() []string { return append([]string(nil), ix.paths...) }

// NotFoundError is a reference that matches no indexed file.
type NotFoundError struct {
	Ref string // the reference as the cell gave it
}

// Error quotes the reference.
func (e *NotFoundError) Error() string {
	if strings.TrimSpace(e.Ref) == "" {
		return "empty file name"
	}
	return fmt.Sprintf("%q matches no file", e.Ref)
}

// AmbiguousError is a reference that matches several files equally well.
type AmbiguousError struct {
	Ref        string   // the reference as the cell gave it
	Candidates []string // the first MaxCandidates matches, sorted
	Count      int      // how many files match
}

// Error quotes the reference and lists the candidates.
func (e *AmbiguousError) Error() string {
	list := strings.Join(e.Candidates, ", ")
	if more := e.Count - len(e.Candidates); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%q matches %d files: %s; name one with its folder", e.Ref, e.Count, list)
}

// Resolve finds the file a cell names and returns its path in the fs.FS.
// It tries, and the first that matches wins:
//  1. the relative path as written (`\` or `/` between folders);
//  2. the same path ignoring case and Unicode normalisation;
//  3. the last element of the path (`C:\Exports\CVs\a.doc` -> a.doc), in
//     any folder;
//  4. the last element as a name without extension (cand0018_cv ->
//     cand0018_cv.doc) in any folder.
//
// When 3 or 4 finds several files, those whose folders match more of the
// reference's trailing folders are kept; if several are still left the
// answer is an *AmbiguousError. No match is a *NotFoundError.
func (ix *Index) Resolve(ref string) (string, error) {
	elems := refElements(ref)
	if len(elems) == 0 {
		return "", &NotFoundError{Ref: ref}
	}
	rel := strings.Join(elems, "/")
	if i, ok := ix.exact[rel]; ok {
		return ix.paths[i], nil
	}
	last := fold(elems[len(elems)-1])
	for _, hits := range [][]int{ix.folded[fold(rel)], ix.base[last], ix.stem[last]} {
		if len(hits) == 0 {
			continue
		}
		hits = ix.closest(hits, elems[:len(elems)-1])
		if len(hits) == 1 {
			return ix.paths[hits[0]], nil
		}
		return "", ix.ambiguous(ref, hits)
	}
	return "", &NotFoundError{Ref: ref}
}

// refElements splits a reference into its path elements, whichever
// separator and whatever prefix it was written with: quotes from Windows'
// "Copy as path", a drive letter, leading slashes, "." and ".." (they only
// matter as hints, since only indexed paths are ever answered).
func refElements(ref string) []string {
	r := strings.TrimSpace(ref)
	if len(r) >= 2 && r[0] == '"' && r[len(r)-1] == '"' {
		r = strings.TrimSpace(r[1 : len(r)-1])
	}
	r = strings.ReplaceAll(r, `\`, "/")
	if hasDrive(r) {
		r = r[2:]
	}
	var elems []string
	for _, e := range strings.Split(r, "/") {
		if e = strings.TrimSpace(e); e != "" && e != "." && e != ".." {
			elems = append(elems, e)
		}
	}
	return elems
}

// closest keeps the hits whose folders share the most trailing elements
// with the reference's folders.
func (ix *Index) closest(hits []int, dirs []string) []int {
	if len(hits) < 2 || len(dirs) == 0 {
		return hits
	}
	best, kept := -1, []int(nil)
	for _, i := range hits {
		n := sharedTail(strings.Split(path.Dir(ix.paths[i]), "/"), dirs)
		switch {
		case n > best:
			best, kept = n, []int{i}
		case n == best:
			kept = append(kept, i)
		}
	}
	return kept
}

func sharedTail(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && fold(a[len(a)-1-n]) == fold(b[len(b)-1-n]) {
		n++
	}
	return n
}

func (ix *Index) ambiguous(ref string, hits []int) *AmbiguousError {
	e := &AmbiguousError{Ref: ref, Count: len(hits)}
	for _, i := range hits[:min(len(hits), MaxCandidates)] {
		e.Candidates = append(e.Candidates, ix.paths[i])
	}
	return e
}

// Stat describes an indexed file; in an Archive its size is the declared
// one. A path Resolve did not give is fs.ErrNotExist.
func (ix *Index) Stat(p string) (fs.FileInfo, error) {
	if _, ok := ix.exact[p]; !ok {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return fs.Stat(ix.fsys, p)
}

// Open opens an indexed file for reading. A path Resolve did not give is
// fs.ErrNotExist; a file that has become something other than a regular
// file since the walk is refused before it is opened (opening a pipe would
// block) and checked again after.
func (ix *Index) Open(p string) (fs.File, error) {
	st, err := ix.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: p, Err: errNotRegular}
	}
	f, err := ix.fsys.Open(p)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: p, Err: errNotRegular}
	}
	return f, nil
}

var errNotRegular = errors.New("not a regular file")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
