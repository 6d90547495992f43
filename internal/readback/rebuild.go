package readback

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// Rebuilt says what History.WriteReport wrote.
type Rebuilt struct {
	// Source is the input file of the last run, as the ledger recorded it;
	// "" when the ledger is empty.
	Source string
	// Counts are the rows written, by outcome.
	Counts report.Counts
	// Rows is the number of rows written.
	Rows int
}

// pendingMessage is the message of a row whose answer the ledger never
// recorded: the run stopped between the POST and Comeet's answer.
const pendingMessage = "sent, but the run stopped before Comeet's answer was recorded: the next import finds out whether Comeet has it"

// WriteReport rebuilds the report CSV of the last run from the ledger and
// writes it to w, in the report's columns and DefaultDialect. The last run
// is told by its input file: the source of the entry the ledger updated
// last. Every entry recorded for that source is written, ordered by row,
// with the latest outcome the ledger holds for it; an entry still pending
// is written as failed with comeet.CodeUncertainOutcome.
//
// The ledger only knows the rows that were sent (or refused by Comeet):
// rows found invalid before sending, rows skipped and rows the run never
// reached are not in it, so the rebuilt report can miss them. Rebuilt says
// what was written so the caller can say so.
func (h *History) WriteReport(ctx context.Context, w io.Writer) (Rebuilt, error) {
	var (
		last   Rebuilt
		latest ledger.Entry
		found  bool
	)
	err := h.l.Each(ctx, func(e ledger.Entry) error {
		if !found || !e.UpdatedAt.Before(latest.UpdatedAt) {
			latest, found = e, true
		}
		return nil
	})
	if err != nil {
		return last, fmt.Errorf("rebuild report: %w", err)
	}
	last.Source = latest.Source
	var results []report.Result
	if found {
		err = h.l.Each(ctx, func(e ledger.Entry) error {
			if e.Source == last.Source {
				results = append(results, resultOfEntry(e))
			}
			return nil
		})
		if err != nil {
			return last, fmt.Errorf("rebuild report: %w", err)
		}
	}
	slices.SortStableFunc(results, func(a, b report.Result) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Line, b.Line))
	})
	rw, err := report.NewWriterTo(w, nil, report.DefaultDialect, nil)
	if err != nil {
		return last, err
	}
	for i := range results {
		if err := rw.Write(&results[i], nil); err != nil {
			return last, fmt.Errorf("rebuild report: %w", err)
		}
	}
	if err := rw.Close(); err != nil {
		return last, fmt.Errorf("rebuild report: %w", err)
	}
	last.Counts, last.Rows = rw.Counts(), len(results)
	return last, nil
}

// resultOfEntry is the report line of one ledger entry.
func resultOfEntry(e ledger.Entry) report.Result {
	// The ledger keeps no value (names, email, messages): those columns
	// stay empty; the run's own report has them.
	r := report.Result{
		Row: e.Row, Line: e.Line,
		PartnerCandidateID: e.Key.PartnerCandidateID, PositionUID: e.Key.PositionUID,
		Outcome: report.Outcome(e.Outcome), CandidateUID: e.CandidateUID,
		HTTPStatus: e.HTTPStatus, ErrorCode: e.ErrorCode, Message: e.Message,
		Attempts: e.Attempts,
	}
	if e.State == ledger.StatePending || r.Outcome == "" {
		r.Outcome = report.Failed
		r.ErrorCode = comeet.CodeUncertainOutcome
		r.Message = pendingMessage
	}
	return r
}
