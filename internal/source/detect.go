package source

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// EncodingAuto asks the reader to detect the encoding, as an empty
// Options.Encoding does.
const EncodingAuto = "auto"

// codePage is a single-byte encoding detection chooses among.
type codePage struct {
	name   string // the name Reader.Encoding reports and --encoding takes
	script string // what it is for, in hints
	enc    *charmap.Charmap
}

// codePages are the single-byte encodings agencies' files come in, in the
// order that breaks ties: a Windows code page before the ISO one that has
// the same letters.
var codePages = []codePage{
	{"windows-1252", "Western European", charmap.Windows1252},
	{"windows-1255", "Hebrew", charmap.Windows1255},
	{"windows-1251", "Cyrillic", charmap.Windows1251},
	{"windows-1253", "Greek", charmap.Windows1253},
	{"windows-1250", "Central European", charmap.Windows1250},
	{"windows-1254", "Turkish", charmap.Windows1254},
	{"windows-1256", "Arabic", charmap.Windows1256},
	{"koi8-r", "Cyrillic", charmap.KOI8R},
	{"iso-8859-15", "Western European", charmap.ISO8859_15},
	{"iso-8859-8", "Hebrew", charmap.ISO8859_8},
	{"iso-8859-5", "Cyrillic", charmap.ISO8859_5},
	{"iso-8859-7", "Greek", charmap.ISO8859_7},
	{"iso-8859-2", "Central European", charmap.ISO8859_2},
	{"iso-8859-9", "Turkish", charmap.ISO8859_9},
}

// minSureScore is the least score of a sure guess: three letters outside
// ASCII in plausible words, so that one stray byte does not decide a file.
const minSureScore = 3

// guess is the outcome of scoring a text's bytes against the code pages.
type guess struct {
	page codePage
	// sure is set when the text reads as real words in one script: most
	// of its words with letters outside ASCII are plausible.
	sure bool
}

func (g guess) String() string { return fmt.Sprintf("%s (%s)", g.page.name, g.page.script) }

// detectCodePage scores the decodings of b in every code page and returns
// the best. A decoding scores for each plausible word holding letters
// outside ASCII: letters of one script, in a case pattern words have
// (Dana, dana, DANA, not dANA), and for Latin letters mostly plain ones
// (déjà, not Ïðèâåò, which is Russian read as Windows-1252). It loses for
// implausible words, control characters, undefined bytes and odd symbols.
func detectCodePage(b []byte) guess {
	best, bestScore, bestSure := 0, -1<<31, false
	for i, cp := range codePages {
		score, good, bad := scoreText(decodeWith(cp.enc, b))
		if score > bestScore {
			best, bestScore, bestSure = i, score, good > 0 && bad*5 <= good
		}
	}
	return guess{page: codePages[best], sure: bestSure && bestScore >= minSureScore}
}

// decodeWith decodes b in a single-byte encoding.
func decodeWith(enc *charmap.Charmap, b []byte) string {
	return string(appendDecoded(make([]byte, 0, len(b)+len(b)/4), enc, b))
}

// scoreText scores decoded text; good and bad count the words with letters
// outside ASCII that look real and that do not.
func scoreText(s string) (score, good, bad int) {
	word := make([]rune, 0, 32)
	flush := func() {
		if len(word) == 0 {
			return
		}
		n, w := wordScore(word)
		switch {
		case n > 0:
			good++
		case n < 0:
			bad++
		}
		score += w
		word = word[:0]
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			word = append(word, r)
			continue
		}
		flush()
		if r < utf8.RuneSelf {
			continue
		}
		switch {
		case r == utf8.RuneError, unicode.IsControl(r):
			score -= 4
		case strings.ContainsRune(commonMarks, r):
		default:
			score -= 2
		}
	}
	flush()
	return score, good, bad
}

// commonMarks are the non-letters outside ASCII that real text holds.
const commonMarks = "\u00a0€‘’‚“”„–—…«»°·•©®™§"

