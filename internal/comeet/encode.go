package comeet

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"sync"
	"unicode/utf8"
)

// File reading buffers: a multiple of 3 bytes in, so only the last chunk of
// a file carries base64 padding.
const (
	fileChunk   = 3 * 1024
	base64Chunk = 4 * 1024
)

// FileChangedError reports a file that changed since it was attached: its
// bytes no longer match the Size it had (the body would not match its
// Content-Length), or the SHA-256 taken then, or it is gone or no longer a
// regular file (Reason). The body fails before its last byte, so Comeet
// never receives a complete request for it.
type FileChangedError struct {
	Name string
	Size int64 // the size when attached
	Read int64 // bytes found; Size+1 means "more than Size"
	// Reason, when set, says what changed instead of the sizes.
	Reason string
}

func (e *FileChangedError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("file %q changed since it was attached: %s", e.Name, e.Reason)
	}
	if e.Read > e.Size {
		return fmt.Sprintf("file %q changed since it was attached: larger than its %d bytes", e.Name, e.Size)
	}
	return fmt.Sprintf("file %q changed since it was attached: %d bytes, want %d", e.Name, e.Read, e.Size)
}

// ErrNotAttached is returned for a File whose Open is nil.
var ErrNotAttached = errors.New("file not attached")

// WriteJSON writes the candidate as the POST /candidates body. File contents
// are read through File.Open and written as base64 as they are read, so no
// file and no whole body is ever in memory. The bytes equal what json.Marshal
// gives for the candidate, except that nested objects with nothing in them
// (an empty Address or SourceContact) are left out.
func (c *Candidate) WriteJSON(w io.Writer) error {
	b, err := c.body()
	if err != nil {
		return fmt.Errorf("write candidate json: %w", err)
	}
	r := b.reader()
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("write candidate json: %w", err)
	}
	return nil
}

// ContentLength returns the exact number of bytes WriteJSON writes, computed
// from each File's Size without opening any file. It fails for a file that
// is not attached (Open is nil) or has a negative size.
func (c *Candidate) ContentLength() (int64, error) {
	b, err := c.body()
	if err != nil {
		return 0, fmt.Errorf("candidate content length: %w", err)
	}
	return b.length, nil
}

// MarshalJSON encodes the file as {"name": ..., "file": <base64>}, reading the
// bytes through Open. It holds the whole encoding in memory: it exists so
// json.Marshal works on a Candidate; the client streams instead.
func (f *File) MarshalJSON() ([]byte, error) {
	var e encoder
	e.file(f)
	b, err := e.finish()
	if err != nil {
		return nil, fmt.Errorf("marshal file: %w", err)
	}
	r := b.reader()
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("marshal file: %w", err)
	}
	return out, nil
}

// Base64Len is the length of the standard, padded base64 of size bytes.
func Base64Len(size int64) int64 {
	return (size + 2) / 3 * 4
}

// body is a candidate's JSON split at its files: the text around the files
// is kept (it is small), the files are referenced and read only when a
// reader reaches them.
type body struct {
	text   []byte
	parts  []part
	length int64
}

// part is a stretch of text followed by a file (nil for the last stretch).
type part struct {
	start, end int
	file       *File
}

func (c *Candidate) body() (*body, error) {
	if c == nil {
		return nil, errors.New("nil candidate")
	}
	var e encoder
	e.candidate(c)
	return e.finish()
}

// encoder builds a body. The first error sticks.
type encoder struct {
	text      []byte
	parts     []part
	start     int
	fileBytes int64
	err       error
	// open is set right after an object's '{': the next key takes no comma.
	open bool
}

func (e *encoder) finish() (*body, error) {
	if e.err != nil {
		return nil, e.err
	}
	e.parts = append(e.parts, part{start: e.start, end: len(e.text)})
	return &body{text: e.text, parts: e.parts, length: int64(len(e.text)) + e.fileBytes}, nil
}

func (e *encoder) raw(s string) { e.text = append(e.text, s...) }
func (e *encoder) str(s string) { e.text = appendString(e.text, s) }

// key writes `,"key":` (key must need no escaping), without the comma
// for an object's first member.
func (e *encoder) key(k string) {
	if e.open {
		e.raw(`"`)
		e.open = false
	} else {
		e.raw(`,"`)
	}
	e.raw(k)
	e.raw(`":`)
}

// field writes `,"key":"value"`.
func (e *encoder) field(key, value string) {
	e.key(key)
	e.str(value)
}

// optField writes the field only when value is not empty (omitempty).
func (e *encoder) optField(key, value string) {
	if value != "" {
		e.field(key, value)
	}
}

