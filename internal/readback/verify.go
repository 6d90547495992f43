package readback

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/report"
	"github.com/comeet-import/comeet-import/internal/source"
)

// What verify finds for one candidate the ledger holds.
const (
	VerifyPresent         = "present"          // Comeet has it, in the ledger's position
	VerifyMerged          = "merged"           // merged into another candidate (401 duplicate_candidate)
	VerifyDeleted         = "deleted"          // 404 candidate_not_found
	VerifyPositionChanged = "position_changed" // Comeet has it in another position
	VerifyNotInLedger     = "not_in_ledger"    // created in Comeet under a key whose answer the ledger lost
	VerifyInDoubt         = "in_doubt"         // an update's answer was lost: what Comeet holds of the fields it sent
	VerifyFailed          = "failed"           // could not be read (network, 5xx, an answer that is not Comeet's)
)

// verifyHeader is the verify report's header.
var verifyHeader = []string{"position_uid", "partner_candidate_id", "candidate_uid", "ledger_outcome", "verdict", "comeet_status", "comeet_position_uid", "detail"}

// VerifyConfig is what a verify run needs.
type VerifyConfig struct {
	// Account is the account the ledger belongs to, paced and retried as
	// an import's requests are.
	pace.Account
	// LedgerPath is the ledger to read back; ReportPath the CSV to write
	// (appended to when it exists: the keys it already holds are not read
	// again, so an interrupted verify resumes).
	LedgerPath, ReportPath string
	// Limit reads back at most this many candidates (0: all).
	Limit  int
	Logger zerolog.Logger
}

// VerifyResult counts the verdicts of a verify run.
type VerifyResult struct {
	Verdicts map[string]int
	// Read is how many candidates were read back; Resumed how many the
	// report already held; Requests how many requests were sent.
	Read, Resumed, Requests int
	// Report is the report written or resumed; "" when the run ended
	// before it was opened.
	Report string
}

// candidateReader is the part of comeet.Client verify needs.
type candidateReader interface {
	GetCandidate(ctx context.Context, uid string) (*comeet.Record, comeet.Reply, error)
	CreatedSince(ctx context.Context, since time.Time) (*comeet.Listing, comeet.Reply, error)
}

// Verify reads back, paced, every candidate the ledger says was created,
// updated or met as a conflict, and writes one line per candidate: present,
// merged, deleted, position changed. Then, unless a limit cut the reading
// short, it lists the candidates Comeet created since the ledger's first
// entry and reports those whose key the ledger holds without their uid (an
// answer lost in a run). Errors: a *SettingError for the ledger, the report
// or the account; the *comeet.APIError whose Kind stops a run when Comeet
// refused the credentials; context.Canceled when ctx ended.
func Verify(ctx context.Context, cfg VerifyConfig) (VerifyResult, error) {
	res := VerifyResult{Verdicts: map[string]int{}}
	cfg.Account = cfg.Account.WithDefaults()
	lg, err := ledger.OpenReadOnly(ctx, cfg.LedgerPath)
	if err != nil {
		return res, &SettingError{Setting: SettingLedger, Path: cfg.LedgerPath, Err: err}
	}
	defer lg.Close()
	if err := lg.BindAccount(ctx, ledger.AccountOf(cfg.BaseURL, cfg.APIKey)); err != nil {
		return res, &SettingError{Setting: SettingLedger, Path: cfg.LedgerPath, Err: err}
	}
	cc := cfg.ClientConfig(cfg.Logger)
	if lim := cfg.Limiter(); lim != nil {
		cc.Limiter = lim
	}
	client, err := comeet.NewClient(cc)
	if err != nil {
		return res, &SettingError{Err: err}
	}
	out, done, err := openVerifyReport(cfg.ReportPath)
	if err != nil {
		return res, &SettingError{Setting: SettingReport, Path: cfg.ReportPath, Err: err}
	}
	res.Report = cfg.ReportPath
	v := &verifier{client: client, ledger: lg, out: report.NewCSVWriter(out), done: done, limit: cfg.Limit, res: &res}
	runErr := v.run(ctx)
	v.out.Flush()
	if len(done) == 0 && v.lines == 0 {
		// A header alone says nothing: no report is left or named.
		os.Remove(cfg.ReportPath)
		res.Report = ""
	}
	if err := errors.Join(v.out.Error(), out.Close()); err != nil && runErr == nil {
		runErr = &SettingError{Setting: SettingReport, Path: cfg.ReportPath, Err: err}
	}
	return res, runErr
}

// verifier is one verify run.
type verifier struct {
	client candidateReader
	ledger *ledger.Ledger
	out    *report.CSVWriter
	done   map[comeet.Key]bool // keys the report already holds
	limit  int
	res    *VerifyResult
	first  time.Time // the ledger's first entry
	lines  int       // lines written by this run
}

var errLimit = errors.New("limit reached")

