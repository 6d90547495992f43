package comeet

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// countriesText is the ISO 3166-1 alpha-2 list: "CODE<TAB>name" a line.
//
//go:embed countries.txt
var countriesText string

// countryNames is indexed by the two letters of a code (AA = 0, ZZ = 675);
// an empty entry is a code ISO 3166-1 does not assign. An array keeps
// ValidCountry a constant-time lookup with no allocation, which matters on
// the per-row path.
var countryNames [26 * 26]string

// countryByName maps a folded country name (the ISO name, its short form
// before a comma or parenthesis when that is unambiguous, and a few common
// aliases) to its code. It only feeds suggestions; it is never used to
// accept a value.
var countryByName = map[string]string{}

// countryAliases are names people write that the ISO list spells otherwise.
var countryAliases = map[string]string{
	"uk": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
	"england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"usa": "US", "u.s.a.": "US", "u.s.": "US", "united states": "US", "america": "US",
	"russia": "RU", "south korea": "KR", "north korea": "KP", "iran": "IR",
	"vietnam": "VN", "turkey": "TR", "czech republic": "CZ", "holland": "NL",
	"the netherlands": "NL", "netherlands": "NL", "syria": "SY", "laos": "LA",
	"taiwan": "TW", "palestine": "PS", "macedonia": "MK", "ivory coast": "CI",
	"cape verde": "CV", "swaziland": "SZ", "burma": "MM", "east timor": "TL",
	"vatican": "VA", "vatican city": "VA", "brunei": "BN", "moldova": "MD",
	"tanzania": "TZ", "bolivia": "BO", "venezuela": "VE", "micronesia": "FM",
	"uae": "AE", "curacao": "CW", "reunion": "RE", "aland islands": "AX",
	"saint barthelemy": "BL", "cote d'ivoire": "CI", "dr congo": "CD",
	"korea": "KR", "republic of korea": "KR", "russian federation": "RU", "persia": "IR",
	"viet nam": "VN", "lao": "LA", "czechia": "CZ", "the uk": "GB", "the us": "US",
	"the usa": "US", "united states of america": "US", "u.k.": "GB",
}

func init() {
	short := map[string]string{} // short form -> code, "" once ambiguous
	for line := range strings.Lines(countriesText) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		i, valid := countryIndex(code)
		if !ok || !valid || name == "" || countryNames[i] != "" {
			panic("comeet: malformed countries.txt line " + line)
		}
		countryNames[i] = name
		countryByName[strings.ToLower(name)] = code
		if s, cut := shortCountryName(name); cut {
			if _, seen := short[s]; seen {
				short[s] = ""
			} else {
				short[s] = code
			}
		}
	}
	for s, code := range short {
		if _, taken := countryByName[s]; code != "" && !taken {
			countryByName[s] = code
		}
	}
	for s, code := range countryAliases {
		countryByName[s] = code
	}
}

// shortCountryName returns the part of an ISO name before ", " or " (",
// lower-cased: "Bolivia, Plurinational State of" -> "bolivia".
func shortCountryName(name string) (string, bool) {
	i := strings.IndexAny(name, ",(")
	if i <= 0 {
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(name[:i])), true
}

// countryIndex maps an upper-case two-letter code to its slot.
func countryIndex(code string) (int, bool) {
	if len(code) != 2 {
		return 0, false
	}
	a, b := code[0], code[1]
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return 0, false
	}
	return int(a-'A')*26 + int(b-'A'), true
}

// ValidCountry reports whether code is an officially assigned ISO 3166-1
// alpha-2 code, written in upper case as Comeet expects ("IL", "US").
// User-assigned codes such as XK are not valid. Normalize upper-cases the
// address country, so "il" passes after normalization.
func ValidCountry(code string) bool {
	i, ok := countryIndex(code)
	return ok && countryNames[i] != ""
}

// CountryName returns the ISO 3166-1 English short name of an upper-case
// alpha-2 code ("IL" -> "Israel"), or "" if the code is not assigned.
func CountryName(code string) string {
	i, ok := countryIndex(code)
	if !ok {
		return ""
	}
	return countryNames[i]
}

// CountryCode returns the alpha-2 code for a country name, compared without
// regard to case or surrounding space: the ISO name ("United States of
// America"), its unambiguous short form ("Bolivia") or a common alias ("UK",
// "USA", "Russia"). A lower-case code ("il") is also recognised. It is meant
// for suggestions in messages and for a mapping that chooses to convert.
func CountryCode(name string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(name))
	if up := strings.ToUpper(s); ValidCountry(up) {
		return up, true
	}
	code, ok := countryByName[s]
	return code, ok
}

// LookupCountry returns the ISO 3166-1 alpha-2 code that a country written
// the way people write it stands for, when exactly one country answers to it:
// an alpha-2 code in any case ("il"), an alpha-3 code ("ISR", "deu"), the ISO
// name or its short form, a common English alias ("UK", "Holland"), or the
// country's name in one of the languages agencies work in (Hebrew "ישראל",
// German "Deutschland", Spanish "España", Russian "Россия", ...). Case,
// accents, dots, apostrophes and runs of spaces or hyphens do not matter.
// A name two countries share ("Congo") is not recognised, so a caller never
// sends a guess; "Korea" is South Korea, as people mean it.
func LookupCountry(s string) (code string, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) == 2 {
		if i, ok := countryIndex(string([]byte{upperASCII(s[0]), upperASCII(s[1])})); ok && countryNames[i] != "" {
			return alpha2Codes()[i], true
		}
	}
	code = countryLookup()[foldCountry(s)]
	return code, code != ""
}

