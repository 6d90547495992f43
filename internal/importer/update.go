package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// candidateUpdater is the part of comeet.Client an update needs.
type candidateUpdater interface {
	UpdateCandidate(ctx context.Context, uid string, p *comeet.Patch) (comeet.Reply, error)
	AddFile(ctx context.Context, uid string, f *comeet.File) (comeet.Reply, error)
}

// updater brings a candidate that is already in Comeet in step with its
// changed row (import --update): it compares what the ledger recorded as
// sent with the row as it is now, PATCHes the fields that changed and that
// the configured list allows, and adds each new or changed file with POST
// /candidates/{uid}/files. Fields it cannot send are named in the row's
// message. It is safe for concurrent use by the workers.
type updater struct {
	client  candidateUpdater // nil on a dry run
	ledger  *ledger.Ledger
	allowed []string // the API fields a PATCH may carry
	stats   *stats
	source  string
	log     zerolog.Logger
}

// updatePlan is what an update of one row would send.
type updatePlan struct {
	entry ledger.Entry // what the ledger holds
	patch *comeet.Patch
	// fields are the API fields the patch sets; refused those that changed
	// but the list does not allow; uncleared those emptied in the row that
	// the API has no way to empty.
	fields, refused, uncleared []string
	files                      []slotFile
	removedFiles               []string // slots gone from the row: they stay in Comeet
	list                       string   // the configured list's name, for messages
}

// slotFile is a file to add, with the slot it fills in the row.
type slotFile struct {
	slot string
	file *comeet.File
}

// empty reports whether the plan sends nothing.
func (p *updatePlan) empty() bool { return p.patch == nil && len(p.files) == 0 }

// notSent describes, for the row's message, the changes the plan cannot send.
func (p *updatePlan) notSent() string {
	var parts []string
	if len(p.refused) > 0 {
		parts = append(parts, fmt.Sprintf("%s changed, but the API cannot change it (not in the %s list of --patch-fields): change it in Comeet",
			strings.Join(p.refused, ", "), p.list))
	}
	if len(p.uncleared) > 0 {
		parts = append(parts, fmt.Sprintf("%s emptied in the sheet but the API cannot empty it: clear it in Comeet", strings.Join(p.uncleared, ", ")))
	}
	if len(p.removedFiles) > 0 {
		parts = append(parts, fmt.Sprintf("%s removed from the sheet stays in Comeet", strings.Join(p.removedFiles, ", ")))
	}
	return strings.Join(parts, "; ")
}

// patchListName names the configured list as --patch-fields does.
func patchListName(allowed []string) string {
	if slices.Equal(allowed, comeet.WidePatchFields) {
		return "wide"
	}
	if slices.Equal(allowed, comeet.NarrowPatchFields) {
		return "narrow"
	}
	return strings.Join(allowed, ",")
}

// plan compares the ledger's entry for rw with rw's candidate.
func (u *updater) plan(ctx context.Context, rw *row) (*updatePlan, error) {
	e, ok, err := u.ledger.Get(ctx, rw.cand.Key())
	if err != nil {
		return nil, err
	}
	if !ok || e.CandidateUID == "" {
		return nil, errors.New("the ledger lost the entry it looked up")
	}
	p := &updatePlan{entry: e, list: patchListName(u.allowed)}
	now := u.ledger.SentOf(rw.cand)
	changed := changedFields(e.Sent.Fields, now.Fields)
	var patch comeet.Patch
	c := rw.cand
	for _, f := range changed {
		if !slices.Contains(u.allowed, f) {
			p.refused = append(p.refused, f)
			continue
		}
		if !setPatchField(&patch, f, c, e.Sent.Fields, now.Fields) {
			p.uncleared = append(p.uncleared, f)
			continue
		}
		p.fields = append(p.fields, f)
	}
	if len(p.fields) > 0 {
		patch.UpdatedBy = &comeet.UpdatedBy{Type: comeet.UpdatedByApp, Name: "comeet-import"}
		p.patch = &patch
	}
	p.files, p.removedFiles = changedFiles(u.ledger, e.Sent.Files, c)
	return p, nil
}

