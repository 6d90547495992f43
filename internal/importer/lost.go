package importer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// candidateLister is the part of comeet.Client that finds a candidate
// whose creation went unrecorded.
type candidateLister interface {
	CreatedSince(ctx context.Context, since time.Time) (*comeet.Listing, comeet.Reply, error)
}

// mayHaveArrived reports whether the ledger's entry is of a POST that may
// have created the candidate without the answer being recorded: a pending
// entry (a run killed mid-request), or a failure after a request left
// (a timeout, a reset, a 5xx, an answer that was not Comeet's).
func mayHaveArrived(k ledger.Known, code string, status int) bool {
	if !k.Found {
		return false
	}
	if k.State == ledger.StatePending {
		return true
	}
	if report.Outcome(k.Outcome) != report.Failed {
		return false
	}
	switch code {
	case codeNetwork, codeInterrupted, comeet.CodeUncertainOutcome:
		return true
	}
	return status >= 500
}

// findLost looks, before a row is sent again, for the candidate an earlier
// POST of it may have created: the candidates created since shortly before
// the ledger's entry (GET /candidates?time_created:after=..., every page),
// matched by key. A candidate found that way is the row's, even if it was
// rejected or hired meanwhile (when a new POST would create a second one):
// the row is finished as a conflict with its uid and not sent. found is
// false when none matches or the list could not be read (the row is then
// sent, as before).
func (s *sender) findLost(ctx context.Context, rw *row) (found bool, fatal error) {
	lister, ok := s.client.(candidateLister)
	k := rw.known
	if !ok || s.ledger == nil || !k.Found || (k.State != ledger.StatePending && report.Outcome(k.Outcome) != report.Failed) {
		return false, nil // the common case costs no read
	}
	e, ok, err := s.ledger.Get(ctx, rw.cand.Key())
	if err != nil || !ok || !mayHaveArrived(k, e.ErrorCode, e.HTTPStatus) {
		return false, nil
	}
	since := e.UpdatedAt.Add(-time.Minute)
	if e.FirstSeen.Before(since) && e.State == ledger.StatePending {
		since = e.FirstSeen.Add(-time.Minute)
	}
	r, found, attempts, err := s.lost.find(ctx, lister, s.stats, since, time.Time{}, rw.cand.Key())
	if err != nil {
		s.log.Warn().Err(err).Int("row", rw.rec.Row).Msg("looking for a candidate whose creation went unrecorded failed; sending the row again")
		return false, nil
	}
	if !found {
		return false, nil
	}
	rw.res.CandidateUID = r.UID
	rw.res.Attempts = attempts
	rw.finish(report.Conflict, comeet.CodeCandidatePostConflict, fmt.Sprintf(
		"an earlier run's request had created it as %s (found in Comeet's list of candidates created since %s); not sent again",
		r.UID, since.UTC().Format(time.RFC3339)))
	created := r.Created
	// What Comeet holds is what that request sent, as its
	// entry recorded it: a row changed since is still seen to
	// have changed.
	done := s.entry(rw, ledger.StateDone)
	done.RowHash, done.Sent, done.Response = e.RowHash, e.Sent, &created
	if err := s.ledger.Finish(ctx, done); err != nil {
		rw.res.Message += "; the ledger could not record this: a re-run looks for it again"
		return true, fmt.Errorf("%w: %w", ErrLedger, err)
	}
	return true, nil
}

// lostIndex is the list of candidates created since a time, read once per
// run and shared by the workers: after an outage, many rows may need it,
// and one list (with its pages) serves them all. It is listed again only
// for a row whose earlier POST is older than what it covers.
type lostIndex struct {
	mu       sync.Mutex
	listing  *comeet.Listing // nil until listed
	listedAt time.Time       // when the listing was asked for
}

// find returns the candidate created since since with key, listing when
// the index does not cover since, or was asked for before fresh (an
// attempt sent at fresh may have created it). attempts counts the
// requests it sent.
func (x *lostIndex) find(ctx context.Context, lister candidateLister, st *stats, since, fresh time.Time, key comeet.Key) (_ comeet.Record, found bool, attempts int, _ error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.listing == nil || since.Before(x.listing.Since) || x.listedAt.Before(fresh) {
		x.listedAt = time.Now()
		st.started(x.listedAt)
		l, reply, err := lister.CreatedSince(ctx, since)
		st.finishedAs(requestSearch, time.Now(), reply)
		attempts = reply.Attempts
		if err != nil {
			return comeet.Record{}, false, attempts, err
		}
		x.listing = l
	}
	r, ok := x.listing.Find(key)
	return r, ok, attempts, nil
}

// foundError ends the retries of a create: the candidate an earlier
// attempt of it may have made is in Comeet's list of recent creations.
type foundError struct {
	rec   comeet.Record
	since time.Time
}

func (e *foundError) Error() string {
	return fmt.Sprintf("an earlier attempt created it as %s", e.rec.UID)
}

// lookBeforeResend looks, before a create is sent again after an attempt
// that may have arrived (no answer, a 5xx, an answer cut short), for the
// candidate that attempt may have made: Comeet answers a second POST of a
// candidate still in progress with a 409, but creates a second one once
// the first was rejected or hired, which may happen at once. It reads the
// candidates created since shortly before the first attempt, listed after
// the failed one's answer; one with the row's key ends the retries
// (foundError). A list that
// cannot be read lets the create go again, as before.
func (s *sender) lookBeforeResend(ctx context.Context, rw *row, sentAt time.Time) error {
	lister, ok := s.client.(candidateLister)
	if !ok {
		return nil
	}
	// Listed from now on: the failed attempt's answer has come, so what it
	// created is in the list.
	since := sentAt.Add(-time.Minute)
	r, found, _, err := s.lost.find(ctx, lister, s.stats, since, time.Now(), rw.cand.Key())
	if err != nil {
		s.log.Warn().Err(err).Int("row", rw.rec.Row).Msg("looking for a candidate an attempt may have created failed; sending the row again")
		return nil
	}
	if !found {
		return nil
	}
	return &foundError{rec: r, since: since}
}

// foundOnRetry finishes a row whose create was found among the recent
// creations before it was sent again: this run created it.
func foundOnRetry(rw *row, reply comeet.Reply, found *foundError) {
	rw.res.Attempts, rw.res.HTTPStatus = reply.Attempts, reply.Status
	rw.res.CandidateUID = found.rec.UID
	rw.finish(report.Created, "", fmt.Sprintf(
		"created as %s by an attempt whose answer was lost (found in Comeet's list of candidates created since %s); not sent again",
		found.rec.UID, found.since.UTC().Format(time.RFC3339)))
}
