package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// creator is the part of comeet.Client the sender needs.
type creator interface {
	CreateCandidate(ctx context.Context, c *comeet.Candidate, opts ...comeet.CreateOption) (comeet.Reply, error)
}

// sender posts rows to Comeet and records each answer in the row and the
// ledger: a row's pending entry is on disk before its POST leaves, so a
// crash in between leaves a trace a re-run reads. It is safe for concurrent
// use by the workers.
type sender struct {
	client creator
	ledger *ledger.Ledger // nil without a ledger
	stats  *stats
	source string // the input's name, for the ledger
	log    zerolog.Logger
	// updater updates the rows the admitter decided to update; nil
	// without --update.
	updater *updater
	// lost finds the candidates of rows whose earlier POST may have
	// arrived (lost.go).
	lost lostIndex
}

// sendRow creates rw's candidate, or updates it when the admitter decided so.
func (s *sender) sendRow(ctx context.Context, rw *row) error {
	if rw.plan != nil {
		return s.updater.send(ctx, rw)
	}
	return s.send(ctx, rw)
}

// send posts one row and records the answer. ctx is the request's: an
// interruption cancels it only after the grace period, so a request already
// on the wire is seen to its answer. It returns ErrAuth when Comeet refused
// the credentials, which stops the run.
//
// The pending entry is written after the rate limiter let the request go
// and right before it leaves (comeet.BeforeSend), so a row that only waited
// is not counted as sent. A ledger that cannot record (ledger.ErrWrite)
// stops the run (ErrLedger): the row is not sent when its pending entry
// failed, and a row whose answer could not be recorded says so.
func (s *sender) send(ctx context.Context, rw *row) (fatal error) {
	if found, fatal := s.findLost(ctx, rw); found {
		return fatal
	}
	var opts []comeet.CreateOption
	begun := false
	if s.ledger != nil {
		rw.sent = s.ledger.SentOf(rw.cand)
		opts = append(opts, comeet.BeforeSend(func(ctx context.Context) error {
			if err := s.ledger.Begin(ctx, s.entry(rw, ledger.StatePending)); err != nil {
				return err
			}
			begun = true
			return nil
		}))
	}
	sentAt := time.Now()
	opts = append(opts, comeet.BeforeRetry(func(ctx context.Context) error { return s.lookBeforeResend(ctx, rw, sentAt) }))
	s.stats.started(sentAt)
	reply, err := s.client.CreateCandidate(ctx, rw.cand, opts...)
	s.stats.finished(time.Now(), reply)
	if s.ledger != nil && !begun && reply.Attempts == 0 && errors.Is(err, ledger.ErrWrite) {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: the ledger could not record it: %v", err))
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	var found *foundError
	if errors.As(err, &found) {
		reply.Created = &found.rec.Created
		foundOnRetry(rw, reply, found)
	} else {
		fatal = record(rw, reply, err)
	}
	if s.ledger != nil && begun {
		e := s.entry(rw, ledger.StateDone)
		e.Response = reply.Created
		if err := s.ledger.Finish(ctx, e); err != nil {
			s.log.Error().Err(err).Int("row", rw.rec.Row).Msg("ledger: recording the answer failed; a re-run will send this row again and get a conflict")
			rw.res.Message = strings.TrimPrefix(rw.res.Message+"; the ledger could not record this answer: a re-run sends the row again", "; ")
			if fatal == nil {
				fatal = fmt.Errorf("%w: %w", ErrLedger, err)
			}
		}
	}
	return fatal
}

// record turns Comeet's answer into the row's outcome. It returns ErrAuth
// when the answer stops the run (comeet.ErrorKind.StopsRun).
func record(rw *row, reply comeet.Reply, err error) error {
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
		kind := ae.Kind()
		o := outcomeOf(kind)
		if o == report.Conflict {
			rw.res.CandidateUID = ae.CandidateUID
		}
		rw.finish(o, codeOf(ae), messageOf(ae, reply.Attempts))
		if kind.StopsRun() {
			if ae.ClockSkew != 0 {
				// The credentials may be right: the clock is what to fix.
				return fmt.Errorf("%w: %v", ErrAuth, ae)
			}
			return ErrAuth
		}
		return nil
	}
	var changed *comeet.FileChangedError
	switch {
	case errors.As(err, &changed):
		rw.finish(report.Failed, codeFileChanged, fileChangedMessage(changed))
	case reply.Attempts == 0 && errors.Is(err, context.Canceled):
		rw.finish(report.NotSent, codeInterrupted, "not sent: the run was interrupted")
	case reply.Attempts == reply.Throttled && errors.Is(err, context.Canceled):
		// Every attempt was refused with a 429, so none created it: the stop
		// came while it waited to try again.
		rw.finish(report.NotSent, codeInterrupted, "not sent: the run was interrupted while it waited to retry after Comeet's 429 (too many requests)")
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
	// codeNotSent: the run stopped (refused credentials) before the row's
	// first attempt; codeStopped: after it, so it may have arrived.
	codeNotSent = "not_sent"
	codeStopped = "stopped"
	codeNetwork = "network"
	codeHTTP    = "http_error"
)

// outcomeOf is the row's outcome for a failed answer of this kind: the data
// is invalid, the candidate exists, or the row failed (retries exhausted,
// refused credentials, an answer that is not Comeet's).
func outcomeOf(k comeet.ErrorKind) report.Outcome {
	switch k {
	case comeet.KindConflict:
		return report.Conflict
	case comeet.KindInvalid:
		return report.Invalid
	}
	return report.Failed
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
		return fmt.Sprintf("%s (after %d attempts)", clipRunes(msg, maxMessage-25), attempts)
	}
	return clipRunes(msg, maxMessage)
}

// entry is the ledger's view of the row.
func (s *sender) entry(rw *row, state ledger.State) ledger.Entry {
	return ledger.Entry{
		Key:          rw.cand.Key(),
		State:        state,
		Outcome:      string(rw.outcome()),
		CandidateUID: rw.res.CandidateUID,
		HTTPStatus:   rw.res.HTTPStatus,
		ErrorCode:    rw.res.ErrorCode,
		Message:      rw.res.Message,
		Attempts:     rw.res.Attempts,
		RowHash:      rw.hash,
		Sent:         rw.sent,
		Row:          rw.rec.Row,
		Line:         rw.rec.Line,
		Source:       s.source,
	}
}
