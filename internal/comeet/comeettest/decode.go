package comeettest

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Decoder limits: a JSON string other than a file's content, and nesting.
const (
	maxStringLen = 1 << 20
	maxDepth     = 32
)

// syntaxError is a body that is not the JSON Comeet takes.
type syntaxError struct {
	offset int64
	msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON body at byte %d: %s", e.offset, e.msg)
}

// decoder reads a POST /candidates body as a stream. File contents are
// base64-decoded as they arrive and only their size and SHA-256 are kept,
// so a body with several 6 MB files costs a few kilobytes.
type decoder struct {
	r   *bufio.Reader
	off int64
}

func newDecoder(r io.Reader) *decoder {
	return &decoder{r: bufio.NewReaderSize(r, 16<<10)}
}

func (d *decoder) fail(format string, args ...any) error {
	return &syntaxError{offset: d.off, msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) readByte() (byte, error) {
	c, err := d.r.ReadByte()
	if err == io.EOF {
		return 0, d.fail("unexpected end of body")
	}
	if err != nil {
		return 0, err
	}
	d.off++
	return c, nil
}

// peek returns the next byte that is not white space, without consuming it.
func (d *decoder) peek() (byte, error) {
	for {
		b, err := d.r.Peek(1)
		if err == io.EOF {
			return 0, d.fail("unexpected end of body")
		}
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			d.r.Discard(1)
			d.off++
			continue
		}
		return b[0], nil
	}
}

func (d *decoder) expect(c byte) error {
	got, err := d.peek()
	if err != nil {
		return err
	}
	if got != c {
		return d.fail("got %q, want %q", got, c)
	}
	_, err = d.readByte()
	return err
}

// atEnd checks that nothing but white space follows the value.
func (d *decoder) atEnd() error {
	_, err := d.peek()
	if err == nil {
		return d.fail("data after the JSON object")
	}
	var se *syntaxError
	if errors.As(err, &se) {
		return nil
	}
	return err
}

// object reads {"key": value, ...}, calling field for each key with the
// decoder positioned at the value.
func (d *decoder) object(field func(key string) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if c, err := d.peek(); err != nil {
		return err
	} else if c == '}' {
		_, err = d.readByte()
		return err
	}
	for {
		key, err := d.str()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		c, err := d.readNonSpace()
		if err != nil {
			return err
		}
		if c == '}' {
			return nil
		}
		if c != ',' {
			return d.fail("got %q after a value, want ',' or '}'", c)
		}
	}
}

// array reads [value, ...], calling elem with the decoder at each value.
func (d *decoder) array(elem func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if c, err := d.peek(); err != nil {
		return err
	} else if c == ']' {
		_, err = d.readByte()
		return err
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		c, err := d.readNonSpace()
		if err != nil {
			return err
		}
		if c == ']' {
			return nil
		}
		if c != ',' {
			return d.fail("got %q in an array, want ',' or ']'", c)
		}
	}
}

func (d *decoder) readNonSpace() (byte, error) {
	if _, err := d.peek(); err != nil {
		return 0, err
	}
	return d.readByte()
}

// null consumes a null and reports whether there was one.
func (d *decoder) null() (bool, error) {
	c, err := d.peek()
	if err != nil || c != 'n' {
		return false, err
	}
	return true, d.literal("null")
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		c, err := d.readByte()
		if err != nil {
			return err
		}
		if c != word[i] {
			return d.fail("invalid literal, want %s", word)
		}
	}
	return nil
}

// str reads a JSON string (null reads as "").
func (d *decoder) str() (string, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return "", err
	}
	if err := d.expect('"'); err != nil {
		return "", err
	}
	var b strings.Builder
	sr := &stringReader{d: d}
	buf := make([]byte, 512)
	for {
		n, err := sr.Read(buf)
		b.Write(buf[:n])
		if b.Len() > maxStringLen {
			return "", d.fail("string longer than %d bytes", maxStringLen)
		}
		if err == io.EOF {
			return validUTF8(b.String()), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += size
	}
	return b.String()
}

