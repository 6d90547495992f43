package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// openReport creates the report and errors file; the CSV among them take
// the input's dialect (delimiter, byte-order mark, line ending), so they
// open in the same spreadsheet as the input. An import flushes them after
// every row it sent and every reportFlushRows rows, so a killed run's
// partial report says how far it got (`report` rebuilds the rest from the
// ledger).
// reportFlushRows is how many rows that sent nothing an import's report
// holds back at most.
const reportFlushRows = 256

func openReport(cfg Config, src *source.Reader) (*report.Writer, error) {
	flush := reportFlushRows
	if cfg.DryRun {
		flush = 0
	}
	out, err := report.Open(report.Config{
		FlushEvery:  flush,
		ReportPath:  cfg.ReportPath,
		ErrorsPath:  cfg.ErrorsPath,
		InputHeader: src.Header(),
		Dialect:     reportDialect(src.Dialect()),
	})
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// Name the setting, so the command line names its flag.
		if pe.Path == cfg.ReportPath+report.PartialSuffix {
			return nil, settingError(SettingReport, cfg.ReportPath, pe.Err)
		}
		return nil, settingError(SettingErrors, cfg.ErrorsPath, pe.Err)
	}
	return out, err
}

// reportDialect is the input's dialect for the report's CSV;
// report.WorkbookDialect for a workbook, which has none.
func reportDialect(d source.Dialect) report.Dialect {
	if d.Delimiter == 0 {
		return report.WorkbookDialect
	}
	return report.Dialect{Comma: d.Delimiter, BOM: d.BOM, CRLF: d.CRLF}
}

// summarize adds what the report knows to the run's summary: the files
// written and the most frequent problems.
func summarize(sum *report.Summary, cfg Config, out *report.Writer) {
	sum.ReportPath = cfg.ReportPath
	if out.ErrorRows() > 0 {
		sum.ErrorsPath = cfg.ErrorsPath
	}
	if !cfg.NoLedger {
		sum.LedgerPath = cfg.LedgerPath
	}
	sum.AddProblems(out.Problems())
	sum.Attention = out.Attention()
}

// errorsName is the errors file's default name for the input base: "c.errors.xlsx"
// for "c.xlsx". An errors file fixed and fed back ("c.errors.xlsx") gets the
// next number, "c.errors.2.xlsx", then "c.errors.3.xlsx", rather than
// "c.errors.errors.xlsx".
func errorsName(base string) string {
	stem, ext := filepath.Base(source.TrimExt(base)), errorsExt(base)
	if rest, ok := strings.CutSuffix(stem, ".errors"); ok {
		return rest + ".errors.2" + strings.TrimPrefix(ext, ".errors")
	}
	if i := strings.LastIndex(stem, ".errors."); i >= 0 {
		if n, err := strconv.Atoi(stem[i+len(".errors."):]); err == nil && n > 0 {
			return fmt.Sprintf("%s.errors.%d%s", stem[:i], n+1, strings.TrimPrefix(ext, ".errors"))
		}
	}
	return stem + ext
}

// errorsExt is the errors file's default extension: a workbook for a
// workbook input, CSV otherwise.
func errorsExt(input string) string {
	if report.IsWorkbook(input) {
		return ".errors.xlsx"
	}
	return ".errors.csv"
}
