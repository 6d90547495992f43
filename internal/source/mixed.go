package source

import (
	"bufio"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// pageLines decodes code page text line by line, and passes on as they are
// the lines that are valid UTF-8: an old export appended to by a newer
// tool holds both, and reading the UTF-8 part in the code page would send
// letter salad. Text in a code page with letters outside ASCII is almost
// never valid UTF-8 (a Hebrew or Cyrillic letter byte is not followed by
// the continuation bytes UTF-8 needs), so a valid line is UTF-8.
type pageLines struct {
	br   *bufio.Reader
	page *charmap.Charmap
	out  []byte // decoded text not yet returned
	// carry is the start of a rune cut at the end of a long line's part.
	carry []byte
	err   error // the error that ended the input, after out is returned
	// inLine is set inside a line longer than the buffer, whose first
	// part decided how the rest is read: utf8 says as UTF-8.
	inLine, utf8 bool
}

func newPageLines(br *bufio.Reader, page *charmap.Charmap) *bufio.Reader {
	return bufio.NewReaderSize(&pageLines{br: br, page: page}, bufferSize)
}

func (d *pageLines) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill decodes the next line, or the next buffer of a long one.
func (d *pageLines) fill() {
	chunk, err := d.br.ReadSlice('\n')
	if len(d.carry) > 0 {
		chunk = append(d.carry, chunk...)
		d.carry = nil
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		// Keep a rune cut at the buffer's end for the next part.
		cut := len(chunk) - partialRune(chunk)
		d.carry = append([]byte(nil), chunk[cut:]...)
		chunk, err = chunk[:cut], nil
	}
	if !d.inLine {
		d.utf8 = utf8.Valid(chunk)
	}
	d.inLine = err == nil && (len(chunk) == 0 || chunk[len(chunk)-1] != '\n')
	if d.utf8 {
		d.out = append(d.out[:0], chunk...)
	} else {
		d.out = appendDecoded(d.out[:0], d.page, chunk)
	}
	d.err = err
}

// partialRune is how many bytes at the end of b start a UTF-8 sequence
// that b does not hold whole.
func partialRune(b []byte) int {
	for n := 1; n < utf8.UTFMax && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-n:]) {
				return 0
			}
			return n
		}
	}
	return 0
}

// appendDecoded appends b decoded in a single-byte encoding.
func appendDecoded(dst []byte, enc *charmap.Charmap, b []byte) []byte {
	for _, c := range b {
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			continue
		}
		dst = utf8.AppendRune(dst, enc.DecodeByte(c))
	}
	return dst
}
