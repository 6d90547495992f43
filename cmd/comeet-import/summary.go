package main

import (
	"errors"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/importer"
	"github.com/comeet-import/comeet-import/report"
)

// summaryLine is the run's summary as the last line of a --log-format json
// run: the object under "summary". Its fields are a contract (the README's
// "Summary for cron" lists them); new fields may be added, none renamed.
type summaryLine struct {
	Command string `json:"command"` // import or validate
	DryRun  bool   `json:"dry_run"`
	Rows    int    `json:"rows"`
	// Counts has every outcome, zeros included.
	Counts         map[report.Outcome]int `json:"counts"`
	ElapsedSeconds float64                `json:"elapsed_seconds"`
	// Requests counts the requests sent, retries included; Throttled the
	// 429 answers; BudgetUsed the share (0..1) of the allowed rate used.
	Requests        int     `json:"requests"`
	Throttled       int     `json:"throttled"`
	BudgetUsed      float64 `json:"budget_used"`
	Slowdowns       int     `json:"slowdowns"`
	LowestPerMinute float64 `json:"lowest_per_minute"`
	// Report, Errors and Ledger are the files; Errors is empty when no row
	// needs fixing (no errors file is left), Ledger without a ledger.
	Report string `json:"report"`
	Errors string `json:"errors"`
	Ledger string `json:"ledger"`
	// NewInvalid counts the invalid rows whose problem the
	// ledger did not know from an earlier run (what --fail-on new counts).
	NewInvalid int `json:"new_invalid"`
	ExitCode   int `json:"exit_code"`
	// Error is why the run ended early (interrupted, credentials refused).
	Error string `json:"error,omitempty"`
}

func newSummaryLine(dryRun bool, res importer.Result, code int, err error) summaryLine {
	s := summaryLine{
		Command: "import", DryRun: dryRun, Rows: res.Counts.Total(),
		Counts:         map[report.Outcome]int{},
		ElapsedSeconds: res.Elapsed.Seconds(),
		Requests:       res.Sent, Throttled: res.Throttled, BudgetUsed: res.BudgetUsed,
		Slowdowns: res.Slowdowns, LowestPerMinute: res.LowestPerMinute,
		Report: res.Paths.Report, Errors: res.Paths.Errors, Ledger: res.Paths.Ledger,
		NewInvalid: res.NewInvalid,
		ExitCode:   code,
	}
	if dryRun {
		s.Command = "validate"
	}
	for _, o := range report.Outcomes {
		s.Counts[o] = res.Counts[o]
	}
	var rf rowsFailedError
	if err != nil && !errors.As(err, &rf) {
		s.Error = errorText(err)
	}
	return s
}

// logSummary writes the summary as one JSON log line, whatever the level:
// the plain sentence is its message, the fields are under "summary". Its
// level is error when the run ended early (s.Error), info otherwise.
func logSummary(log zerolog.Logger, sentence string, s summaryLine) {
	level := zerolog.LevelInfoValue
	if s.Error != "" {
		level = zerolog.LevelErrorValue
	}
	log.Log().Str(zerolog.LevelFieldName, level).Interface("summary", s).Msg(sentence)
}
