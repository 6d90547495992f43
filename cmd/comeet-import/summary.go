package main

import (
	"encoding/json"
	"fmt"
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
