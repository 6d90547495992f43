package main

import (
	"errors"
	"testing"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// The importer names settings; the command line names its flags.
func TestErrorTextNamesFlags(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&importer.ConfigError{Setting: importer.SettingFilesDir, Err: errors.New("no such folder")}, "--files-dir: no such folder"},
		{&importer.ConfigError{Setting: importer.SettingLedger, Path: "l.db", Err: errors.New("locked")}, "--ledger l.db: locked"},
		{&importer.ConfigError{Setting: importer.SettingReport, Path: "in.csv", Also: importer.SettingInput},
			"--report in.csv is also the input: give each its own file"},
		{&importer.ConfigError{Setting: importer.SettingErrors, Path: "m.csv", Also: importer.SettingMapping},
			"--errors m.csv is also --mapping: give each its own file"},
		{&importer.ConfigError{Err: errors.New("plain")}, "plain"},
		{errors.New("other"), "other"},
	}
	for _, tt := range tests {
		if got := errorText(tt.err); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
