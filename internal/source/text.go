package source

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// crOnly reports whether head, the start of a text, breaks its lines with
// CR alone, as the old Mac OS did: a CR and no LF anywhere.
func crOnly(head []byte) bool {
	return bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0
}

// crLines turns the CR line breaks of text into LF, and CRLF into LF.
type crLines struct {
	r      io.Reader
	lastCR bool // the last byte read was a CR, so an LF next is its pair
}

func (c *crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	out := p[:0]
	for _, b := range p[:n] {
		switch {
		case b == '\r':
			out = append(out, '\n')
		case b == '\n' && c.lastCR:
			// The LF of a CRLF, already given as the CR.
		default:
			out = append(out, b)
		}
		c.lastCR = b == '\r'
	}
	return len(out), err
}

// readCROnly wraps br when its text breaks lines with CR alone.
func readCROnly(br *bufio.Reader) (*bufio.Reader, bool) {
	head, _ := br.Peek(bufferSize)
	if !crOnly(head) {
		return br, false
	}
	return bufio.NewReaderSize(&crLines{r: br}, bufferSize), true
}

// notText finds the first character of s that is not text: a C0 control
// character other than tab, LF and CR, DEL, a C1 control, the line and
// paragraph separators U+2028 and U+2029 (some programs take them for line
// breaks, so they could forge lines), the bidirectional controls
// (U+202A..U+202E, U+2066..U+2069: they show a name in another order than
// it is stored and sent), the noncharacters U+FFFE and U+FFFF, and, when
// replaced is set, U+FFFD (which a UTF-16 decoder puts where it found an
// unpaired surrogate). The marks U+200E and U+200F, which Hebrew and
// Arabic text holds, are text. It returns -1 if there is none.
func notText(s string, replaced bool) rune {
	i := 0
	// Eight bytes at a time while none is below 0x20, DEL, or the first
	// byte of a character it looks at (0xC2, 0xE2, 0xEF): most cells are
	// plain text.
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if hasByteBelow(x, 0x20) {
			break
		}
		if hasByteFrom7F(x) && (hasZeroByte(x^(0x7F*lsb)) || hasZeroByte(x^(0xC2*lsb)) ||
			hasZeroByte(x^(0xE2*lsb)) || hasZeroByte(x^(0xEF*lsb))) {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7F:
			return rune(c)
		case c == 0xC2, c == 0xE2, c == 0xEF:
			if r, _ := utf8.DecodeRuneInString(s[i:]); notTextRune(r, replaced) {
				return r
			}
		}
	}
	return -1
}

// notTextRune reports whether r beyond ASCII is not text (see notText).
func notTextRune(r rune, replaced bool) bool {
	switch {
	case r >= 0x80 && r <= 0x9F, r == 0x2028, r == 0x2029, isBidiControl(r), r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return r == utf8.RuneError && replaced
}

// isBidiControl reports whether r is a bidirectional embedding, override
// or isolate.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

const (
	lsb = 0x0101010101010101 // the low bit of each byte
	msb = 0x8080808080808080 // the high bit of each byte
)

// hasZeroByte reports whether a byte of x is zero.
func hasZeroByte(x uint64) bool { return (x-lsb)&^x&msb != 0 }

// hasByteFrom7F reports whether a byte of x is DEL or beyond ASCII: the
// low seven bits plus one carry into the high bit only from 0x7F.
func hasByteFrom7F(x uint64) bool { return ((x&^msb)+lsb|x)&msb != 0 }

// hasByteBelow reports whether a byte of x is below n (n <= 128).
func hasByteBelow(x uint64, n uint64) bool { return (x-n*lsb)&^x&msb != 0 }

// cleanText replaces every character notText objects to with U+FFFD, so
// that it is never passed on.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F || notTextRune(r, false) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// describeChar names a character notText found, for people.
func describeChar(r rune) string {
	switch {
	case r == 0:
		return "a NUL byte (U+0000): the file may be UTF-16 or not text at all"
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return fmt.Sprintf("the control character U+%04X", r)
	case r == 0x2028, r == 0x2029:
		return fmt.Sprintf("the line or paragraph separator U+%04X, which some programs take for a line break", r)
	case isBidiControl(r):
		return fmt.Sprintf("the bidirectional control U+%04X, which shows text in another order than it is stored", r)
	case r == utf8.RuneError:
		return "an unpaired UTF-16 surrogate (a broken character)"
	default:
		return fmt.Sprintf("the noncharacter U+%04X", r)
	}
}
