package importer

import (
	"fmt"
	"strings"

	"github.com/comeet-import/comeet-import/internal/mapping"
)

// requireMapped refuses a mapping that leaves a required field without a
// column or a default: every row would be invalid for the same reason, and
// that is a configuration error, not ten thousand row errors.
// file is the mapping file given, empty when the header maps itself: the
// way forward differs.
func requireMapped(m *mapping.Mapping, file string) error {
	missing := m.Unfed()
	if len(missing) == 0 {
		return nil
	}
	if file != "" {
		return settingError(SettingMapping, file, fmt.Errorf("no column or default feeds %s: add a line for each "+
			"(field,column,default), naming its column or giving the value every row takes",
			strings.Join(missing, ", ")))
	}
	return settingError(SettingMapping, "", fmt.Errorf("no column or default feeds %s: give a mapping "+
		"(`comeet-import mapping FILE` proposes one), or name the columns after the API fields",
		strings.Join(missing, ", ")))
}