func upperASCII(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}

// alpha2Codes holds every code as a string, by countryIndex, so that a
// lower-case code is answered without allocating.
var alpha2Codes = sync.OnceValue(func() *[26 * 26]string {
	var codes [26 * 26]string
	for i := range codes {
		codes[i] = string([]byte{byte('A' + i/26), byte('A' + i%26)})
	}
	return &codes
})

// countryLanguages are the languages whose country names LookupCountry
// knows, besides English: those of the markets Comeet's customers recruit
// in, and the scripts their exports are written in.
var countryLanguages = []language.Tag{
	language.English, language.AmericanEnglish, language.BritishEnglish,
	language.Hebrew, language.Arabic, language.Russian, language.Ukrainian,
	language.German, language.French, language.Spanish, language.Italian,
	language.Portuguese, language.Dutch, language.Polish, language.Turkish,
	language.Greek, language.Romanian, language.Hungarian, language.Czech,
	language.Swedish, language.Danish, language.Norwegian, language.Finnish,
}

// countryLookup is the folded name -> code table of LookupCountry, built on
// first use. A name that two codes claim maps to "" (not recognised). The
// ISO names and the English aliases are entered first and never displaced
// by a translated name.
var countryLookup = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 8000)
	firm := map[string]bool{}
	put := func(name, code string, isFirm bool) {
		k := foldCountry(name)
		if k == "" {
			return
		}
		if prev, seen := m[k]; seen {
			if prev != code && !firm[k] {
				m[k] = "" // two countries answer to this name
			}
			return
		}
		m[k] = code
		firm[k] = isFirm
	}
	for name, code := range countryByName {
		put(name, code, true)
	}
	for _, amb := range ambiguousCountryNames {
		m[foldCountry(amb)], firm[foldCountry(amb)] = "", true
	}
	for i, name := range countryNames {
		if name == "" {
			continue
		}
		code := string([]byte{byte('A' + i/26), byte('A' + i%26)})
		region, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		if a3 := region.ISO3(); len(a3) == 3 {
			put(a3, code, true)
		}
		for _, tag := range countryLanguages {
			local := display.Regions(tag).Name(region)
			put(local, code, false)
			if s, cut := shortCountryName(local); cut {
				put(s, code, false)
			}
		}
	}
	return m
})

// ambiguousCountryNames are short names that more than one country goes by.
// "Korea" is not among them: in a candidate's address it means South Korea
// (countryAliases), as people use it.
var ambiguousCountryNames = []string{"congo", "virgin islands", "guinea republic", "st martin", "saint martin"}

// foldCountry folds a country name for lookup: lower case, accents
// removed, dots and apostrophes dropped, every other run of non-letters
// made one space ("Côte d’Ivoire" -> "cote divoire", "U.S.A." -> "usa").
func foldCountry(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '.', r == '\'', r == '’', r == '`':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// ClosestCountry returns the code of the country whose name (in any of the
// languages LookupCountry knows) is within two edits of s ("Isreal",
// "Germnay"), when exactly one country is that close and s has at least
// five letters. It is a suggestion for a person to confirm, never a value to
// send unseen; name is the spelling it matched.
func ClosestCountry(s string) (code, name string, ok bool) {
	f := foldCountry(s)
	n := len([]rune(f))
	if n < 5 {
		return "", "", false
	}
	best := 3
	for k, c := range countryLookup() {
		if c == "" {
			continue
		}
		if d := len([]rune(k)) - n; d > 2 || d < -2 {
			continue
		}
		d := EditDistance(f, k)
		switch {
		case d < best:
			best, code, name, ok = d, c, k, true
		case d == best && c != code:
			ok = false
		}
	}
	if best > 2 {
		return "", "", false
	}
	return code, name, ok
}

// NearestCountry returns the code of the country whose name (or alias) s
// is a likely typo of, compared without regard to case, and that name as
// people write it: "United Stats" -> "US", "United States". It reports
// false when no name is close enough to be a typo.
func NearestCountry(s string) (code, name string, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	n := utf8.RuneCountInString(s)
	if n < 4 || n > 60 {
		return "", "", false
	}
	bestD := -1
	for nm, c := range countryByName {
		if len(nm) < 4 {
			continue // codes and short aliases: any word is near them
		}
		d := EditDistance(s, nm)
		if bestD < 0 || d < bestD || (d == bestD && nm < name) {
			code, name, bestD = c, nm, d
		}
	}
	if bestD < 0 || bestD > max(1, n/5) {
		return "", "", false
	}
	if strings.EqualFold(name, CountryName(code)) {
		return code, CountryName(code), true
	}
	return code, titleWords(name), true
}

// titleWords upper-cases the first letter of each word: "united states" ->
// "United States".
func titleWords(s string) string {
	b := []byte(s)
	for i := range b {
		if (i == 0 || b[i-1] == ' ') && b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
