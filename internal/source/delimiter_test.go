package source

import "testing"

func TestParseDelimiter(t *testing.T) {
	tests := []struct {
		in      string
		want    rune
		wantErr bool
	}{
		{"", 0, false},
		{",", ',', false},
		{"Comma", ',', false},
		{";", ';', false},
		{"semicolon", ';', false},
		{"tab", '\t', false},
		{`\t`, '\t', false},
		{"\t", '\t', false},
		{"|", '|', false},
		{"PIPE", '|', false},
		{":", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDelimiter(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseDelimiter(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
