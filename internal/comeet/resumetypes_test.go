package comeet

import (
	"slices"
	"testing"
)

func TestParseResumeTypes(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"  ", nil, false},
		{"strict", StrictResumeTypes, false},
		{" STRICT ", StrictResumeTypes, false},
		{"pdf", []string{".pdf"}, false},
		{".PDF, docx,,", []string{".pdf", ".docx"}, false},
		{",", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseResumeTypes(tt.in)
			if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
				t.Errorf("ParseResumeTypes(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
