package comeet

import (
	"fmt"
	"strings"
)

// ParseResumeTypes reads a list of resume extensions as a person writes it:
// "" for the API's whole list (nil), "strict" for StrictResumeTypes, or a
// comma-separated list like "pdf, .DOCX", which comes back in lower case,
// each with its dot.
func ParseResumeTypes(s string) ([]string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "strict":
		return StrictResumeTypes, nil
	}
	var types []string
	for _, t := range strings.Split(s, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, ".") {
			t = "." + t
		}
		types = append(types, t)
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("%q: no extension given", s)
	}
	return types, nil
}
