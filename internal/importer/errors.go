package importer

import (
	"errors"
	"fmt"
)

// Setting names a part of the Config a ConfigError is about, so that the
// caller can name it in its own words: the command line names its flag.
type Setting string

// The settings a ConfigError may name. Their text is what Error shows when
// the caller does not name them itself.
const (
	SettingInput    Setting = "the input"
	SettingMapping  Setting = "the mapping"
	SettingFilesDir Setting = "the files directory"
	SettingReport   Setting = "the report"
	SettingErrors   Setting = "the errors file"
	SettingLedger   Setting = "the ledger"
)

// ConfigError is a problem with the settings, the mapping, the input's
// header, the files directory or the credentials: nothing was sent, and
// fixing the configuration is the way forward. The command exits 2 on it.
type ConfigError struct {
	// Setting is the setting at fault; empty when none alone is.
	Setting Setting
	// Path is the setting's value when it is a file, to quote it.
	Path string
	// Also is the other setting that names the same file as Setting, for
	// outputs that would overwrite an input or each other; Err is then nil.
	Also Setting
	Err  error
}

// Error describes the problem, naming the settings as the Setting constants
// spell them.
func (e *ConfigError) Error() string {
	return e.Describe(func(s Setting) string { return string(s) })
}

// Describe describes the problem, naming each setting as name spells it
// (a command line gives its flags' names).
func (e *ConfigError) Describe(name func(Setting) string) string {
	switch {
	case e.Setting == "":
		return e.Err.Error()
	case e.Also != "":
		return fmt.Sprintf("%s %s is also %s: give each its own file", name(e.Setting), e.Path, name(e.Also))
	case e.Path != "":
		return fmt.Sprintf("%s %s: %v", name(e.Setting), e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", name(e.Setting), e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// settingError is the ConfigError of one setting.
func settingError(s Setting, path string, err error) error {
	return &ConfigError{Setting: s, Path: path, Err: err}
}

func asConfigError(err error) error {
	if err == nil {
		return nil
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Err: err}
}

// ErrInterrupted is returned when the run was cancelled (SIGINT, SIGTERM)
// after the in-flight requests finished and the report was flushed.
var ErrInterrupted = errors.New("interrupted")

// ErrAuth is returned when Comeet refused the credentials, or their right
// to create candidates: the run stops at once, since every further row
// would be refused the same way.
var ErrAuth = errors.New("comeet refused the credentials")

// ErrLedger is returned when the ledger could not record a row (a full
// disk): the run stops sending at once, since a row whose send is not
// recorded would be sent again by the next run. It wraps the ledger's
// error (ledger.ErrWrite).
var ErrLedger = errors.New("the ledger could not record a row; sending stopped")

// ErrReport wraps the error of a report or errors file that could not be
// written (a full disk): the run stops sending at once, finishes the
// requests already on the wire (the ledger records them) and returns it.
// The previous report and errors file stay in place.
var ErrReport = errors.New("the report could not be written (the previous one is kept)")
