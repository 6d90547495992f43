package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/report"
)

// closeRun writes the summary of a run that ended with err: to --summary
// FILE, as the last line of a JSON log, and as the --html FILE page.
func closeRun(cfg importer.Config, f *runFlags, sum report.Summary, err error) error {
	sum.ExitCode = exitCode(err)
	if f.jsonLog {
		b, jerr := json.Marshal(sum)
		if jerr == nil {
			cfg.Logger.Log().RawJSON("summary", b).Msg("summary")
		}
	}
	if f.summaryPath != "" {
		if werr := sum.WriteFile(f.summaryPath); werr != nil {
			return fmt.Errorf("--summary: %w", werr)
		}
	}
	if f.htmlPath != "" {
		page := report.HTMLPage{Title: filepath.Base(cfg.Input), Generated: time.Now(), Summary: sum, Attention: sum.Attention}
		if werr := report.WriteHTMLFile(f.htmlPath, page); werr != nil {
			return fmt.Errorf("--html: %w", werr)
		}
	}
	return nil
}

// checkSummaryOutputs refuses a --summary or --html that names the input,
// the mapping, another output or each other: writing it would replace
// that file.
func checkSummaryOutputs(cfg importer.Config, f *runFlags) error {
	others := []struct{ name, path string }{{"the input", cfg.Input}, {"--mapping", cfg.MappingFile},
		{"--report", cfg.ReportPath}, {"--errors", cfg.ErrorsPath}, {"--ledger", cfg.LedgerPath}, {"--summary", f.summaryPath}}
	for _, o := range []struct{ flag, path string }{{"--summary", f.summaryPath}, {"--html", f.htmlPath}} {
		if o.path == "" {
			continue
		}
		for _, other := range others {
			if other.path != "" && other.name != o.flag && sameFile(o.path, other.path) {
				return usageError{fmt.Errorf("%s %s is also %s: give each its own file", o.flag, o.path, other.name)}
			}
		}
	}
	return nil
}

// sameFile reports whether a and b name one file: the same absolute path,
// or the same file on disk.
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