// changedFields names the top-level API fields whose values differ between
// the recorded fields and the current ones, in the order of the API's lists.
func changedFields(was, now map[string]string) []string {
	set := map[string]bool{}
	for k, v := range now {
		if was[k] != v {
			set[topField(k)] = true
		}
	}
	for k := range was {
		if _, ok := now[k]; !ok {
			set[topField(k)] = true
		}
	}
	var out []string
	for _, f := range comeet.WidePatchFields {
		if set[f] {
			out = append(out, f)
			delete(set, f)
		}
	}
	rest := make([]string, 0, len(set))
	for f := range set {
		rest = append(rest, f)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// topField is the API field of a dotted name: "address.city" is address.
func topField(name string) string {
	if i := strings.IndexAny(name, ".["); i >= 0 {
		return name[:i]
	}
	return name
}

// setPatchField sets field f of the patch to c's value. It returns false
// for a nested value emptied in the row, which a PATCH cannot empty.
func setPatchField(p *comeet.Patch, f string, c *comeet.Candidate, was, now map[string]string) bool {
	str := func(v string) *string { return &v }
	switch f {
	case "first_name":
		p.FirstName = str(c.FirstName)
	case "middle_name":
		p.MiddleName = str(c.MiddleName)
	case "last_name":
		p.LastName = str(c.LastName)
	case "email":
		p.Email = str(c.Email)
	case "phone":
		p.Phone = str(c.Phone)
	case "mobile_phone":
		p.MobilePhone = str(c.MobilePhone)
	case "national_id":
		p.NationalID = str(c.NationalID)
	case "linkedin_url":
		p.LinkedInURL = str(c.LinkedInURL)
	case "prospect_status":
		p.ProspectStatus = str(c.ProspectStatus)
	case "partner_candidate_id":
		p.PartnerCandidateID = str(c.PartnerCandidateID)
	case "salary_expectations":
		p.SalaryExpectations = str(c.SalaryExpectations)
	case "note":
		p.Note = str(c.Note)
	case "address":
		if c.Address == nil || *c.Address == (comeet.Address{}) {
			return false
		}
		a := *c.Address
		p.Address = &a
	case "source_contact":
		if c.SourceContact == nil || *c.SourceContact == (comeet.SourceContact{}) {
			return false
		}
		sc := *c.SourceContact
		p.SourceContact = &sc
	case "links":
		if len(c.Links) == 0 {
			return false
		}
		p.Links = slices.Clone(c.Links)
	case "custom_fields":
		// Only the keys that changed; one gone from the row is sent empty.
		m := map[string]string{}
		for k, v := range c.CustomFields {
			if was["custom_fields."+k] != now["custom_fields."+k] {
				m[k] = v
			}
		}
		for k := range was {
			if name, ok := strings.CutPrefix(k, "custom_fields."); ok {
				if _, there := c.CustomFields[name]; !there {
					m[name] = ""
				}
			}
		}
		if len(m) == 0 {
			return false
		}
		p.CustomFields = m
	default:
		return false
	}
	return true
}

// changedFiles returns the files of c that Comeet does not hold yet, and
// the files Comeet holds that c no longer names. Each slot (resume,
// picture, files) is a set compared by content (size and SHA-256), never
// by place in the cell: files put in another order are not added again.
func changedFiles(l *ledger.Ledger, held []ledger.SentFile, c *comeet.Candidate) (add []slotFile, removed []string) {
	var want []slotFile
	eachFile(c, func(sf slotFile) {
		in := func(h ledger.SentFile) bool { return sf.in(l, h) }
		if !slices.ContainsFunc(held, in) && !slices.ContainsFunc(add, sf.same) {
			add = append(add, sf)
		}
		want = append(want, sf)
	})
	for _, h := range held {
		if !slices.ContainsFunc(want, func(sf slotFile) bool { return sf.in(l, h) }) && !filledSlot(want, h) {
			removed = append(removed, h.Slot) // the ledger keeps no file name
		}
	}
	return add, removed
}

// eachFile calls fn for each file of c with its slot.
func eachFile(c *comeet.Candidate, fn func(slotFile)) {
	for _, sf := range []slotFile{{slotResume, c.Resume}, {slotPicture, c.Picture}} {
		if sf.file != nil {
			fn(sf)
		}
	}
	for _, f := range c.Files {
		if f != nil {
			fn(slotFile{slotFiles, f})
		}
	}
}

// The slots of a candidate's files: a recorded slot "files[2]" is files.
const (
	slotResume  = "resume"
	slotPicture = "picture"
	slotFiles   = "files"
)

// slotOf is the slot of a recorded file.
func slotOf(recorded string) string { return topField(recorded) }

// in reports whether h, a file Comeet holds, is sf: same slot, same bytes
// (or, recorded without a SHA-256, same name and size).
func (sf slotFile) in(l *ledger.Ledger, h ledger.SentFile) bool {
	f := sf.file
	return slotOf(h.Slot) == sf.slot && h.Size == f.Size && h.SHA256 == f.SHA256 &&
		(h.SHA256 != "" || h.Name == l.FileOf(sf.slot, f).Name)
}

// same reports whether o is the same file as sf in the same slot.
func (sf slotFile) same(o slotFile) bool {
	return sf.slot == o.slot && sf.file.Size == o.file.Size && sf.file.SHA256 == o.file.SHA256 && sf.file.Name == o.file.Name
}

// filledSlot reports whether the resume or picture h was replaced by
// another file in the row: not a removal to tell about.
func filledSlot(want []slotFile, h ledger.SentFile) bool {
	slot := slotOf(h.Slot)
	return slot != slotFiles && slices.ContainsFunc(want, func(sf slotFile) bool { return sf.slot == slot })
}

// describe is the dry run's message for the plan.
func (p *updatePlan) describe() string {
	var parts []string
	if len(p.fields) > 0 {
		parts = append(parts, "would update "+strings.Join(p.fields, ", "))
	}
	for _, f := range p.files {
		parts = append(parts, fmt.Sprintf("would add %s as a file", f.file.Name))
	}
	if ns := p.notSent(); ns != "" {
		parts = append(parts, ns)
	}
	return fmt.Sprintf("in Comeet as %s; ", p.entry.CandidateUID) + strings.Join(parts, "; ")
}

// admitUpdate decides a changed row already in Comeet, for validate and
// import alike: it plans the update here, so that a row with nothing the
// API can send is skipped before the limit counts it, and the worker sends
// exactly the plan the dry run describes.
func (a *admitter) admitUpdate(ctx context.Context, rw *row) (decision, bool) {
	p, err := a.updater.plan(ctx, rw)
	if err != nil {
		rw.finish(report.Failed, "ledger", fmt.Sprintf("not updated: reading the ledger: %v", err))
		return decideFail, true
	}
	rw.res.CandidateUID = p.entry.CandidateUID
	if p.empty() {
		rw.finish(report.Skipped, "", fmt.Sprintf("already in Comeet as %s; changed, but nothing the API can send: %s", p.entry.CandidateUID, p.notSent()))
		return decideSkip, true
	}
	if a.limit > 0 && a.cleared >= a.limit {
		rw.finish(report.Skipped, "", fmt.Sprintf("changed, not updated: --limit %d reached", a.limit))
		return decideSkip, true
	}
	a.cleared++
	if p.patch != nil {
		a.planned.Update++
	}
	a.planned.Files += len(p.files)
	if !a.dryRun {
		rw.plan = p
		return decideUpdate, true
	}
	rw.finish(report.Valid, "", p.describe())
	return decideValid, true
}

// send sends rw's plan, as the admitter made it, and records the result. It returns ErrAuth
// when Comeet refused the credentials, ErrLedger when the ledger could not
// record an update that was applied.
func (u *updater) send(ctx context.Context, rw *row) error {
	p := rw.plan
	uid := p.entry.CandidateUID
	var done []string // what was applied, for the message
	applied := false
	if p.patch != nil {
		u.stats.started(time.Now())
		reply, err := u.client.UpdateCandidate(ctx, uid, p.patch)
		u.stats.finishedAs(requestUpdate, time.Now(), reply)
		rw.res.Attempts, rw.res.HTTPStatus = reply.Attempts, reply.Status
		if err != nil {
			return u.failed(ctx, rw, p, err)
		}
		applied = true
		done = append(done, "updated "+strings.Join(p.fields, ", "))
	}
	sent := mergeSent(p.entry.Sent, u.ledger.SentOf(rw.cand), p.fields)
	var refused []string
	refusedCode := ""
	retry := false // a file failed for a reason that may pass: keep the old fingerprint
	for _, sf := range p.files {
		u.stats.started(time.Now())
		reply, err := u.client.AddFile(ctx, uid, sf.file)
		u.stats.finishedAs(requestFile, time.Now(), reply)
		rw.res.Attempts += reply.Attempts
		if err != nil {
			var ae *comeet.APIError
			if errors.As(err, &ae) && ae.Kind().StopsRun() {
				return u.failed(ctx, rw, p, err)
			}
			if refusedCode == "" {
				refusedCode = "file_refused"
				if errors.As(err, &ae) && ae.Code != "" {
					refusedCode = ae.Code
				}
			}
			why := fileRefusal(err)
			if !errors.As(err, &ae) || ae.Kind() != comeet.KindInvalid {
				retry = true
				why += "; the next run tries again"
			}
			refused = append(refused, fmt.Sprintf("file %s (%s) not added: %s", sf.file.Name, sf.slot, why))
			continue
		}
		applied = true
		done = append(done, fmt.Sprintf("added file %s (%s)", sf.file.Name, sf.slot))
		sent.Files = putSentFile(u.ledger, sent.Files, sf)
	}
	msg := strings.Join(append(append(done, refused...), nonEmpty(p.notSent())...), "; ")
	if !applied {
		// Only files, all refused: nothing changed in Comeet, and the
		// ledger keeps its claim so the next run tries again.
		rw.finish(report.Failed, refusedCode, msg)
		return nil
	}
	rw.finish(report.Updated, "", msg)
	e := p.entry
	e.Outcome = string(report.Updated)
	e.HTTPStatus, e.ErrorCode, e.Message, e.Attempts = rw.res.HTTPStatus, "", msg, rw.res.Attempts
	e.RowHash, e.Sent = rw.hash, sent
	if retry {
		// What Comeet holds is recorded, but not the row's fingerprint:
		// the next run compares again and sends the file that did not go.
		e.RowHash = p.entry.RowHash
	}
	e.Row, e.Line, e.Source = rw.rec.Row, rw.rec.Line, u.source
	if err := u.ledger.Finish(ctx, e); err != nil {
		u.log.Error().Err(err).Int("row", rw.rec.Row).Msg("ledger: recording the update failed; a re-run sends it again")
		rw.res.Message += "; the ledger could not record this update: a re-run sends it again"
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	return nil
}

// failed finishes a row whose PATCH (or whose file's POST, for a refused
// token) failed.
func (u *updater) failed(ctx context.Context, rw *row, p *updatePlan, err error) error {
	uid := p.entry.CandidateUID
	var ae *comeet.APIError
	if !errors.As(err, &ae) {
		var pfe *comeet.PatchFieldError
		switch {
		case errors.As(err, &pfe):
			rw.finish(report.Failed, "patch_fields", err.Error())
		case errors.Is(err, context.Canceled):
			rw.finish(report.Failed, codeInterrupted, "interrupted while updating; a re-run sends the update again (applying it twice is applying it once)")
		default:
			rw.finish(report.Failed, codeNetwork, fmt.Sprintf("not updated after %d attempts: %v", rw.res.Attempts, err))
		}
		return nil
	}
	rw.res.HTTPStatus = ae.Status
	switch ae.Code {
	case comeet.CodeCandidateNotFound:
		rw.finish(report.Failed, comeet.CodeCandidateNotFound, fmt.Sprintf(
			"candidate %s was deleted in Comeet (404 candidate_not_found): the ledger no longer counts it as created, so the next import creates it again; remove the row from the sheet if it should stay deleted", uid))
		e := p.entry
		e.Outcome, e.HTTPStatus, e.ErrorCode, e.Message = string(report.Failed), ae.Status, ae.Code, rw.res.Message
		if lerr := u.ledger.Finish(ctx, e); lerr != nil {
			return fmt.Errorf("%w: %w", ErrLedger, lerr)
		}
		return nil
	case comeet.CodeDuplicateCandidate:
		rw.finish(report.Failed, comeet.CodeDuplicateCandidate, fmt.Sprintf(
			"candidate %s was merged into another candidate in Comeet (401 duplicate_candidate): change the merged candidate in Comeet", uid))
		return nil
	}
	rw.finish(outcomeOf(ae.Kind()), codeOf(ae), "not updated: "+messageOf(ae, rw.res.Attempts))
	if ae.Kind().StopsRun() {
		return ErrAuth
	}
	return nil
}

// fileRefusal is why Comeet did not take a file, as a person reads it.
func fileRefusal(err error) string {
	var ae *comeet.APIError
	if errors.As(err, &ae) {
		if ae.Code != "" {
			return fmt.Sprintf("%s: %s", ae.Code, ae.Message)
		}
		return ae.Error()
	}
	return err.Error()
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// mergeSent is what Comeet holds after the PATCH of fields: was, with the
// values of those fields taken from now. Files are kept from was; the
// caller adds the ones that were taken.
func mergeSent(was, now ledger.Sent, fields []string) ledger.Sent {
	out := ledger.Sent{Fields: make(map[string]string, len(was.Fields)), Files: slices.Clone(was.Files)}
	for k, v := range was.Fields {
		if !slices.Contains(fields, topField(k)) {
			out.Fields[k] = v
		}
	}
	for k, v := range now.Fields {
		if slices.Contains(fields, topField(k)) {
			out.Fields[k] = v
		}
	}
	return out
}

// putSentFile records sf among the files Comeet holds: a resume or a
// picture in its slot, a file as the next files[n].
func putSentFile(l *ledger.Ledger, files []ledger.SentFile, sf slotFile) []ledger.SentFile {
	f := sf.file
	slot := sf.slot
	if slot == slotFiles {
		n := 0
		for _, h := range files {
			if slotOf(h.Slot) == slotFiles {
				n++
			}
		}
		slot = fmt.Sprintf("files[%d]", n)
	}
	rec := l.FileOf(slot, f)
	return append(files, rec)
}
