package mapping

import (
	"encoding/csv"
	"fmt"
	"io"
)

// Template writes an empty candidates spreadsheet, as CSV, whose header is
// every API field in the order of Fields: FromHeader maps it without a
// mapping file. Rename the custom_fields.<name> column after a custom field
// of the account (add one column per custom field), or delete it.
func Template(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Fields()); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}
