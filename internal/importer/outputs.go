package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// checkOutputs refuses a run whose report (or its match report of files),
// errors file or ledger would
// overwrite the input, the mapping or each other: creating the report
// truncates its file, and a mistyped report path must not wipe the
// spreadsheet it is about to read.
func checkOutputs(cfg Config) error {
	type named struct {
		setting Setting
		path    string
	}
	outputs := []named{{SettingReport, cfg.ReportPath}, {SettingErrors, cfg.ErrorsPath}}
	if !cfg.NoLedger {
		outputs = append(outputs, named{SettingLedger, cfg.LedgerPath})
	}
	outputs = append(outputs, named{SettingReport, cfg.filesReportPath()}) // the match report, when there is one
	inputs := []named{{SettingMapping, cfg.MappingFile}}
	if cfg.Input != Stdin {
		inputs = append(inputs, named{SettingInput, cfg.Input})
	}
	for i, o := range outputs {
		if o.path == "" {
			continue
		}
		if o.path == Stdin {
			return &ConfigError{Setting: o.setting, Path: o.path, Err: errors.New("the outputs are files: give a path (the summary goes to standard error; --summary FILE writes it as JSON)")}
		}
		if err := makeFolder(o.path); err != nil {
			return &ConfigError{Setting: o.setting, Path: o.path, Err: err}
		}
		for _, other := range append(inputs, outputs[i+1:]...) {
			if other.path != "" && SamePath(o.path, other.path) {
				return &ConfigError{Setting: o.setting, Path: o.path, Also: other.setting}
			}
		}
	}
	return nil
}

// SamePath reports whether a and b name one file: the same clean absolute
// path, or, when both exist, the same file on disk (links included).
func SamePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// outputFolderMode is the permission of a folder made for the outputs: they
// hold personal data, so it is its owner's only.
const outputFolderMode = 0o700

// makeFolder creates the folder an output goes in when it does not exist
// (a cron line writing into reports/ before anyone made it), before the
// run starts, so that a folder that cannot be made stops it naming the
// setting rather than failing at the first row.
func makeFolder(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("creating its folder: %s is not a folder", dir)
		}
		return nil
	}
	if err := os.MkdirAll(dir, outputFolderMode); err != nil {
		return fmt.Errorf("creating its folder: %w", err)
	}
	return nil
}