func (e *encoder) candidate(c *Candidate) {
	e.text = make([]byte, 0, 512)
	e.raw(`{"position_uid":`)
	e.str(c.PositionUID)
	e.field("partner_candidate_id", c.PartnerCandidateID)
	e.field("first_name", c.FirstName)
	e.optField("middle_name", c.MiddleName)
	e.field("last_name", c.LastName)
	e.optField("email", c.Email)
	e.optField("phone", c.Phone)
	e.optField("mobile_phone", c.MobilePhone)
	e.optField("national_id", c.NationalID)
	e.optField("linkedin_url", c.LinkedInURL)
	e.optField("salary_expectations", c.SalaryExpectations)
	e.optField("prospect_status", c.ProspectStatus)
	e.optFile("resume", c.Resume)
	e.optFile("picture", c.Picture)
	e.links(c.Links)
	e.files(c.Files)
	e.sourceContact(c.SourceContact)
	e.address(c.Address)
	e.customFields(c.CustomFields)
	e.optField("note", c.Note)
	e.raw("}")
}

func (e *encoder) optFile(key string, f *File) {
	if f == nil {
		return
	}
	e.key(key)
	e.file(f)
}

func (e *encoder) links(links []Link) {
	if len(links) == 0 {
		return
	}
	e.key("links")
	e.raw("[")
	for i, l := range links {
		if i > 0 {
			e.raw(",")
		}
		e.raw(`{"url":`)
		e.str(l.URL)
		e.raw("}")
	}
	e.raw("]")
}

func (e *encoder) files(files []*File) {
	if len(files) == 0 {
		return
	}
	e.key("files")
	e.raw("[")
	for i, f := range files {
		if i > 0 {
			e.raw(",")
		}
		if f == nil {
			e.raw("null")
			continue
		}
		e.file(f)
	}
	e.raw("]")
}

// object writes `,"key":{...}` with the non-empty pairs of kv (key, value,
// key, value...), or nothing when all values are empty.
func (e *encoder) object(key string, kv ...string) {
	first := true
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if first {
			e.key(key)
			e.raw("{")
			e.open, first = true, false
		}
		e.field(kv[i], kv[i+1])
	}
	if !first {
		e.raw("}")
	}
}

func (e *encoder) sourceContact(sc *SourceContact) {
	if sc != nil {
		e.object("source_contact", "full_name", sc.FullName, "email", sc.Email, "phone", sc.Phone)
	}
}

func (e *encoder) address(a *Address) {
	if a != nil {
		e.object("address", "country", a.Country, "city", a.City, "state", a.State,
			"zip", a.Zip, "street", a.Street)
	}
}

// customFields writes the map with its keys sorted, as encoding/json does.
func (e *encoder) customFields(m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.key("custom_fields")
	e.raw("{")
	for i, k := range keys {
		if i > 0 {
			e.raw(",")
		}
		e.str(k)
		e.raw(":")
		e.str(m[k])
	}
	e.raw("}")
}

// file writes {"name":...,"file":"<base64>"}, the base64 as a reference.
func (e *encoder) file(f *File) {
	e.raw(`{"name":`)
	e.str(f.Name)
	e.raw(`,"file":"`)
	switch {
	case e.err != nil:
	case f.Open == nil:
		e.err = fmt.Errorf("file %q: %w", f.Name, ErrNotAttached)
	case f.Size < 0:
		e.err = fmt.Errorf("file %q: negative size %d", f.Name, f.Size)
	default:
		e.parts = append(e.parts, part{start: e.start, end: len(e.text), file: f})
		e.start = len(e.text)
		e.fileBytes += Base64Len(f.Size)
	}
	e.raw(`"}`)
}

// reader returns a fresh reader of the whole body; each attempt gets one.
func (b *body) reader() *bodyReader {
	return &bodyReader{b: b}
}

// bodyReader streams a body: each part's text, then its file as base64.
// A file is opened when the reader reaches it and closed when it is done.
// The first error is kept for the client, which sees the transport's
// version of it otherwise.
type bodyReader struct {
	b *body

	// readMu serialises Read and Close: the transport may close a body
	// from another goroutine while it is being read.
	readMu sync.Mutex
	i      int    // current part
	text   []byte // text of the current part not yet read
	inFile bool   // the current part's text is done; its file is next
	file   *fileReader
	closed bool

	mu       sync.Mutex
	firstErr error
}

var errBodyClosed = errors.New("request body closed")