func (v *verifier) run(ctx context.Context) error {
	var stopped error // the callback's own error, told from the ledger's
	err := v.ledger.Each(ctx, func(e ledger.Entry) error {
		if v.first.IsZero() || e.FirstSeen.Before(v.first) {
			v.first = e.FirstSeen
		}
		if !verifiable(e) {
			return nil
		}
		if v.done[e.Key] {
			v.res.Resumed++
			return nil
		}
		if v.limit > 0 && v.res.Read >= v.limit {
			return errLimit
		}
		stopped = v.readBack(ctx, e)
		return stopped
	})
	switch {
	case errors.Is(err, errLimit):
		return nil // a limited run does not list: it has not seen every entry
	case err != nil && err != stopped:
		// A ledger found damaged midway is the ledger's fault, as one
		// refused when it is opened.
		return &SettingError{Setting: SettingLedger, Err: err}
	case err != nil:
		return err
	}
	if v.first.IsZero() {
		return nil
	}
	return v.lostAnswers(ctx)
}

// verifiable: the ledger says Comeet has the candidate.
func verifiable(e ledger.Entry) bool {
	if e.State != ledger.StateDone || e.CandidateUID == "" {
		return false
	}
	switch report.Outcome(e.Outcome) {
	case report.Created, report.Updated, report.Conflict:
		return true
	}
	return false
}

// readBack reads one candidate and writes its line.
func (v *verifier) readBack(ctx context.Context, e ledger.Entry) error {
	rec, reply, err := v.client.GetCandidate(ctx, e.CandidateUID)
	v.res.Requests += reply.Attempts
	v.res.Read++
	verdict, status, pos, detail := VerifyPresent, "", "", ""
	var ae *comeet.APIError
	switch {
	case err == nil && rec.UID != "" && rec.UID != e.CandidateUID:
		verdict, detail = VerifyFailed, fmt.Sprintf("Comeet answered with candidate %q for %s (merged into it, or an answer that is not this candidate's)", rec.UID, e.CandidateUID)
	case err == nil:
		status, pos = rec.Status, rec.PositionUID
		if pos != "" && pos != e.Key.PositionUID {
			verdict = VerifyPositionChanged
			detail = fmt.Sprintf("the ledger has it in position %s, Comeet in %s", e.Key.PositionUID, pos)
		} else if !e.Doubt.Empty() {
			verdict, detail = VerifyInDoubt, v.doubt(e, rec)
		}
	case ctx.Err() != nil:
		return fmt.Errorf("verify interrupted: %w", context.Canceled)
	case errors.As(err, &ae) && ae.Code == comeet.CodeDuplicateCandidate:
		verdict, detail = VerifyMerged, "merged into another candidate in Comeet"
	case errors.As(err, &ae) && (ae.Code == comeet.CodeCandidateNotFound || ae.Code == comeet.CodeNotFound):
		verdict, detail = VerifyDeleted, "deleted in Comeet (or never there)"
	case errors.As(err, &ae) && ae.Kind().StopsRun():
		return fmt.Errorf("verify: %w", err)
	default:
		verdict, detail = VerifyFailed, failedDetail(err)
	}
	return v.line(e.Key, e.CandidateUID, e.Outcome, verdict, status, pos, detail)
}

// failedDetail says why a read failed without quoting the answer's body:
// a candidate's answer cut short holds names and phone numbers, and the
// report is kept.
func failedDetail(err error) string {
	var ae *comeet.APIError
	switch {
	case errors.As(err, &ae):
		bare := *ae
		bare.Body = ""
		return bare.Error()
	case errors.Is(err, comeet.ErrUnreadableAnswer):
		return "comeet: the " + comeet.ErrUnreadableAnswer.Error() + " (not quoted: it may hold the candidate's data)"
	}
	return err.Error()
}

// doubt compares what Comeet holds with an update whose answer was lost
// (the ledger's doubt): field by field, the values it sent (it arrived),
// the earlier ones (it did not), or others. The ledger is not changed: the
// next import --update reads the candidate back and settles it.
func (v *verifier) doubt(e ledger.Entry, rec *comeet.Record) string {
	c := rec.Candidate()
	held := v.ledger.SentOf(&c).Fields
	byField := map[string][]string{}
	for k := range e.Doubt.Fields {
		byField[comeet.TopField(k)] = append(byField[comeet.TopField(k)], k)
	}
	var arrived, earlier, other, unread []string
	for _, f := range slices.Sorted(maps.Keys(byField)) {
		same := func(m map[string]string) bool {
			return !slices.ContainsFunc(byField[f], func(k string) bool { return held[k] != m[k] })
		}
		switch {
		case !slices.Contains(comeet.ReadBackFields, f):
			unread = append(unread, f)
		case same(e.Doubt.Fields):
			arrived = append(arrived, f)
		case same(e.Sent.Fields):
			earlier = append(earlier, f)
		default:
			other = append(other, f)
		}
	}
	parts := []string{"the answer to an update was lost"}
	for _, p := range []struct {
		fields []string
		says   string
	}{
		{arrived, "Comeet holds the values sent for %s (it arrived)"},
		{earlier, "Comeet holds the earlier values of %s (it did not arrive)"},
		{other, "Comeet holds other values for %s (changed since)"},
		{unread, "%s cannot be read back"},
	} {
		if len(p.fields) > 0 {
			parts = append(parts, fmt.Sprintf(p.says, strings.Join(p.fields, ", ")))
		}
	}
	if n := len(e.Doubt.Files); n > 0 {
		parts = append(parts, fmt.Sprintf("%d file(s) added without an answer", n))
	}
	return strings.Join(parts, "; ") + "; the next import --update reads it back and settles it"
}

