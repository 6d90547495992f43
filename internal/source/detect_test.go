package source

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// Real sentences in the scripts agencies' files come in.
const (
	hebrewText  = "שלום, קוראים לי דנה לוי ואני מפתחת תוכנה בתל אביב. עבדתי שלוש שנים בחברת הייטק גדולה בחיפה."
	russianText = "Привет, меня зовут Дмитрий Иванов, я живу в Москве и работаю программистом. Ищу новую работу в Санкт-Петербурге."
	greekText   = "Καλημέρα, ονομάζομαι Γιώργος Παπαδόπουλος και μένω στην Αθήνα. Εργάζομαι ως μηχανικός λογισμικού."
	frenchText  = "Hélène Dubois, développeuse à Lyon, préfère le café crème. Ça coûte très cher, mais elle a été très contente."
	germanText  = "Jürgen Müller wohnt in München und fährt gern über die Brücke an der Hauptstraße; er spricht fließend Französisch."
	turkishText = "Şükrü Yılmaz İstanbul'da yaşıyor ve öğretmen olarak çalışıyor; ağabeyi İzmir'de."
	arabicText  = "مرحبا، اسمي أحمد علي وأعمل مهندس برمجيات في القاهرة منذ خمس سنوات."
	polishText  = "Łukasz Wiśniewski mieszka w Łodzi i pracuje jako inżynier oprogramowania; żona uczy języka."
)

// sentencesCSV is a small export: a header and one row per sentence, names
// taken from the sentence.
func sentencesCSV(text string) string {
	var b strings.Builder
	b.WriteString("id,first_name,note\r\n")
	words := strings.Fields(text)
	for i, w := range words {
		b.WriteString(strings.Trim(w, ",.;") + "," + strings.Trim(words[(i+1)%len(words)], ",.;") + ",\"" + text + "\"\r\n")
	}
	return b.String()
}

func TestDetectEncoding(t *testing.T) {
	tests := []struct {
		name string
		text string
		enc  *charmap.Charmap
		want string // the encoding reported; an ISO page may be read as the Windows page with the same letters
	}{
		{"Hebrew windows-1255", hebrewText, charmap.Windows1255, "windows-1255"},
		{"Hebrew iso-8859-8", hebrewText, charmap.ISO8859_8, "windows-1255"},
		{"Russian windows-1251", russianText, charmap.Windows1251, "windows-1251"},
		{"Russian koi8-r", russianText, charmap.KOI8R, "koi8-r"},
		{"Russian iso-8859-5", russianText, charmap.ISO8859_5, "iso-8859-5"},
		{"Greek windows-1253", greekText, charmap.Windows1253, "windows-1253"},
		{"Greek iso-8859-7", greekText, charmap.ISO8859_7, "windows-1253"},
		{"French windows-1252", frenchText, charmap.Windows1252, "windows-1252"},
		{"French iso-8859-1", frenchText, charmap.ISO8859_1, "windows-1252"},
		{"German windows-1252", germanText, charmap.Windows1252, "windows-1252"},
		{"German iso-8859-15", germanText, charmap.ISO8859_15, "windows-1252"},
		{"Turkish windows-1254", turkishText, charmap.Windows1254, "windows-1254"},
		{"Polish windows-1250", polishText, charmap.Windows1250, "windows-1250"},
		{"Arabic windows-1256", arabicText, charmap.Windows1256, "windows-1256"},
		{"Central European iso-8859-2", polishText, charmap.ISO8859_2, "iso-8859-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := sentencesCSV(tt.text)
			in := encode(t, tt.enc, text)
			r, err := NewReader(bytes.NewReader(in), Options{})
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if got := r.Encoding(); got != tt.want+" (detected)" {
				t.Errorf("encoding %q, want %q", got, tt.want+" (detected)")
			}
			recs := readAll(t, r)
			if len(recs) == 0 || recs[0].Err != nil || recs[0].Fields[2] != tt.text {
				t.Fatalf("first record %+v, want the sentence read back", recs[:min(1, len(recs))])
			}
			// The same file named "auto" reads the same.
			r2, err := NewReader(bytes.NewReader(in), Options{Encoding: EncodingAuto})
			if err != nil || r2.Encoding() != r.Encoding() {
				t.Errorf("--encoding auto: %v, %q", err, r2.Encoding())
			}
		})
	}
}

