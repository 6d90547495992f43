package comeet

import (
	_ "embed"
	"strings"
	"unicode/utf8"
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
