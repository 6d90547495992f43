package comeet

import "testing"

func TestIsLoopbackURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:9000/", true},
		{"http://localhost:8080", true},
		{"http://LocalHost", true},
		{"http://localhost.:80", true},
		{"https://api.comeet.co", false},
		{"http://localhost.example.com", false},
		{"http://mylocalhost", false},
		{"http://10.0.0.1", false},
		{"http://[::2]", false},
		{"", false},
		{"://bad", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := IsLoopbackURL(tt.url); got != tt.want {
				t.Errorf("IsLoopbackURL(%q) = %v, want %v", tt.url, got, tt.want)
			}
		})
	}
}
