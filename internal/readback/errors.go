package readback

import "fmt"

// Setting names the file a SettingError is about, so that the caller can
// name it in its own words (the command line names its flag).
type Setting string

// The settings a SettingError may name.
const (
	SettingLedger Setting = "the ledger"
	SettingReport Setting = "the report"
)

// SettingError is a ledger or report that could not be opened or written,
// a ledger of another account, or credentials the client refuses before
// any request (Setting empty): fixing the configuration is the way
// forward.
type SettingError struct {
	Setting Setting
	// Path is the file, to quote it; empty when the caller names it.
	Path string
	Err  error
}

func (e *SettingError) Error() string {
	switch {
	case e.Setting == "":
		return e.Err.Error()
	case e.Path == "":
		return fmt.Sprintf("%s: %v", e.Setting, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Setting, e.Path, e.Err)
}

func (e *SettingError) Unwrap() error { return e.Err }
