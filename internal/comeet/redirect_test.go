package comeet

import (
	"net/http"
	"net/url"
	"testing"
)

func TestCheckRedirect(t *testing.T) {
	req := func(method, raw string) *http.Request {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Request{Method: method, URL: u}
	}
	first := req(http.MethodPost, "https://api.comeet.co/candidates")
	tests := []struct {
		name   string
		next   *http.Request
		via    int
		follow bool
	}{
		{"same host, same method", req(http.MethodPost, "https://api.comeet.co/candidates/"), 1, true},
		{"same host, other case", req(http.MethodPost, "https://API.comeet.co/candidates/"), 1, true},
		{"downgrade to http", req(http.MethodPost, "http://api.comeet.co/candidates"), 1, false},
		{"another host", req(http.MethodPost, "https://api.example.net/candidates"), 1, false},
		{"another port", req(http.MethodPost, "https://api.comeet.co:8443/candidates"), 1, false},
		{"POST turned into GET", req(http.MethodGet, "https://api.comeet.co/candidates"), 1, false},
		{"too many", req(http.MethodPost, "https://api.comeet.co/candidates"), maxRedirects + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			via := make([]*http.Request, tt.via)
			for i := range via {
				via[i] = first
			}
			err := checkRedirect(tt.next, via)
			if got := err == nil; got != tt.follow {
				t.Errorf("follow: got %v (%v), want %v", got, err, tt.follow)
			}
		})
	}
}