// wordScore judges one word: kind is 1 for a plausible word with letters
// outside ASCII, -1 for an implausible one, 0 for a plain ASCII word; w is
// its weight in the score.
func wordScore(word []rune) (kind, w int) {
	wide, oddCase := 0, false
	script := ""
	mixed := false
	for i, r := range word {
		if r >= utf8.RuneSelf {
			wide++
		}
		if i > 0 && unicode.IsLower(word[i-1]) && unicode.IsUpper(r) ||
			i > 1 && unicode.IsUpper(word[i-2]) && unicode.IsUpper(word[i-1]) && unicode.IsLower(r) {
			oddCase = true // dANA, DAna: words are dana, Dana or DANA
		}
		s := scriptOf(r)
		if s == "" {
			continue
		}
		if script == "" {
			script = s
		} else if s != script {
			mixed = true
		}
	}
	if wide == 0 {
		return 0, 0
	}
	plausible := !mixed && !oddCase
	switch script {
	case "Latin":
		if len(word) >= 3 && wide*4 > len(word)*3 {
			plausible = false // Ïðèâåò: another script read as Latin-1
		}
		wide -= countIn(word, rareLatin) // Icelandic and the like: possible, less likely
	case "Cyrillic":
		plausible = plausible && enoughVowels(word, cyrillicVowels)
		wide -= countIn(word, rareCyrillic)
	case "Greek":
		plausible = plausible && enoughVowels(word, greekVowels) && finalOnlyAtEnd(word, "ς")
	case "Hebrew":
		plausible = plausible && finalOnlyAtEnd(word, "ךםןףץ") && !unicode.Is(unicode.Mn, word[0])
	}
	if !plausible {
		return -1, -3 * len(word)
	}
	return 1, wide
}

// rareLatin are letters that a wrong Latin code page produces more often
// than real text holds.
const rareLatin = "ÐðÝýÞþŸªºŕĺĽľŤťŘŮůŐőŰűĂă"

// Letters that words of a script need, and letters a wrong code page
// produces more often than real text holds.
const (
	cyrillicVowels = "аеёиоуыэюяієїАЕЁИОУЫЭЮЯІЄЇ"
	greekVowels    = "αεηιουωάέήίόύώϊϋΐΰΑΕΗΙΟΥΩΆΈΉΊΌΎΏ"
	rareCyrillic   = "ђѓѕјљњћќўџЂЃЅЈЉЊЋЌЎЏ"
)

// enoughVowels reports whether a word of four letters or more has at least
// one vowel in five letters: Гйюсгпт is not a word, Дмитрий is.
func enoughVowels(word []rune, vowels string) bool {
	return len(word) < 4 || countIn(word, vowels)*5 >= len(word)
}

// finalOnlyAtEnd reports whether the final forms of letters (Hebrew ם,
// Greek ς) stand only at the end of the word.
func finalOnlyAtEnd(word []rune, finals string) bool {
	for _, r := range word[:len(word)-1] {
		if strings.ContainsRune(finals, r) {
			return false
		}
	}
	return true
}

func countIn(word []rune, set string) int {
	n := 0
	for _, r := range word {
		if strings.ContainsRune(set, r) {
			n++
		}
	}
	return n
}

func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		return "Latin"
	case unicode.Is(unicode.Latin, r):
		return "Latin"
	case unicode.Is(unicode.Cyrillic, r):
		return "Cyrillic"
	case unicode.Is(unicode.Greek, r):
		return "Greek"
	case unicode.Is(unicode.Hebrew, r):
		return "Hebrew"
	case unicode.Is(unicode.Arabic, r):
		return "Arabic"
	}
	return ""
}

// utf8Head tells how the first bytes of a file read as UTF-8.
type utf8Head struct {
	lines, invalid int // lines looked at, and those not valid UTF-8
	// wide and broken count the valid multi-byte characters and the
	// invalid bytes of the lines not valid UTF-8.
	wide, broken int
	// odd holds the lines not valid UTF-8: what a code page is detected
	// from, as the valid lines are read as UTF-8 whatever the file's code
	// page (see pageLines).
	odd []byte
}

// maxHeadLines is how many first lines decide whether a file is UTF-8.
const maxHeadLines = 200

// readHead looks at the lines in head (up to maxHeadLines, a last partial
// line when head is the first part of a longer input left out).
func readHead(head []byte, complete bool) utf8Head {
	var h utf8Head
	for len(head) > 0 && h.lines < maxHeadLines {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i+1], head[i+1:]
		} else if complete {
			head = nil
		} else {
			break
		}
		h.lines++
		if utf8.Valid(line) {
			continue
		}
		h.invalid++
		h.odd = append(h.odd, line...)
		for len(line) > 0 {
			r, n := utf8.DecodeRune(line)
			switch {
			case r == utf8.RuneError && n <= 1:
				h.broken++
			case n > 1:
				h.wide++
			}
			line = line[max(n, 1):]
		}
	}
	return h
}

