package importer

import (
	"context"
	"hash/maphash"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// RowChecker checks one row at a time with a run's own checker and words:
// the mapping, the referenced files and the field rules, so that a row
// edited on the page is judged at once, with the messages the report would
// give. What needs the whole file or the network is left to the run: the
// duplicates inside the file, the ledger, the positions in Comeet. It is
// safe for concurrent use.
type RowChecker struct {
	r       *run
	checker *checker
	words   wording
}

// NewRowChecker binds cfg's mapping (or the header itself) to header and
// opens cfg's files folder, as a run does; Close releases them.
func NewRowChecker(cfg Config, header []string) (*RowChecker, error) {
	cfg = cfg.WithDefaults()
	r := &run{cfg: cfg}
	binder, err := bindMapping(cfg, header, "")
	if err != nil {
		r.close()
		return nil, openError(context.Background(), err)
	}
	files, err := r.openFiles()
	if err != nil {
		r.close()
		return nil, openError(context.Background(), err)
	}
	return &RowChecker{r: r, checker: newChecker(binder, files, cfg.Rules, header), words: wording{header: header}}, nil
}

// newChecker is the checker of a run, and of a RowChecker, on header.
func newChecker(b *mapping.Binder, files *attach.Files, rules *comeet.Rules, header []string) *checker {
	return &checker{binder: b, files: files, rules: rules, cells: newCellUse(b, header), seed: maphash.MakeSeed(), words: wording{header: header}}
}

// Check returns what a dry run would report for the record numbered at (and
// line) holding fields, short of the checks of the whole file: invalid with
// its message and cells, or valid. fields is not kept.
func (c *RowChecker) Check(at, line int, fields []string) report.Result {
	rw := &row{}
	rw.init(source.Record{Row: at, Line: line, Fields: append([]string(nil), fields...)})
	c.checker.check(rw)
	switch {
	case rw.finished():
	case len(rw.problems) > 0:
		c.words.invalid(rw, rw.problems)
	default:
		rw.finish(report.Valid, "", "")
	}
	return rw.res
}

// Close releases the files folder.
func (c *RowChecker) Close() error { return c.r.close() }
