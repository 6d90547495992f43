package source

import (
	"fmt"
	"strings"
)

// ParseDelimiter reads a delimiter as a person names it: "," ";" "|" or a
// tab, or their names (comma, semicolon, tab, pipe, and \t). An empty name
// gives 0: detect it from the header.
func ParseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "tab", `\t`, "\t":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, fmt.Errorf(`%q: want one of "," ";" "tab" "|"`, s)
}