func (r *bodyReader) Read(p []byte) (int, error) {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	if r.closed {
		return 0, errBodyClosed
	}
	for {
		if len(r.text) > 0 {
			n := copy(p, r.text)
			r.text = r.text[n:]
			return n, nil
		}
		if r.file != nil {
			return r.readFile(p)
		}
		if r.i >= len(r.b.parts) {
			return 0, io.EOF
		}
		pt := r.b.parts[r.i]
		if !r.inFile {
			r.text, r.inFile = r.b.text[pt.start:pt.end], true
			continue
		}
		r.i, r.inFile = r.i+1, false
		if pt.file != nil {
			if err := r.openFile(pt.file); err != nil {
				return 0, err
			}
		}
	}
}

func (r *bodyReader) openFile(f *File) error {
	rc, err := f.Open()
	if err != nil {
		return r.fail(fmt.Errorf("open file %q: %w", f.Name, err))
	}
	r.file = newFileReader(f, rc)
	return nil
}

func (r *bodyReader) readFile(p []byte) (int, error) {
	n, err := r.file.Read(p)
	if err == io.EOF {
		r.file.Close()
		r.file = nil
		err = nil
	}
	if err != nil {
		return n, r.fail(err)
	}
	return n, nil
}

func (r *bodyReader) fail(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.firstErr == nil {
		r.firstErr = err
	}
	return err
}

// Err returns the first error the reader met, nil when none.
func (r *bodyReader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstErr
}

// Close closes the file being read, if any.
func (r *bodyReader) Close() error {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	r.closed = true
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
	return nil
}

// fileReader reads exactly f.Size bytes from rc and yields their base64.
// When f.SHA256 is set it hashes what it reads, and a file whose bytes no
// longer have that digest fails before its last chunk is encoded: the
// digest recorded is always the digest of what Comeet received.
type fileReader struct {
	f         *File
	rc        io.ReadCloser
	remaining int64
	bufs      *fileBuffers
	pending   []byte
	hash      hash.Hash // nil when f.SHA256 is not set
}

type fileBuffers struct {
	in  [fileChunk]byte
	out [base64Chunk]byte
}

var fileBufferPool = sync.Pool{New: func() any { return new(fileBuffers) }}

func newFileReader(f *File, rc io.ReadCloser) *fileReader {
	fr := &fileReader{f: f, rc: rc, remaining: f.Size, bufs: fileBufferPool.Get().(*fileBuffers)}
	if f.SHA256 != "" {
		fr.hash = sha256.New()
	}
	return fr
}

func (fr *fileReader) Read(p []byte) (int, error) {
	for len(fr.pending) == 0 {
		if fr.remaining == 0 {
			return 0, fr.checkEnd()
		}
		if err := fr.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, fr.pending)
	fr.pending = fr.pending[n:]
	return n, nil
}

// fill reads the next chunk of the file and encodes it.
func (fr *fileReader) fill() error {
	in := fr.bufs.in[:min(int64(fileChunk), fr.remaining)]
	n, err := io.ReadFull(fr.rc, in)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		read := fr.f.Size - fr.remaining + int64(n)
		return &FileChangedError{Name: fr.f.Name, Size: fr.f.Size, Read: read}
	case err != nil:
		return fmt.Errorf("read file %q: %w", fr.f.Name, err)
	}
	fr.remaining -= int64(n)
	if fr.hash != nil {
		fr.hash.Write(in[:n])
		if fr.remaining == 0 && hex.EncodeToString(fr.hash.Sum(nil)) != fr.f.SHA256 {
			return &FileChangedError{Name: fr.f.Name, Size: fr.f.Size, Read: fr.f.Size,
				Reason: "its bytes differ from those checked (another SHA-256)"}
		}
	}
	out := fr.bufs.out[:base64.StdEncoding.EncodedLen(n)]
	base64.StdEncoding.Encode(out, in)
	fr.pending = out
	return nil
}

// checkEnd makes sure the file has no byte past Size.
func (fr *fileReader) checkEnd() error {
	var one [1]byte
	n, err := io.ReadFull(fr.rc, one[:])
	if n > 0 {
		return &FileChangedError{Name: fr.f.Name, Size: fr.f.Size, Read: fr.f.Size + 1}
	}
	if err != nil && err != io.EOF {
		return fmt.Errorf("read file %q: %w", fr.f.Name, err)
	}
	return io.EOF
}

func (fr *fileReader) Close() error {
	if fr.bufs != nil {
		fileBufferPool.Put(fr.bufs)
		fr.bufs, fr.pending = nil, nil
	}
	return fr.rc.Close()
}

// appendString appends s as a JSON string exactly as encoding/json writes it
// with HTML escaping on: <, > and & as \u003c..., U+2028 and U+2029 escaped,
// invalid UTF-8 replaced by \ufffd.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
