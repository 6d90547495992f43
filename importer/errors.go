package importer

import (
	"errors"
	"fmt"
)

// ConfigError is a problem with the flags, the mapping, the input's header,
// the files directory or the credentials: nothing was sent, and fixing the
// configuration is the way forward. The command exits 2 on it.
type ConfigError struct {
	Err error
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Err: fmt.Errorf(format, args...)}
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

// ErrAuth is returned when Comeet refused the credentials: the run stops at
// once, since every further row would be refused the same way.
var ErrAuth = errors.New("comeet refused the credentials")

// ErrLedger is returned when the ledger could not record a row (a full
// disk): the run stops sending at once, since a row whose send is not
// recorded would be sent again by the next run. It wraps the ledger's
// error (ledger.ErrWrite).
var ErrLedger = errors.New("the ledger could not record a row; sending stopped")
