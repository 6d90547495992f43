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
// character other than tab, LF and CR, the noncharacters U+FFFE and
// U+FFFF, and, when replaced is set, U+FFFD (which a UTF-16 decoder puts
// where it found an unpaired surrogate). It returns -1 if there is none.
func notText(s string, replaced bool) rune {
	i := 0
	// Eight bytes at a time while none is below 0x20 or 0xEF (the first
	// byte of U+FFFD..U+FFFF): most cells are plain text.
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if hasByteBelow(x, 0x20) || hasZeroByte(x^(0xEF*lsb)) {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return rune(c)
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF:
			if r := s[i+2]; r == 0xBE || r == 0xBF || (r == 0xBD && replaced) {
				return rune(0xFFC0 | rune(r&0x3F))
			}
		}
	}
	return -1
}

const (
	lsb = 0x0101010101010101 // the low bit of each byte
	msb = 0x8080808080808080 // the high bit of each byte
)

// hasZeroByte reports whether a byte of x is zero.
func hasZeroByte(x uint64) bool { return (x-lsb)&^x&msb != 0 }

// hasByteBelow reports whether a byte of x is below n (n <= 128).
func hasByteBelow(x uint64, n uint64) bool { return (x-n*lsb)&^x&msb != 0 }

// cleanText replaces every character notText objects to with U+FFFD, so
// that it is never passed on.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
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
	case r < 0x20:
		return fmt.Sprintf("the control character U+%04X", r)
	case r == utf8.RuneError:
		return "an unpaired UTF-16 surrogate (a broken character)"
	default:
		return fmt.Sprintf("the noncharacter U+%04X", r)
	}
}
