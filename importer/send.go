package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
	"github.com/comeet-import/comeet-import/report"
)

// send posts one row and records the answer in the row and the ledger.
// The request runs on sendCtx, which an interruption cancels only after the
// grace period, so a request already on the wire is seen to its answer.
//
// The pending entry is written after the rate limiter let the request go
// and right before it leaves (comeet.BeforeSend), so a row that only waited
// is not counted as sent. A ledger that cannot record (ledger.ErrWrite)
// stops the run: the row is not sent when its pending entry failed, and a
// row whose answer could not be recorded says so.
func (r *run) send(sendCtx context.Context, rw *row) (fatal error) {
	var opts []comeet.CreateOption
	begun := false
	if r.ledger != nil {
		opts = append(opts, comeet.BeforeSend(func(ctx context.Context) error {
			if err := r.ledger.Begin(ctx, r.entry(rw, ledger.StatePending)); err != nil {
				return err
			}
			begun = true
			return nil
		}))
	}
	r.stats.started(time.Now())
	reply, err := r.client.CreateCandidate(sendCtx, rw.cand, opts...)
	r.stats.finished(time.Now(), reply)
	if r.ledger != nil && !begun && reply.Attempts == 0 && errors.Is(err, ledger.ErrWrite) {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: the ledger could not record it: %v", err))
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	fatal = r.record(rw, reply, err)
	if r.ledger != nil && begun {
		e := r.entry(rw, ledger.StateDone)
		e.Response = reply.Created
		if err := r.ledger.Finish(sendCtx, e); err != nil {
			r.log.Error().Err(err).Int("row", rw.rec.Row).Msg("ledger: recording the answer failed; a re-run will send this row again and get a conflict")
			rw.res.Message = strings.TrimPrefix(rw.res.Message+"; the ledger could not record this answer: a re-run sends the row again", "; ")
			if fatal == nil {
				fatal = fmt.Errorf("%w: %w", ErrLedger, err)
			}
		}
	}
	return fatal
}

// record turns Comeet's answer into the row's outcome. It returns ErrAuth
// when the credentials were refused, which stops the run.
func (r *run) record(rw *row, reply comeet.Reply, err error) error {
	rw.res.Attempts = reply.Attempts
	rw.res.HTTPStatus = reply.Status
	if err == nil {
		if reply.Created != nil {
			rw.res.CandidateUID = reply.Created.UID
		}
		rw.finish(report.Created, "", "")
		return nil
	}
	var ae *comeet.APIError
	if errors.As(err, &ae) {
		rw.res.HTTPStatus = ae.Status
		o, fatal := classify(ae)
		if o == report.Conflict {
			rw.res.CandidateUID = ae.CandidateUID
		}
		rw.finish(o, codeOf(ae), messageOf(ae, reply.Attempts))
		return fatal
	}
	switch {
	case reply.Attempts == 0 && errors.Is(err, context.Canceled):
		rw.finish(report.Failed, codeInterrupted, "not sent: the run was interrupted")
	case errors.Is(err, context.Canceled):
		rw.finish(report.Failed, codeInterrupted, "interrupted while waiting for Comeet's answer; a re-run sends it again and a conflict then means it had arrived")
	default:
		rw.finish(report.Failed, codeNetwork, fmt.Sprintf("after %d attempts: %v", reply.Attempts, err))
	}
	return nil
}

// Error codes of our own for failures that have no Comeet code.
const (
	codeInterrupted = "interrupted"
	codeNetwork     = "network"
	codeHTTP        = "http_error"
)

// classify maps a Comeet error to an outcome by its code first: 401 and 403
// carry several meanings (duplicate_candidate is a 401 about the data, not
// the credentials).
func classify(ae *comeet.APIError) (report.Outcome, error) {
	switch {
	case ae.Code == comeet.CodeCandidatePostConflict:
		return report.Conflict, nil
	case ae.Code == comeet.CodeDuplicateCandidate:
		return report.Invalid, nil
	case ae.Status == 401:
		return report.Failed, ErrAuth
	case ae.Code == comeet.CodeNoPermission:
		return report.Failed, nil
	case ae.Status == 429 || ae.Status >= 500 || ae.Code == "":
		return report.Failed, nil
	case ae.Status >= 400:
		return report.Invalid, nil
	}
	return report.Failed, nil
}

func codeOf(ae *comeet.APIError) string {
	if ae.Code != "" {
		return ae.Code
	}
	return codeHTTP
}

func messageOf(ae *comeet.APIError, attempts int) string {
	msg := ae.Message
	if msg == "" {
		msg = ae.Error()
	}
	if attempts > 1 {
		msg = fmt.Sprintf("%s (after %d attempts)", msg, attempts)
	}
	return msg
}

// entry is the ledger's view of the row.
func (r *run) entry(rw *row, state ledger.State) ledger.Entry {
	return ledger.Entry{
		Key:          rw.cand.Key(),
		State:        state,
		Outcome:      string(rw.res.Outcome),
		CandidateUID: rw.res.CandidateUID,
		HTTPStatus:   rw.res.HTTPStatus,
		ErrorCode:    rw.res.ErrorCode,
		Message:      rw.res.Message,
		Attempts:     rw.res.Attempts,
		RowHash:      rw.hash,
		Sent:         ledger.SentOf(rw.cand),
		Row:          rw.rec.Row,
		Line:         rw.rec.Line,
		Source:       r.sourceName,
	}
}