// scalar reads a string, a number or a boolean as text (for custom fields).
func (d *decoder) scalar() (string, error) {
	c, err := d.peek()
	if err != nil {
		return "", err
	}
	switch {
	case c == '"' || c == 'n':
		return d.str()
	case c == 't':
		return "true", d.literal("true")
	case c == 'f':
		return "false", d.literal("false")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return "", d.fail("got %q, want a string, number or boolean", c)
}

func (d *decoder) number() (string, error) {
	var b strings.Builder
	for {
		p, err := d.r.Peek(1)
		if err != nil || !strings.ContainsRune("+-.0123456789eE", rune(p[0])) {
			break
		}
		c, _ := d.readByte()
		b.WriteByte(c)
		if b.Len() > 64 {
			return "", d.fail("number too long")
		}
	}
	if !jsonNumber.MatchString(b.String()) {
		return "", d.fail("invalid number %q", b.String())
	}
	return b.String(), nil
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// skip reads any value and forgets it.
func (d *decoder) skip(depth int) error {
	if depth > maxDepth {
		return d.fail("nested deeper than %d", maxDepth)
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		return d.object(func(string) error { return d.skip(depth + 1) })
	case '[':
		return d.array(func() error { return d.skip(depth + 1) })
	case '"':
		if err := d.expect('"'); err != nil {
			return err
		}
		_, err := io.Copy(io.Discard, &stringReader{d: d})
		return err
	}
	_, err = d.scalar()
	return err
}

// fileContent streams a base64 string into a SHA-256 and a byte count.
func (d *decoder) fileContent() (size int64, sum string, err error) {
	if err := d.expect('"'); err != nil {
		return 0, "", err
	}
	h := sha256.New()
	dec := base64.NewDecoder(base64.StdEncoding, &stringReader{d: d})
	n, err := io.Copy(h, dec)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return 0, "", err
		}
		return 0, "", d.fail("file content is not valid base64: %v", err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// stringReader yields the unescaped bytes of a JSON string whose opening
// quote has been read, and io.EOF after its closing quote.
type stringReader struct {
	d       *decoder
	pending []byte // the rest of an escape that did not fit
	done    bool
	esc     [8]byte
}

func (s *stringReader) Read(p []byte) (int, error) {
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	for n < len(p) && !s.done {
		run, err := s.plainRun(p[n:])
		n += run
		if err != nil {
			return n, err
		}
		if run > 0 {
			continue
		}
		c, err := s.d.readByte()
		if err != nil {
			return n, err
		}
		switch {
		case c == '"':
			s.done = true
		case c == '\\':
			out, err := s.escape()
			if err != nil {
				return n, err
			}
			k := copy(p[n:], out)
			n += k
			s.pending = out[k:]
		default:
			return n, s.d.fail("control character %#x in a string", c)
		}
	}
	if n == 0 && s.done {
		return 0, io.EOF
	}
	return n, nil
}

// plainRun copies buffered bytes up to the next quote, backslash or
// control character.
func (s *stringReader) plainRun(p []byte) (int, error) {
	if s.d.r.Buffered() == 0 {
		if _, err := s.d.r.Peek(1); err == io.EOF {
			return 0, s.d.fail("unexpected end of body in a string")
		} else if err != nil {
			return 0, err
		}
	}
	buf, _ := s.d.r.Peek(min(s.d.r.Buffered(), len(p)))
	i := 0
	for i < len(buf) && buf[i] != '"' && buf[i] != '\\' && buf[i] >= 0x20 {
		i++
	}
	copy(p, buf[:i])
	s.d.r.Discard(i)
	s.d.off += int64(i)
	return i, nil
}

// escape decodes what follows a backslash.
func (s *stringReader) escape() ([]byte, error) {
	c, err := s.d.readByte()
	if err != nil {
		return nil, err
	}
	if r, ok := simpleEscapes[c]; ok {
		s.esc[0] = r
		return s.esc[:1], nil
	}
	if c != 'u' {
		return nil, s.d.fail("invalid escape \\%c", c)
	}
	r, err := s.hex4()
	if err != nil {
		return nil, err
	}
	if !utf16.IsSurrogate(r) {
		return utf8.AppendRune(s.esc[:0], r), nil
	}
	return s.surrogatePair(r)
}

var simpleEscapes = map[byte]byte{
	'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
}

// surrogatePair decodes a \uXXXX pair; like encoding/json it turns a lone
// or broken half into U+FFFD and keeps a second escape that is no low half.
func (s *stringReader) surrogatePair(high rune) ([]byte, error) {
	out := s.esc[:0]
	if p, _ := s.d.r.Peek(2); len(p) < 2 || p[0] != '\\' || p[1] != 'u' {
		return utf8.AppendRune(out, utf8.RuneError), nil
	}
	s.d.r.Discard(2)
	s.d.off += 2
	low, err := s.hex4()
	if err != nil {
		return nil, err
	}
	if r := utf16.DecodeRune(high, low); r != utf8.RuneError {
		return utf8.AppendRune(out, r), nil
	}
	out = utf8.AppendRune(out, utf8.RuneError)
	if utf16.IsSurrogate(low) {
		low = utf8.RuneError
	}
	return utf8.AppendRune(out, low), nil
}

func (s *stringReader) hex4() (rune, error) {
	var v rune
	for range 4 {
		c, err := s.d.readByte()
		if err != nil {
			return 0, err
		}
		x, err := strconv.ParseUint(string(c), 16, 8)
		if err != nil {
			return 0, s.d.fail("invalid \\u escape")
		}
		v = v<<4 | rune(x)
	}
	return v, nil
}

// candidate reads a whole POST /candidates body.
func (d *decoder) candidate() (*comeet.Candidate, error) {
	var c comeet.Candidate
	err := d.object(func(key string) error { return d.candidateField(&c, key) })
	if err != nil {
		return nil, err
	}
	return &c, d.atEnd()
}

func (d *decoder) candidateField(c *comeet.Candidate, key string) error {
	if p := candidateStrings(c)[key]; p != nil {
		v, err := d.str()
		*p = v
		return err
	}
	var err error
	switch key {
	case "resume":
		c.Resume, err = d.file()
	case "picture":
		c.Picture, err = d.file()
	case "files":
		c.Files, err = d.files()
	case "links":
		c.Links, err = d.links()
	case "source_contact":
		c.SourceContact, err = d.sourceContact()
	case "address":
		c.Address, err = d.address()
	case "custom_fields":
		c.CustomFields, err = d.customFields()
	default:
		err = d.skip(1)
	}
	return err
}

func candidateStrings(c *comeet.Candidate) map[string]*string {
	return map[string]*string{
		"position_uid": &c.PositionUID, "partner_candidate_id": &c.PartnerCandidateID,
		"first_name": &c.FirstName, "middle_name": &c.MiddleName, "last_name": &c.LastName,
		"email": &c.Email, "phone": &c.Phone, "mobile_phone": &c.MobilePhone,
		"national_id": &c.NationalID, "linkedin_url": &c.LinkedInURL,
		"salary_expectations": &c.SalaryExpectations, "prospect_status": &c.ProspectStatus,
		"note": &c.Note,
	}
}

// file reads {"name": ..., "file": <base64>} into Name, Size and SHA256.
func (d *decoder) file() (*comeet.File, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	f := &comeet.File{}
	err := d.object(func(key string) error {
		var err error
		switch key {
		case "name":
			f.Name, err = d.str()
		case "file":
			f.Size, f.SHA256, err = d.fileContent()
		default:
			err = d.skip(2)
		}
		return err
	})
	return f, err
}

func (d *decoder) files() ([]*comeet.File, error) {
	var files []*comeet.File
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	err := d.array(func() error {
		f, err := d.file()
		files = append(files, f)
		return err
	})
	return files, err
}

func (d *decoder) links() ([]comeet.Link, error) {
	var links []comeet.Link
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	err := d.array(func() error {
		var l comeet.Link
		err := d.object(func(key string) error { return d.stringField(key, map[string]*string{"url": &l.URL}) })
		links = append(links, l)
		return err
	})
	return links, err
}

// stringField reads the value into fields[key], or skips it.
func (d *decoder) stringField(key string, fields map[string]*string) error {
	p := fields[key]
	if p == nil {
		return d.skip(2)
	}
	v, err := d.str()
	*p = v
	return err
}

func (d *decoder) sourceContact() (*comeet.SourceContact, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	sc := &comeet.SourceContact{}
	fields := map[string]*string{"full_name": &sc.FullName, "email": &sc.Email, "phone": &sc.Phone}
	return sc, d.object(func(key string) error { return d.stringField(key, fields) })
}

func (d *decoder) address() (*comeet.Address, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	a := &comeet.Address{}
	fields := map[string]*string{"country": &a.Country, "city": &a.City, "state": &a.State,
		"zip": &a.Zip, "street": &a.Street}
	return a, d.object(func(key string) error { return d.stringField(key, fields) })
}

func (d *decoder) customFields() (map[string]string, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	m := map[string]string{}
	err := d.object(func(key string) error {
		v, err := d.scalar()
		m[key] = v
		return err
	})
	return m, err
}
