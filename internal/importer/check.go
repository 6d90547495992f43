package importer

import (
	"errors"
	"hash/maphash"
	"strings"

	"github.com/comeet-import/comeet-import/internal/attach"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// checker turns a record into a candidate and its problems: mapping, the
// referenced files and the field rules, the work that needs nothing but the
// row, so that rows are checked several at a time. It touches no ledger and
// no network; it is safe for concurrent use.
type checker struct {
	binder *mapping.Binder
	files  *attach.Files
	rules  *comeet.Rules
	cells  *cellUse     // nil: no workbook notes to apply
	seed   maphash.Seed // for keyHash, shared with the admitter's keySet
	words  wording      // a warning of the mapping's in the sheet's terms
	// names resolves a position named by its name to its uid: listed
	// when the run opens (Config.CheckPositions) or when an import's first
	// row names a position; nil on a dry run that does not check positions.
	names *namesOnce
}

// check fills in rw's candidate and problems for the admitter. A row that
// cannot be mapped at all is finished at once (invalid).
func (k *checker) check(rw *row) {
	rec := rw.rec
	if rec.Err != nil {
		rw.finish(report.Invalid, recordCode(rec.Err), rec.Err.Error())
		return
	}
	plainCells(rec.Fields)
	if k.cells != nil {
		problem, warnings := k.cells.apply(rec)
		if problem != "" {
			rw.finish(report.Invalid, codeUncomputed, problem)
			return
		}
		rw.warnings = warnings
	}
	cand, problems, warns := k.binder.Map(rec.Fields)
	for _, w := range k.located(rec.Fields, warns) {
		rw.warnings = append(rw.warnings, k.words.problem(rec.Fields, w))
	}
	if cand == nil {
		rw.finish(report.Invalid, firstCode(problems), joinProblems(problems))
		return
	}
	rw.cand = cand
	k.rules.Normalize(cand)
	named, failed := k.resolvePosition(rw)
	rw.describe()
	if failed != "" {
		rw.finish(report.Failed, CodePositionsUnlisted, failed)
		return
	}
	checked := append(append(named, k.files.AttachRow(rec.Row, cand)...), k.rules.Check(cand)...)
	rw.problems = k.located(rec.Fields, k.binder.Explain(problems, checked))
	rw.keyHash = keyHash(k.seed, cand)
}

// located gives each problem the input column its field came from.
func (k *checker) located(fields []string, ps []comeet.Problem) []problem {
	if len(ps) == 0 {
		return nil
	}
	out := make([]problem, len(ps))
	for i, p := range ps {
		col := -1
		if p.Field != "" {
			col = k.binder.ColumnOf(fields, p.Field)
		}
		out[i] = problem{Problem: p, Column: col}
	}
	return out
}

// keyHash is the 64-bit hash of the candidate's (position_uid,
// partner_candidate_id), computed with the checks, on every CPU, so that
// the duplicate check in input order only has to look it up.
func keyHash(seed maphash.Seed, c *comeet.Candidate) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(c.PositionUID)
	h.WriteByte(0)
	h.WriteString(c.PartnerCandidateID)
	return h.Sum64()
}

// recordCode is the error code of a record the source could not read into
// cells: bytes that are not text, or a ragged row or broken quote.
func recordCode(err error) string {
	if errors.Is(err, source.ErrEncoding) {
		return comeet.CodeInvalidEncoding
	}
	return comeet.CodeMalformedRow
}

// plainCells removes the apostrophe that report.Neutralize puts before a
// cell starting like a formula (= + - @), so that a row of an errors file,
// fixed and fed back, is sent as it was first read: "'+34 612 345 678"
// goes out as "+34 612 345 678". The report writes the cells neutralized
// again, so the errors file of the next run reads the same.
func plainCells(fields []string) {
	for i, f := range fields {
		fields[i] = source.Deneutralize(f)
	}
}

func firstCode(problems []comeet.Problem) string {
	if len(problems) == 0 {
		return comeet.CodeMalformedRow
	}
	return problems[0].Code
}

func joinProblems(problems []comeet.Problem) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}
