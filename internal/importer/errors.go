package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/comeet-import/comeet-import/internal/comeet"
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

// openError is what a failure to open the run is: an interruption (a
// header read cut short is no configuration error), Comeet unreachable,
// or else a configuration error.
func openError(ctx context.Context, err error) error {
	var ce *ConfigError
	switch {
	case ctx.Err() != nil:
		return ErrInterrupted
	case errors.Is(err, ErrUnreachable), errors.As(err, &ce):
		return err
	}
	return &ConfigError{Err: err}
}

// ErrUnreachable wraps the failure of a request that Comeet did not answer
// for good (a network failure, a 5xx or 429 through every retry) where the
// run cannot go on without it: the run itself broke, and nothing in the
// configuration is shown to be wrong.
var ErrUnreachable = errors.New("comeet unreachable")

// unreachable wraps err in ErrUnreachable when no answer of Comeet's
// blames the request or the credentials.
func unreachable(err error) error {
	var ae *comeet.APIError
	if errors.As(err, &ae) && ae.Kind() != comeet.KindTransient && ae.Kind() != comeet.KindThrottled {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
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
