package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/report"
)

// closeRun tells the summary of a run that ended with err: as the last
// line of a JSON log, to --summary FILE, and as the --html FILE page. A
// summary file is written for a configuration error too (exit_code 2).
func closeRun(cfg importer.Config, f *runFlags, sum report.Summary, err error) error {
	sum.ExitCode = exitCode(err)
	var rf rowsFailedError
	if err != nil && !errors.As(err, &rf) {
		sum.Error = errorText(err)
	}
	if f.jsonLogs {
		sentence := sum.String()
		var ce *importer.ConfigError
		if errors.As(err, &ce) {
			sentence = "configuration error: nothing was sent"
		}
		logSummary(cfg.Logger, sentence, sum)
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

// summaryRunning replaces the --summary file, before the run starts, with
// one that says a run is under way (state "running", no exit code), so
// that a run killed midway never leaves the previous run's success for a
// monitor to read. The folders of --summary and --html are made when they
// do not exist.
func (f *runFlags) summaryRunning(cfg importer.Config) error {
	for _, o := range []struct{ flag, path string }{{"--summary", f.summaryPath}, {"--html", f.htmlPath}} {
		if o.path == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(o.path), 0o700); err != nil {
			return usageError{fmt.Errorf("%s %s: creating its folder: %w", o.flag, o.path, err)}
		}
	}
	if f.summaryPath == "" {
		return nil
	}
	if err := (report.Summary{DryRun: cfg.DryRun, Running: true, Counts: report.Counts{}}).WriteFile(f.summaryPath); err != nil {
		return usageError{fmt.Errorf("--summary: %w", err)}
	}
	return nil
}

// logSummary writes the summary as one JSON log line, whatever the level:
// the plain sentence is its message, the fields (report.Summary's JSON, a
// contract listed in the README, without the cells it quotes) are under
// "summary". Its level is error
// when the run ended early (s.Error), info otherwise.
func logSummary(log zerolog.Logger, sentence string, s report.Summary) {
	level := zerolog.LevelInfoValue
	if s.Error != "" {
		level = zerolog.LevelErrorValue
	}
	b, err := json.Marshal(s.Redacted())
	if err != nil {
		return // a struct of numbers and strings always marshals
	}
	log.Log().Str(zerolog.LevelFieldName, level).RawJSON("summary", b).Msg(sentence)
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
			if other.path != "" && other.name != o.flag && importer.SamePath(o.path, other.path) {
				return usageError{fmt.Errorf("%s %s is also %s: give each its own file", o.flag, o.path, other.name)}
			}
		}
	}
	return nil
}
