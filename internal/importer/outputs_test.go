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

// Outputs into folders that do not exist yet (a cron line writing into
// reports/) are written there: the folders are made, its owner's only; a
// folder that cannot be made stops the run before it starts, naming the
// setting.
func TestOutputFoldersAreMade(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeInput(rigRows(1, 2))
	g.cfg.ReportPath = filepath.Join(g.dir, "reports", "nightly", "run.report.csv")
	g.cfg.ErrorsPath = filepath.Join(g.dir, "reports", "errors", "run.errors.csv")
	g.cfg.LedgerPath = filepath.Join(g.dir, "state", "ledger.db")
	if _, err := Run(t.Context(), g.cfg); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, p := range []string{g.cfg.ReportPath, g.cfg.LedgerPath} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if st, err := os.Stat(filepath.Dir(g.cfg.ReportPath)); err != nil || st.Mode().Perm() != outputFolderMode {
		t.Errorf("the report's folder: %v, %v; want mode %v", st.Mode(), err, os.FileMode(outputFolderMode))
	}

	blocker := filepath.Join(g.dir, "a-file")
	os.WriteFile(blocker, nil, 0o600)
	g.cfg.ReportPath = filepath.Join(blocker, "run.report.csv")
	_, err := Run(t.Context(), g.cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Setting != SettingReport || !strings.Contains(err.Error(), "creating its folder") {
		t.Fatalf("got %v, want a ConfigError naming the report's setting", err)
	}
}

// Issue 17: an errors file fixed and fed back gets the next number, not
// "errors.errors".
func TestErrorsNameOfAnErrorsFile(t *testing.T) {
	for in, want := range map[string]string{
		"/d/cands.xlsx": "cands.errors.xlsx", "cands.csv": "cands.errors.csv",
		"/d/cands.errors.xlsx": "cands.errors.2.xlsx", "cands.errors.csv": "cands.errors.2.csv",
		"cands.errors.2.xlsx": "cands.errors.3.xlsx", "cands.errors.x.csv": "cands.errors.x.errors.csv",
	} {
		if got := errorsName(in); got != want {
			t.Errorf("errorsName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Issue 17: "--report -" is refused naming the setting, rather than
// writing a file named "-".
func TestOutputDashRefused(t *testing.T) {
	g := newRig(t, comeettest.Options{})
	g.writeInput(rigRows(1, 1))
	g.cfg.ReportPath = "-"
	_, err := Run(t.Context(), g.cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Setting != SettingReport {
		t.Fatalf("got %v, want a ConfigError naming the report's setting", err)
	}
	if _, err := os.Stat(filepath.Join(g.dir, "-")); err == nil {
		t.Error("a file named - was written")
	}
}

// An output that cannot be created (here its .partial name is taken by a
// folder, which also stops root) is refused naming its setting, so the
// command line names the flag, not only a raw "open ...: permission denied".
func TestOutputNotCreatedNamesSetting(t *testing.T) {
	for _, want := range []Setting{SettingReport, SettingErrors} {
		g := newRig(t, comeettest.Options{})
		g.writeInput(rigRows(1, 1))
		g.cfg.ReportPath = filepath.Join(g.dir, "run.report.csv")
		g.cfg.ErrorsPath = filepath.Join(g.dir, "run.errors.csv")
		path := map[Setting]string{SettingReport: g.cfg.ReportPath, SettingErrors: g.cfg.ErrorsPath}[want]
		if err := os.Mkdir(path+".partial", 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := Run(t.Context(), g.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Setting != want || ce.Path != path {
			t.Errorf("got %v (%+v), want a ConfigError naming %s %s", err, ce, want, path)
		}
	}
}
