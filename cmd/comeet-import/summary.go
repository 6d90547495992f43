package main

import (
	"encoding/json"
	"fmt"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/report"
)

// closeRun writes the machine-readable summary of a run that ended with
// err: to --summary FILE when given, and as the last line of a JSON log.
func closeRun(cfg importer.Config, f *runFlags, sum report.Summary, err error) error {
	sum.ExitCode = exitCode(err)
	if f.jsonLog {
		b, jerr := json.Marshal(sum)
		if jerr == nil {
			cfg.Logger.Log().RawJSON("summary", b).Msg("summary")
		}
	}
	if f.summaryPath == "" {
		return nil
	}
	if werr := sum.WriteFile(f.summaryPath); werr != nil {
		return fmt.Errorf("--summary: %w", werr)
	}
	return nil
}