// codePageText reports whether the lines of the head that are not UTF-8
// read as a single-byte code page rather than UTF-8 with a few stray
// bytes: they have hardly any multi-byte characters (a Hebrew letter or an
// é in UTF-8 is one; in a code page such pairs are rare).
func (h utf8Head) codePageText() bool {
	return h.broken > 0 && h.wide*10 < h.broken
}

// mostlyInvalid reports whether most of the first lines are not UTF-8.
func (h utf8Head) mostlyInvalid() bool {
	return h.invalid > 0 && h.invalid*2 > h.lines
}

// EncodingError is a file whose first lines are not in the encoding it is
// read in: a configuration error, not thousands of invalid rows.
type EncodingError struct {
	Encoding string // the encoding the file was read in
	Lines    int    // first lines looked at
	Invalid  int    // of those, the lines that are not valid in Encoding
	Probably string // the encoding it probably is, "" if unknown
	Script   string // what Probably is for ("Hebrew")
}

func (e *EncodingError) Error() string {
	msg := fmt.Sprintf("the input is not %s: %d of its first %d lines are not valid %s", e.Encoding, e.Invalid, e.Lines, e.Encoding)
	if e.Probably == "" {
		return msg + "; name its encoding with --encoding"
	}
	return fmt.Sprintf("%s; it is probably %s (%s): use --encoding %s", msg, e.Probably, e.Script, e.Probably)
}

// encodingHint is the advice for one cell that is not valid UTF-8.
func encodingHint(cell string) string {
	g := detectCodePage([]byte(cell))
	return fmt.Sprintf("the file may be in another encoding: it reads as %s, try --encoding %s", g, g.page.name)
}

// autoDecoder chooses the encoding of input that has no byte-order mark:
// UTF-8 unless its first bufferSize bytes read as a code page, then the
// code page they read best in. It returns nil for UTF-8, or an error when
// most of the first lines are not UTF-8 and no code page reads them as
// text.
func autoDecoder(head []byte, complete bool) (*codePage, error) {
	h := readHead(head, complete)
	if h.codePageText() {
		if g := detectCodePage(h.odd); g.sure {
			return &g.page, nil
		}
	}
	return nil, h.check()
}

// checkHead refuses input read as UTF-8 whose first lines are mostly not
// UTF-8, naming the encoding it probably is.
func checkHead(head []byte, complete bool) error {
	return readHead(head, complete).check()
}

func (h utf8Head) check() error {
	if !h.mostlyInvalid() {
		return nil
	}
	g := detectCodePage(h.odd)
	e := &EncodingError{Encoding: EncodingUTF8, Lines: h.lines, Invalid: h.invalid}
	if g.sure || h.codePageText() {
		e.Probably, e.Script = g.page.name, g.page.script
	}
	return e
}

// detected decodes input without a byte-order mark as the code page its
// head reads in, or checks that it is UTF-8 (named utf8 for logs). A file
// with a UTF-8 byte-order mark may still be in a code page: a tool wrote
// the mark before text it did not convert.
func detected(br *bufio.Reader, utf8 string) (decoded, error) {
	head, err := br.Peek(bufferSize)
	cp, err := autoDecoder(head, err != nil)
	if err != nil {
		return decoded{}, err
	}
	if cp == nil {
		return decoded{br: br, name: utf8, check: true}, nil
	}
	name := cp.name + " (detected)"
	if utf8 == EncodingUTF8BOM {
		name = cp.name + " (detected after a UTF-8 byte-order mark)"
	}
	return decoded{br: newPageLines(br, cp.enc), name: name}, nil
}

// MisnamedError is input whose named single-byte encoding turns its text
// into words no language has, while another code page reads it well: the
// file of a Hebrew agency read as Windows-1252 (àáé ëõ).
type MisnamedError struct {
	Named    string // the encoding named
	Probably string // the encoding that reads it
	Script   string // what Probably is for
}

func (e *MisnamedError) Error() string {
	return fmt.Sprintf("the input does not read as %s: most of its words with letters outside ASCII are not words in it; it is probably %s (%s): use --encoding %s, or --encoding auto",
		e.Named, e.Probably, e.Script, e.Probably)
}

// checkNamed refuses a named code page that reads the head as mostly
// implausible words when another reads it as text.
func checkNamed(head []byte, named string, cm *charmap.Charmap) error {
	odd := readHead(head, false).odd
	_, good, bad := scoreText(decodeWith(cm, odd))
	if bad <= good {
		return nil
	}
	g := detectCodePage(odd)
	if !g.sure || g.page.name == named {
		return nil
	}
	return &MisnamedError{Named: named, Probably: g.page.name, Script: g.page.script}
}
