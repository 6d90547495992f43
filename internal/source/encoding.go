package source

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// bufferSize is the read buffer of delimited input; delimiter detection
// looks at most this far for the end of the header.
const bufferSize = 64 << 10

// Encoding names reported by Reader.Encoding for detected encodings.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8 (BOM)"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decoded is delimited input turned into UTF-8.
type decoded struct {
	br   *bufio.Reader
	name string
	// check is set when the bytes are not produced by a decoder and may
	// hold invalid UTF-8 that each record must be checked for.
	check bool
}

// decode detects or looks up the encoding of r and returns UTF-8 text
// without a byte-order mark.
func decode(r io.Reader, name string) (decoded, error) {
	br := bufio.NewReaderSize(r, bufferSize)
	if strings.EqualFold(name, EncodingAuto) {
		name = ""
	}
	if name != "" {
		return decodeNamed(br, name)
	}
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		br.Discard(len(utf8BOM))
		return detected(br, EncodingUTF8BOM)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transformed(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), EncodingUTF16LE), nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transformed(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), EncodingUTF16BE), nil
	}
	head, _ = br.Peek(sniffSize)
	if order, ok := utf16Order(head); ok {
		name := EncodingUTF16LE
		if order == unicode.BigEndian {
			name = EncodingUTF16BE
		}
		return transformed(br, unicode.UTF16(order, unicode.IgnoreBOM), name), nil
	}
	return detected(br, EncodingUTF8)
}

// sniffSize is how many bytes utf16Order looks at.
const sniffSize = 64

// utf16Order tells UTF-16 saved without a byte-order mark from the NUL
// bytes of its ASCII characters: in text that is mostly ASCII, as headers
// are, LE puts a NUL after each character and BE before it. It returns -1
// ok=false when head does not look like UTF-16.
func utf16Order(head []byte) (order unicode.Endianness, ok bool) {
	head = head[:len(head)&^1]
	var even, odd, pairs int // NULs at even and odd offsets
	for i := 0; i+1 < len(head); i += 2 {
		pairs++
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	switch {
	case pairs == 0:
		return false, false
	case head[0] != 0 && head[0] < 0x80 && head[1] == 0 && even*4 < pairs:
		return unicode.LittleEndian, true
	case head[1] != 0 && head[1] < 0x80 && head[0] == 0 && odd*4 < pairs:
		return unicode.BigEndian, true
	}
	return false, false
}

// decodeNamed decodes with the encoding the user named.
func decodeNamed(br *bufio.Reader, name string) (decoded, error) {
	enc, canonical, err := lookupEncoding(name)
	if err != nil {
		return decoded{}, err
	}
	if canonical == EncodingUTF8 {
		if head, _ := br.Peek(3); bytes.HasPrefix(head, utf8BOM) {
			br.Discard(len(utf8BOM))
		}
		head, err := br.Peek(bufferSize)
		if err := checkHead(head, err != nil); err != nil {
			return decoded{}, err
		}
		return decoded{br: br, name: canonical, check: true}, nil
	}
	cm, ok := enc.(*charmap.Charmap)
	if !ok || !asciiCompatible(cm) {
		return transformed(br, enc, canonical), nil
	}
	// A UTF-8 byte-order mark before code page text is a tool's mistake;
	// read into the first header name, it would hide that column.
	if head, _ := br.Peek(3); bytes.HasPrefix(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(bufferSize)
	if err := checkNamed(head, canonical, cm); err != nil {
		return decoded{}, err
	}
	return decoded{br: newPageLines(br, cm), name: canonical}, nil
}

// asciiCompatible reports whether a code page reads ASCII bytes as ASCII,
// as pageLines needs (EBCDIC pages do not).
func asciiCompatible(cm *charmap.Charmap) bool {
	for c := range byte(utf8.RuneSelf) {
		if cm.DecodeByte(c) != rune(c) {
			return false
		}
	}
	return true
}

// lookupEncoding finds an encoding by its WHATWG or IANA name.
func lookupEncoding(name string) (encoding.Encoding, string, error) {
	if enc, err := htmlindex.Get(name); err == nil {
		canonical, _ := htmlindex.Name(enc)
		return enc, canonical, nil
	}
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		return nil, "", fmt.Errorf("unknown encoding %q (try windows-1252, windows-1255, iso-8859-8, utf-16le)", name)
	}
	canonical, err := ianaindex.IANA.Name(enc)
	if err != nil {
		canonical = strings.ToLower(name)
	}
	return enc, strings.ToLower(canonical), nil
}

// transformed decodes br with enc and drops a leading byte-order mark that
// survived decoding.
func transformed(br *bufio.Reader, enc encoding.Encoding, name string) decoded {
	out := bufio.NewReaderSize(transform.NewReader(br, enc.NewDecoder()), bufferSize)
	if head, _ := out.Peek(3); bytes.HasPrefix(head, utf8BOM) {
		out.Discard(len(utf8BOM))
	}
	return decoded{br: out, name: name}
}