// UTF-8 stays UTF-8, whatever its script, and so does ASCII.
func TestDetectKeepsUTF8(t *testing.T) {
	for _, text := range []string{hebrewText, russianText, greekText, frenchText, "plain ascii"} {
		r, err := NewReader(strings.NewReader(sentencesCSV(text)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Encoding() != EncodingUTF8 {
			t.Errorf("%.20s: encoding %q, want utf-8", text, r.Encoding())
		}
	}
}

// A file named UTF-8 whose first lines are mostly not UTF-8 is a
// configuration error naming the encoding it probably is, not a thousand
// invalid rows.
func TestNotUTF8IsConfigurationError(t *testing.T) {
	in := encode(t, charmap.Windows1255, sentencesCSV(hebrewText))
	_, err := NewReader(bytes.NewReader(in), Options{Encoding: "utf-8"})
	var ee *EncodingError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an *EncodingError", err)
	}
	if ee.Probably != "windows-1255" || ee.Invalid*2 <= ee.Lines {
		t.Errorf("got %+v", ee)
	}
	want := "it is probably windows-1255 (Hebrew): use --encoding windows-1255"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// Bytes no code page reads as words are not guessed at: when most lines
// are broken, the input is refused; a few stray bytes in UTF-8 text are
// errors of their records only.
func TestDetectUnsure(t *testing.T) {
	var noise strings.Builder
	noise.WriteString("a,b\n")
	for i := range 20 {
		noise.WriteString(string([]byte{0x80 + byte(i), 0x9f - byte(i), ',', 0xbf, 0xa4, '\n'}))
	}
	_, err := NewReader(strings.NewReader(noise.String()), Options{})
	var ee *EncodingError
	if !errors.As(err, &ee) {
		t.Fatalf("noise: got %v, want an *EncodingError", err)
	}
	r, err := NewReader(strings.NewReader("name\nדנה\nJos\xe9\nלוי\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if r.Encoding() != EncodingUTF8 || len(recs) != 3 || recs[1].Err == nil || recs[0].Err != nil {
		t.Errorf("stray byte: encoding %q, records %+v", r.Encoding(), recs)
	}
}

// The hint of a record that is not UTF-8 names the encoding its text reads
// in, not always Windows-1252.
func TestEncodingHint(t *testing.T) {
	for text, want := range map[string]string{
		"דנה לוי":       "windows-1255",
		"Дмитрий":       "windows-1251",
		"Γιώργος":       "windows-1253",
		"Hélène Müller": "windows-1252",
		"כהן":           "windows-1255",
		"משה לוי":       "windows-1255",
		"Иванов":        "windows-1251",
		"Петров Сергей": "windows-1251",
		"Παπαδόπουλος":  "windows-1253",
		"Νίκος":         "windows-1253",
		"François":      "windows-1252",
		"Straße":        "windows-1252",
	} {
		var enc *charmap.Charmap
		switch want {
		case "windows-1255":
			enc = charmap.Windows1255
		case "windows-1251":
			enc = charmap.Windows1251
		case "windows-1253":
			enc = charmap.Windows1253
		default:
			enc = charmap.Windows1252
		}
		hint := encodingHint(string(encode(t, enc, text)))
		if !strings.Contains(hint, "try --encoding "+want) {
			t.Errorf("%s: hint %q, want %s", text, hint, want)
		}
	}
}

// Following the old hint, --encoding windows-1252 on a Hebrew file sent
// names like àáé ëõ; now it is refused, naming the encoding that reads it.
// A named encoding that reads the file well is used as named.
func TestMisnamedEncoding(t *testing.T) {
	in := encode(t, charmap.Windows1255, sentencesCSV(hebrewText))
	_, err := NewReader(bytes.NewReader(in), Options{Encoding: "windows-1252"})
	var me *MisnamedError
	if !errors.As(err, &me) || me.Probably != "windows-1255" {
		t.Fatalf("got %v, want a *MisnamedError naming windows-1255", err)
	}
	for _, named := range []string{"windows-1255", "iso-8859-8"} {
		r, err := NewReader(bytes.NewReader(in), Options{Encoding: named})
		if err != nil {
			t.Fatalf("--encoding %s: %v", named, err)
		}
		if recs := readAll(t, r); len(recs) == 0 || recs[0].Fields[2] != hebrewText {
			t.Errorf("--encoding %s: records %+v", named, recs[:min(1, len(recs))])
		}
	}
	fr := encode(t, charmap.Windows1252, sentencesCSV(frenchText))
	if _, err := NewReader(bytes.NewReader(fr), Options{Encoding: "iso-8859-15"}); err != nil {
		t.Errorf("French named iso-8859-15: %v", err)
	}
}

// mixedExport is an old export in a code page with rows appended in UTF-8
// by a newer tool: old rows of code page text, then new rows of UTF-8.
func mixedExport(t *testing.T, enc *charmap.Charmap, old, new int) (in []byte, names []string) {
	t.Helper()
	first := strings.Fields("דנה משה רחל יוסף שרה אברהם לאה יעקב מרים דוד")
	last := strings.Fields("כהן לוי מזרחי פרץ ביטון אברהם פרידמן שפירא")
	var b strings.Builder
	b.WriteString("id,first_name,last_name\r\n")
	in = encode(t, enc, b.String())
	for i := range old + new {
		name := first[i%len(first)] + " " + last[i%len(last)]
		names = append(names, name)
		line := fmt.Sprintf("%d,%s,%s\r\n", i+1, first[i%len(first)], last[i%len(last)])
		if i < old {
			in = append(in, encode(t, enc, line)...)
		} else {
			in = append(in, line...)
		}
	}
	return in, names
}

// An export appended to in UTF-8 is read in both its encodings: each line
// that is UTF-8 as UTF-8, the others in the code page; never the UTF-8 part
// read as a code page (letter salad) nor the code page guessed from the
// UTF-8 part's bytes. Before, 300 rows of windows-1255 and 30 of UTF-8
// were read as koi8-r. The same holds beyond the first lines detection
// looks at, and when the code page is named.
func TestMixedEncodingReadPerLine(t *testing.T) {
	tests := []struct {
		name     string
		old, new int
		opts     Options
	}{
		{"300 then 30", 300, 30, Options{}},
		{"appended beyond the head", 5000, 30, Options{}},
		{"named", 300, 30, Options{Encoding: "windows-1255"}},
		{"a few code page lines in UTF-8", 10, 150, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, names := mixedExport(t, charmap.Windows1255, tt.old, tt.new)
			r, err := NewReader(bytes.NewReader(in), tt.opts)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if !strings.HasPrefix(r.Encoding(), "windows-1255") {
				t.Errorf("encoding %q, want windows-1255", r.Encoding())
			}
			recs := readAll(t, r)
			if len(recs) != len(names) {
				t.Fatalf("%d records, want %d", len(recs), len(names))
			}
			for i, rec := range recs {
				if got := rec.Fields[1] + " " + rec.Fields[2]; rec.Err != nil || got != names[i] {
					t.Fatalf("row %d: got %q (%v), want %q", rec.Row, got, rec.Err, names[i])
				}
			}
		})
	}
}

// A UTF-8 line longer than the read buffer, in a code page file, is read
// as UTF-8 whole, its characters cut at the buffer's end included.
func TestMixedEncodingLongLine(t *testing.T) {
	in, _ := mixedExport(t, charmap.Windows1255, 20, 0)
	long := strings.Repeat("ש", bufferSize) // two bytes each in UTF-8
	for _, pad := range []string{"", "x"} { // a rune cut at the buffer's end, or not
		data := append(bytes.Clone(in), "21,"+pad+long+",לוי\r\n"...)
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs := readAll(t, r)
		if len(recs) != 21 || recs[20].Fields[1] != pad+long || recs[20].Fields[2] != "לוי" {
			t.Errorf("pad %q: %d records, last %.40q", pad, len(recs), recs[len(recs)-1].Fields)
		}
	}
}

// A UTF-8 byte-order mark before windows-1255 text: detection reads the
// text as windows-1255, and naming it no longer reads the mark into the
// first header name (which hid the column).
func TestBOMBeforeCodePage(t *testing.T) {
	in := append([]byte{0xEF, 0xBB, 0xBF}, encode(t, charmap.Windows1255, sentencesCSV(hebrewText))...)
	for _, opts := range []Options{{}, {Encoding: "windows-1255"}} {
		r, err := NewReader(bytes.NewReader(in), opts)
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		if !strings.HasPrefix(r.Encoding(), "windows-1255") {
			t.Errorf("%+v: encoding %q", opts, r.Encoding())
		}
		if h := r.Header(); h[0] != "id" {
			t.Errorf("%+v: header %q, want id first", opts, h)
		}
		if recs := readAll(t, r); len(recs) == 0 || recs[0].Err != nil || recs[0].Fields[2] != hebrewText {
			t.Errorf("%+v: first record %+v", opts, recs[:min(1, len(recs))])
		}
	}
}
