package importer

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// TestRowCheckerAgreesWithARun checks every row of the messy sheet (every
// kind of problem) one by one and holds each result to what a dry run
// reports for it: outcome, code, message and cells. Left out: what the row
// checker does not see by design, a row the source could not read into
// cells and a duplicate of another row.
func TestRowCheckerAgreesWithARun(t *testing.T) {
	cfg := dryConfig(t, filepath.Join("testdata", "messy-utf8.csv"))
	cfg.MappingFile = filepath.Join("testdata", "messy.mapping.csv")
	var fromRun []report.Result
	var fields [][]string
	cfg.OnRow = func(res *report.Result, f []string) {
		r := *res
		r.Cells = slices.Clone(res.Cells)
		fromRun = append(fromRun, r)
		fields = append(fields, slices.Clone(f))
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(cfg.Input, cfg.Source)
	if err != nil {
		t.Fatal(err)
	}
	header := src.Header()
	src.Close()
	c, err := NewRowChecker(cfg, header)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	invalid := 0
	for i, want := range fromRun {
		switch want.ErrorCode {
		case comeet.CodeMalformedRow, comeet.CodeInvalidEncoding, comeet.CodeDuplicateRow:
			continue
		}
		got := c.Check(want.Row, want.Line, fields[i])
		if got.Outcome != want.Outcome || got.ErrorCode != want.ErrorCode || got.Message != want.Message ||
			!slices.Equal(got.Cells, want.Cells) {
			t.Errorf("row %d: got %s %s %q %v,\nwant %s %s %q %v", want.Row, got.Outcome, got.ErrorCode, got.Message,
				got.Cells, want.Outcome, want.ErrorCode, want.Message, want.Cells)
		}
		if want.Outcome == report.Invalid {
			invalid++
		}
	}
	if len(fromRun) < 5 || invalid < 3 {
		t.Fatalf("the sheet gave %d rows, %d invalid: want a sheet with problems to compare", len(fromRun), invalid)
	}
}