// lostAnswers lists the candidates created since the ledger's first entry
// and reports each whose key the ledger holds without that uid: a POST
// whose answer was lost (the ledger shows it pending or failed) or a
// second candidate for one key.
func (v *verifier) lostAnswers(ctx context.Context) error {
	created, reply, err := v.client.CreatedSince(ctx, v.first.Add(-time.Minute))
	v.res.Requests += reply.Attempts
	if err != nil {
		var ae *comeet.APIError
		if errors.As(err, &ae) && ae.Kind().StopsRun() {
			return fmt.Errorf("verify: %w", err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("verify interrupted: %w", context.Canceled)
		}
		return v.line(comeet.Key{}, "", "", VerifyFailed, "", "", "listing the candidates created during the ledger's runs: "+failedDetail(err))
	}
	recs := created.Records
	for start := 0; start < len(recs); start += ledger.LookupBatch {
		part := recs[start:min(start+ledger.LookupBatch, len(recs))]
		keys := make([]comeet.Key, len(part))
		for i, r := range part {
			keys[i] = r.Key()
		}
		known, err := v.ledger.Lookup(ctx, keys)
		if err != nil {
			return &SettingError{Setting: SettingLedger, Err: err}
		}
		for i, k := range known {
			r := part[i]
			if !k.Found || k.CandidateUID == r.UID {
				continue
			}
			detail := fmt.Sprintf("Comeet created %s for this key; the ledger shows it %s %s", r.UID, k.State, k.Outcome)
			if k.CandidateUID != "" {
				detail += " as " + k.CandidateUID
			}
			if err := v.line(keys[i], r.UID, k.Outcome, VerifyNotInLedger, r.Status, r.PositionUID, detail); err != nil {
				return err
			}
		}
	}
	return nil
}

func (v *verifier) line(k comeet.Key, uid, outcome, verdict, status, pos, detail string) error {
	v.res.Verdicts[verdict]++
	v.lines++
	if err := v.out.Write([]string{k.PositionUID, k.PartnerCandidateID, uid, outcome, verdict, status, pos, detail}); err != nil {
		return err
	}
	v.out.Flush() // a line per candidate on disk, so that an interruption resumes
	return v.out.Error()
}

// ErrReportBusy is a verify report another verify is writing: two runs
// appending to one report tear its lines.
var ErrReportBusy = errors.New("another verify is writing this report: wait for it to end, or give another --report")

// openVerifyReport opens the report to write, under an exclusive flock(2)
// held until it is closed (ErrReportBusy when another verify holds it),
// and returns the keys an earlier verify wrote to it, so that they are not
// read again. A report without such keys is started afresh, with its
// header; one with them is appended to.
func openVerifyReport(path string) (*os.File, map[comeet.Key]bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, report.FileMode)
	if err != nil {
		return nil, nil, err
	}
	done, err := lockAndRead(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, done, nil
}

func lockAndRead(f *os.File) (map[comeet.Key]bool, error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrReportBusy
		}
		return nil, fmt.Errorf("lock: %w", err)
	}
	done, err := readVerified(f)
	if err != nil {
		return nil, err
	}
	if len(done) > 0 {
		_, err := f.Seek(0, io.SeekEnd)
		return done, err
	}
	if err := f.Truncate(0); err != nil {
		return nil, err
	}
	w := report.NewCSVWriter(f)
	w.Write(verifyHeader)
	w.Flush()
	return done, w.Error()
}

// readVerified returns the keys an earlier verify wrote to r; none when it
// is empty.
func readVerified(r io.Reader) (map[comeet.Key]bool, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(verifyHeader)
	done := map[comeet.Key]bool{}
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return done, nil
	}
	if err != nil || head[0] != verifyHeader[0] || head[4] != "verdict" {
		return nil, fmt.Errorf("not a verify report (%v): give another --report", err)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil {
			// A line cut by an interruption ends the list: it is read again.
			return done, nil
		}
		if rec[4] != VerifyNotInLedger && rec[4] != VerifyFailed && rec[0] != "" {
			done[comeet.Key{PositionUID: source.Deneutralize(rec[0]), PartnerCandidateID: source.Deneutralize(rec[1])}] = true
		}
	}
}
