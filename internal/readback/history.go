package readback

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// HistoryHeader is the header of the history CSV, one line per ledger entry.
var HistoryHeader = []string{
	"position_uid", "partner_candidate_id", "state", "outcome", "candidate_uid",
	"http_status", "error_code", "message", "attempts", "total_attempts", "runs",
	"row", "line", "source", "first_seen", "updated_at",
	"files", "file_sizes", "file_sha256s", "response_status", "response_time_created",
}

// History is a ledger opened read-only for export.
type History struct {
	l *ledger.Ledger
}

// OpenHistory opens the ledger at path read-only. It cannot while an
// import holds the ledger: a *SettingError wrapping ledger.ErrLocked.
func OpenHistory(ctx context.Context, path string) (*History, error) {
	l, err := ledger.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, &SettingError{Setting: SettingLedger, Err: err}
	}
	return &History{l: l}, nil
}

// Write writes the ledger as CSV to w, one line per entry, oldest first,
// every cell neutralised against formulas.
func (h *History) Write(ctx context.Context, w io.Writer) error {
	cw := report.NewCSVWriter(w)
	cw.Write(HistoryHeader)
	err := h.l.Each(ctx, func(e ledger.Entry) error {
		return cw.Write(historyRecord(e))
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// Close releases the ledger.
func (h *History) Close() error { return h.l.Close() }

// historyRecord is one entry as CSV cells.
func historyRecord(e ledger.Entry) []string {
	var names, sizes, sums []string
	for _, f := range e.Sent.Files {
		names = append(names, f.Slot) // the ledger keeps no file name
		sizes = append(sizes, strconv.FormatInt(f.Size, 10))
		sums = append(sums, f.SHA256)
	}
	var status, created string
	if e.Response != nil {
		status, created = e.Response.Status, e.Response.TimeCreated
	}
	return []string{
		e.Key.PositionUID, e.Key.PartnerCandidateID, string(e.State), e.Outcome, e.CandidateUID,
		itoaOrEmpty(e.HTTPStatus), e.ErrorCode, e.Message,
		strconv.Itoa(e.Attempts), strconv.Itoa(e.TotalAttempts), strconv.Itoa(e.Runs),
		itoaOrEmpty(e.Row), itoaOrEmpty(e.Line), e.Source,
		timeOrEmpty(e.FirstSeen), timeOrEmpty(e.UpdatedAt),
		strings.Join(names, "; "), strings.Join(sizes, "; "), strings.Join(sums, "; "),
		status, created,
	}
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
