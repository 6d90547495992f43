package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

// TestOutputsNeverOverwriteInputs: a mistyped --report or --errors must not
// truncate the spreadsheet (or the mapping) before it is read.
func TestOutputsNeverOverwriteInputs(t *testing.T) {
	srv := comeettest.NewServer(comeettest.Options{})
	defer srv.Close()
	tests := []struct {
		name string
		edit func(c *Config)
		want Setting // the setting named as the other file's
	}{
		{"report is the input", func(c *Config) { c.ReportPath = c.Input }, SettingReport},
		{"errors is the input via another spelling", func(c *Config) {
			c.ErrorsPath = filepath.Join(filepath.Dir(c.Input), ".", filepath.Base(c.Input))
		}, SettingErrors},
		{"report is the errors file", func(c *Config) {
			c.ReportPath = filepath.Join(filepath.Dir(c.Input), "out.csv")
			c.ErrorsPath = c.ReportPath
		}, SettingErrors},
		{"errors is the mapping", func(c *Config) {
			c.MappingFile = filepath.Join(filepath.Dir(c.Input), "m.csv")
			os.WriteFile(c.MappingFile, []byte("field,column,default\nposition_uid,position_uid,\n"), 0o600)
			c.ErrorsPath = c.MappingFile
		}, SettingMapping},
		{"ledger is the input", func(c *Config) { c.LedgerPath = c.Input }, SettingLedger},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := writeInput(t, testHeader, testRows(2))
			before, _ := os.ReadFile(input)
			stBefore, _ := os.Stat(input)
			cfg := testConfig(input, srv)
			tt.edit(&cfg)
			_, err := Run(context.Background(), cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || (ce.Setting != tt.want && ce.Also != tt.want) || !strings.Contains(err.Error(), string(tt.want)) {
				t.Fatalf("got %v (%+v), want a ConfigError naming %s", err, ce, tt.want)
			}
			if after, _ := os.ReadFile(input); string(after) != string(before) {
				t.Fatal("the input changed")
			}
			if st, _ := os.Stat(input); st.Mode() != stBefore.Mode() {
				t.Fatalf("the input's mode changed from %v to %v", stBefore.Mode(), st.Mode())
			}
		})
	}
}
