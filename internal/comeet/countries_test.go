package comeet

import "testing"

func TestLookupCountry(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // "" for not recognised
	}{
		{"IL", "IL"},
		{"il", "IL"},
		{" us ", "US"},
		{"ISR", "IL"},
		{"deu", "DE"},
		{"USA", "US"},
		{"GBR", "GB"},
		{"Israel", "IL"},
		{"ISRAEL", "IL"},
		{"United  States", "US"},
		{"United States of America", "US"},
		{"U.S.A.", "US"},
		{"UK", "GB"},
		{"Great Britain", "GB"},
		{"Holland", "NL"},
		{"Bolivia", "BO"},
		{"Côte d’Ivoire", "CI"},
		{"cote d'ivoire", "CI"},
		{"Czechia", "CZ"},
		{"South Korea", "KR"},
		{"Bosnia-Herzegovina", "BA"},
		{"ישראל", "IL"},
		{"ארצות הברית", "US"},
		{"גרמניה", "DE"},
		{"Deutschland", "DE"},
		{"Allemagne", "DE"},
		{"España", "ES"},
		{"Espana", "ES"},
		{"Россия", "RU"},
		{"Україна", "UA"},
		{"Österreich", "AT"},
		{"Polska", "PL"},
		{"Türkiye", "TR"},
		{"Italia", "IT"},
		{"Brasil", "BR"},
		{"Nederland", "NL"},
		{"מצרים", "EG"},
		// Not recognised: ambiguous, unknown, or not a country.
		{"Congo", ""},
		{"Korea", "KR"}, // South Korea, as people mean it
		{"Atlantis", ""},
		{"Europe", ""},
		{"XK", ""},
		{"ZZ", ""},
		{"", ""},
		{"Tel Aviv", ""},
	} {
		got, ok := LookupCountry(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("LookupCountry(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// The lookup never answers with a code Comeet refuses.
func TestLookupCountryAnswersValidCodes(t *testing.T) {
	for name, code := range countryLookup() {
		if code != "" && !ValidCountry(code) {
			t.Errorf("%q -> %q, not an assigned code", name, code)
		}
	}
}

func TestClosestCountry(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Isreal", "IL"},
		{"Germnay", "DE"},
		{"Untied States", "US"},
		{"Atlantis", ""},
		{"Iran", ""}, // too short to guess
		{"Europe", ""},
	} {
		got, _, ok := ClosestCountry(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ClosestCountry(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// Names that stand for one country in common use are recognised as the
// country people mean.
func TestLookupCountryCommonNames(t *testing.T) {
	for in, want := range map[string]string{
		"Korea": "KR", "South Korea": "KR", "KOREA": "KR", "North Korea": "KP", "Russia": "RU",
		"Iran": "IR", "Vietnam": "VN", "Viet Nam": "VN", "Bolivia": "BO", "Venezuela": "VE",
		"Tanzania": "TZ", "Syria": "SY", "Laos": "LA", "Moldova": "MD", "Czechia": "CZ",
		"UK": "GB", "USA": "US", "United States": "US", "Holland": "NL", "Taiwan": "TW",
	} {
		if got, ok := LookupCountry(in); !ok || got != want {
			t.Errorf("LookupCountry(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := LookupCountry("Congo"); ok {
		t.Errorf("LookupCountry(Congo) = %q: two countries answer to it", got)
	}
}
