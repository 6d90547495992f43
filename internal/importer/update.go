package importer

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// GetCandidate and ListFiles read back what an answer lost may
	// have changed.
	GetCandidate(ctx context.Context, uid string) (*comeet.Record, comeet.Reply, error)
	ListFiles(ctx context.Context, uid string) ([]comeet.FileInfo, comeet.Reply, error)
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
	removedFiles               []string // the slot of each file gone from the row: it stays in Comeet
	list                       string   // the configured list's name, for messages
	allowed                    []string // the configured list
	// readBack: an earlier update's answer was lost (entry.Doubt has
	// fields), so the candidate is read back before the patch is decided.
	readBack bool
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
		parts = append(parts, removedMessage(p.removedFiles))
	}
	return strings.Join(parts, "; ")
}

// removedMessage says how many files of each slot the row no longer
// names: "2 files (files) removed from the sheet stay in Comeet".
func removedMessage(slots []string) string {
	var parts []string
	for _, slot := range []string{slotResume, slotPicture, slotFiles} {
		n := 0
		for _, s := range slots {
			if s == slot {
				n++
			}
		}
		switch n {
		case 0:
		case 1:
			parts = append(parts, fmt.Sprintf("1 file (%s)", slot))
		default:
			parts = append(parts, fmt.Sprintf("%d files (%s)", n, slot))
		}
	}
	verb := "stay"
	if len(slots) == 1 {
		verb = "stays"
	}
	return fmt.Sprintf("%s removed from the sheet %s in Comeet", strings.Join(parts, ", "), verb)
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
	p := &updatePlan{entry: e, list: patchListName(u.allowed), allowed: u.allowed, readBack: len(e.Doubt.Fields) > 0}
	p.planFields(rw.cand, withUnknown(e.Sent.Fields, e.Doubt.Fields), u.ledger.SentOf(rw.cand).Fields)
	p.files, p.removedFiles = changedFiles(u.ledger, e.Sent.Files, rw.cand)
	return p, nil
}

// planFields sets the plan's patch to the fields of c (whose digests are
// now) that differ from was, what Comeet holds as far as the ledger knows.
func (p *updatePlan) planFields(c *comeet.Candidate, was, now map[string]string) {
	p.patch, p.fields, p.refused, p.uncleared = nil, nil, nil, nil
	var patch comeet.Patch
	for _, f := range changedFields(was, now) {
		if !slices.Contains(p.allowed, f) {
			p.refused = append(p.refused, f)
			continue
		}
		if !setPatchField(&patch, f, c, was, now) {
			p.uncleared = append(p.uncleared, f)
			continue
		}
		p.fields = append(p.fields, f)
	}
	if len(p.fields) > 0 {
		patch.UpdatedBy = &comeet.UpdatedBy{Type: comeet.UpdatedByApp, Name: "comeet-import"}
		p.patch = &patch
	}
}

// unknownValue stands for a value Comeet may or may not hold (an update's
// answer was lost): it equals no digest, so the field counts as changed.
const unknownValue = "unknown"

// withUnknown is held with the fields in doubt marked unknown.
func withUnknown(held, doubt map[string]string) map[string]string {
	if len(doubt) == 0 {
		return held
	}
	out := maps.Clone(held)
	if out == nil {
		out = map[string]string{}
	}
	for k := range doubt {
		out[k] = unknownValue
	}
	return out
}

// changedFields names the top-level API fields whose values differ between
// the recorded fields and the current ones, in the order of the API's lists.
func changedFields(was, now map[string]string) []string {
	set := map[string]bool{}
	for k, v := range now {
		if was[k] != v {
			set[comeet.TopField(k)] = true
		}
	}
	for k := range was {
		if _, ok := now[k]; !ok {
			set[comeet.TopField(k)] = true
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
			removed = append(removed, slotOf(h.Slot)) // the ledger keeps no file name
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
func slotOf(recorded string) string { return comeet.TopField(recorded) }

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
	if p.readBack {
		parts = append(parts, "an update's answer was lost: would read the candidate back, then send what differs")
	}
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
	if p.empty() && !p.readBack {
		rw.finish(report.Skipped, "", fmt.Sprintf("already in Comeet as %s; changed, but nothing the API can send: %s", p.entry.CandidateUID, p.notSent()))
		return decideSkip, true
	}
	if a.limit > 0 && a.cleared >= a.limit {
		rw.finish(report.Skipped, "", fmt.Sprintf("changed, not updated: --limit %d reached", a.limit))
		return decideSkip, true
	}
	a.cleared++
	if p.readBack {
		a.planned.Search++
	}
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

// send sends rw's plan, as the admitter made it, and records the result. Each step is in the
// ledger before its request leaves (what it may change, as a doubt) and
// after its answer (what Comeet now holds), so a run killed between two
// requests neither sends a file twice nor trusts a field an update whose
// answer was lost may have changed: the next run reads the candidate back
// first. It returns ErrAuth when Comeet refused the credentials, ErrLedger
// when the ledger could not record a step.
func (u *updater) send(ctx context.Context, rw *row) error {
	p := rw.plan
	us := &updateSend{u: u, rw: rw, p: p, held: cloneSent(p.entry.Sent), doubt: cloneDoubt(p.entry.Doubt)}
	if p.readBack {
		if stop, err := us.settleFields(ctx); stop {
			return err
		}
	}
	if p.patch != nil {
		if stop, err := us.sendPatch(ctx); stop {
			return err
		}
	}
	for _, sf := range p.files {
		if stop, err := us.sendFile(ctx, sf); stop {
			return err
		}
	}
	return us.finish(ctx)
}

// updateSend is one row's update under way: what Comeet holds and what is
// in doubt, as the ledger records them step by step.
type updateSend struct {
	u     *updater
	rw    *row
	p     *updatePlan
	held  ledger.Sent  // what Comeet holds, as far as is known
	doubt ledger.Doubt // what a request without an answer may have changed
	// done and refused are the message's parts; refusedCode the first
	// refused file's code.
	done, refused []string
	refusedCode   string
	// sent: a request changed the candidate; retry: a file did not go for
	// a reason that may pass, so the next run compares again.
	sent, retry bool
	// files are the candidate's files as read back, once needed.
	files     []comeet.FileInfo
	filesRead bool
}

// settleFields reads back the candidate an earlier update may have
// changed without an answer: the fields Comeet reads back are then known
// and out of doubt, and the patch sends only what differs from the row
// (the others in doubt are sent again: a PATCH applied twice is applied
// once). A candidate deleted or merged ends the row.
func (us *updateSend) settleFields(ctx context.Context) (stop bool, err error) {
	u, rw, p := us.u, us.rw, us.p
	u.stats.started(time.Now())
	rec, reply, err := u.client.GetCandidate(ctx, p.entry.CandidateUID)
	u.stats.finishedAs(requestSearch, time.Now(), reply)
	rw.res.Attempts += reply.Attempts
	if err != nil {
		var ae *comeet.APIError
		if errors.As(err, &ae) && (ae.Code == comeet.CodeCandidateNotFound || ae.Code == comeet.CodeDuplicateCandidate || ae.Kind().StopsRun()) {
			return true, u.failed(ctx, rw, p, err)
		}
		us.done = append(us.done, fmt.Sprintf("could not read the candidate back (%v): the fields in doubt are sent again", err))
		return false, nil
	}
	c := rec.Candidate()
	inComeet := u.ledger.SentOf(&c).Fields
	for k := range us.doubt.Fields {
		if !slices.Contains(comeet.ReadBackFields, comeet.TopField(k)) {
			continue
		}
		if v, ok := inComeet[k]; ok {
			us.held.Fields[k] = v
		} else {
			delete(us.held.Fields, k)
		}
		delete(us.doubt.Fields, k)
	}
	p.planFields(rw.cand, withUnknown(us.held.Fields, us.doubt.Fields), u.ledger.SentOf(rw.cand).Fields)
	return false, nil
}

// sendPatch sends the plan's PATCH, its fields in doubt on disk first.
func (us *updateSend) sendPatch(ctx context.Context) (stop bool, err error) {
	u, rw, p := us.u, us.rw, us.p
	before := maps.Clone(us.doubt.Fields)
	now := u.ledger.SentOf(rw.cand).Fields
	if us.doubt.Fields == nil {
		us.doubt.Fields = map[string]string{}
	}
	for k, v := range now {
		if slices.Contains(p.fields, comeet.TopField(k)) {
			us.doubt.Fields[k] = v
		}
	}
	if err := us.step(ctx); err != nil {
		return true, err
	}
	u.stats.started(time.Now())
	reply, err := u.client.UpdateCandidate(ctx, p.entry.CandidateUID, p.patch)
	u.stats.finishedAs(requestUpdate, time.Now(), reply)
	rw.res.Attempts, rw.res.HTTPStatus = rw.res.Attempts+reply.Attempts, reply.Status
	if err != nil {
		if mayHaveApplied(reply, err) {
			// The doubt stays on disk: the next run reads the candidate back.
			return true, u.failed(ctx, rw, p, err)
		}
		us.doubt.Fields = before
		return true, us.failedAfter(ctx, err)
	}
	us.sent = true
	us.done = append(us.done, "updated "+strings.Join(p.fields, ", "))
	us.held = mergeSent(us.held, ledger.Sent{Fields: now}, p.fields)
	for k := range us.doubt.Fields {
		if slices.Contains(p.fields, comeet.TopField(k)) {
			delete(us.doubt.Fields, k)
		}
	}
	return false, us.stepAnswered()
}

// sendFile adds one file, unless it is in doubt and the candidate's files
// read back show it arrived. The file is in the ledger's doubt while its
// request is out.
func (us *updateSend) sendFile(ctx context.Context, sf slotFile) (stop bool, err error) {
	u, rw, p := us.u, us.rw, us.p
	if i := slices.IndexFunc(us.doubt.Files, func(h ledger.SentFile) bool { return sf.in(u.ledger, h) }); i >= 0 {
		arrived, err := us.fileArrived(ctx, sf)
		if err != nil {
			us.refuse(sf, "file_unknown", fmt.Sprintf("not added: an earlier answer for it was lost, and the candidate's files could not be read to tell whether it arrived (%v); the next run tries again", err))
			us.retry = true
			return false, nil
		}
		if arrived {
			us.doubt.Files = slices.Delete(us.doubt.Files, i, i+1)
			us.held.Files = putSentFile(u.ledger, us.held.Files, sf)
			us.done = append(us.done, fmt.Sprintf("file %s (%s) had been added (read back)", sf.file.Name, sf.slot))
			return false, us.stepAnswered()
		}
		us.doubt.Files = slices.Delete(us.doubt.Files, i, i+1)
	}
	us.doubt.Files = putSentFile(u.ledger, us.doubt.Files, sf)
	if err := us.step(ctx); err != nil {
		return true, err
	}
	u.stats.started(time.Now())
	reply, err := u.client.AddFile(ctx, p.entry.CandidateUID, sf.file)
	u.stats.finishedAs(requestFile, time.Now(), reply)
	rw.res.Attempts += reply.Attempts
	if err == nil || !mayHaveApplied(reply, err) {
		us.doubt.Files = us.doubt.Files[:len(us.doubt.Files)-1]
	}
	if err == nil {
		us.sent = true
		us.done = append(us.done, fmt.Sprintf("added file %s (%s)", sf.file.Name, sf.slot))
		us.held.Files = putSentFile(u.ledger, us.held.Files, sf)
		return false, us.stepAnswered()
	}
	var ae *comeet.APIError
	if errors.As(err, &ae) && ae.Kind().StopsRun() {
		return true, us.failedAfter(ctx, err)
	}
	code := "file_refused"
	if errors.As(err, &ae) && ae.Code != "" {
		code = ae.Code
	}
	why := fileRefusal(err)
	switch {
	case mayHaveApplied(reply, err):
		why += "; it may have been added: the next run reads the candidate's files before adding it again"
		us.retry = true
	case !errors.As(err, &ae) || ae.Kind() != comeet.KindInvalid:
		why += "; the next run tries again"
		us.retry = true
	}
	us.refuse(sf, code, "not added: "+why)
	return false, us.stepAnswered()
}

// failedAfter finishes the row on a request that certainly changed
// nothing: the doubt as it was before it is recorded first, so that what
// failed records (a deleted candidate's entry) has the last word.
func (us *updateSend) failedAfter(ctx context.Context, err error) error {
	if lerr := us.stepAnswered(); lerr != nil {
		return errors.Join(us.u.failed(ctx, us.rw, us.p, err), lerr)
	}
	return us.u.failed(ctx, us.rw, us.p, err)
}

// refuse notes a file that did not go.
func (us *updateSend) refuse(sf slotFile, code, why string) {
	if us.refusedCode == "" {
		us.refusedCode = code
	}
	us.refused = append(us.refused, fmt.Sprintf("file %s (%s) %s", sf.file.Name, sf.slot, why))
}

// fileArrived tells whether sf, whose earlier answer was lost, is among
// the candidate's files: Comeet lists more files of its name (and size,
// when listed) than the ledger knows it holds.
func (us *updateSend) fileArrived(ctx context.Context, sf slotFile) (bool, error) {
	u := us.u
	if !us.filesRead {
		u.stats.started(time.Now())
		files, reply, err := u.client.ListFiles(ctx, us.p.entry.CandidateUID)
		u.stats.finishedAs(requestSearch, time.Now(), reply)
		us.rw.res.Attempts += reply.Attempts
		if err != nil {
			return false, err
		}
		us.files, us.filesRead = files, true
	}
	f := sf.file
	listed := 0
	for _, fi := range us.files {
		if fi.Name == f.Name && (fi.Size == 0 || fi.Size == f.Size) {
			listed++
		}
	}
	known, name := 0, u.ledger.FileOf(sf.slot, f).Name // the ledger holds names as digests
	for _, h := range us.held.Files {
		if h.Name == name && h.Size == f.Size {
			known++
		}
	}
	return listed > known, nil
}

// mayHaveApplied reports whether a request that failed may have been
// applied: it left, and no answer proved it was not (a 5xx, a timeout, a
// reset, a 2xx that is not Comeet's answer, an interruption mid-request).
func mayHaveApplied(reply comeet.Reply, err error) bool {
	if reply.Attempts == 0 {
		return false
	}
	var ae *comeet.APIError
	if !errors.As(err, &ae) {
		return true
	}
	k := ae.Kind()
	return k == comeet.KindTransient || k == comeet.KindUnexpected
}

// step records, before a request leaves, what Comeet holds and what the
// request may change.
func (us *updateSend) step(ctx context.Context) error {
	err := us.u.ledger.Step(ctx, us.entry())
	if err != nil {
		us.rw.finish(report.Failed, "ledger", fmt.Sprintf("not sent: the ledger could not record it: %v", err))
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	return nil
}

// stepAnswered records what an answer proved. A kill before it leaves the
// doubt step recorded, which the next run settles by reading back.
func (us *updateSend) stepAnswered() error {
	if err := us.u.ledger.Step(context.Background(), us.entry()); err != nil {
		us.u.log.Error().Err(err).Int("row", us.rw.rec.Row).Msg("ledger: recording an update's answer failed; the next run reads the candidate back")
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	return nil
}

func (us *updateSend) entry() ledger.Entry {
	return ledger.Entry{Key: us.p.entry.Key, Sent: us.held, Doubt: us.doubt}
}

// finish records the row's outcome: updated when a request changed the
// candidate; failed when only files were to go and none did; skipped when
// the read-back showed Comeet holds the row already.
func (us *updateSend) finish(ctx context.Context) error {
	u, rw, p := us.u, us.rw, us.p
	msg := strings.Join(slices.Concat(us.done, us.refused, nonEmpty(p.notSent())), "; ")
	switch {
	case us.sent:
		rw.finish(report.Updated, "", msg)
	case len(us.refused) > 0:
		// Nothing changed in Comeet; the ledger keeps the old fingerprint
		// so the next run tries again.
		rw.finish(report.Failed, us.refusedCode, msg)
		return us.stepAnswered()
	default:
		rw.finish(report.Skipped, "", strings.TrimSuffix(fmt.Sprintf("already in Comeet as %s; read back, it holds the row's values; %s", p.entry.CandidateUID, msg), "; "))
	}
	e := p.entry
	if us.sent {
		e.Outcome = string(report.Updated)
		e.HTTPStatus, e.ErrorCode, e.Message, e.Attempts = rw.res.HTTPStatus, "", msg, rw.res.Attempts
	}
	e.RowHash, e.Sent, e.Doubt = rw.hash, us.held, us.doubt
	if us.retry || len(us.doubt.Fields) > 0 {
		// What Comeet holds is recorded, but not the row's fingerprint:
		// the next run compares again and sends what did not go. (A file
		// left in doubt that the row no longer names does not hold the
		// row back; it is read back if the row names it again.)
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

func cloneSent(s ledger.Sent) ledger.Sent {
	s.Fields = maps.Clone(s.Fields)
	if s.Fields == nil {
		s.Fields = map[string]string{}
	}
	s.Files = slices.Clone(s.Files)
	return s
}

func cloneDoubt(d ledger.Doubt) ledger.Doubt {
	return ledger.Doubt{Fields: maps.Clone(d.Fields), Files: slices.Clone(d.Files)}
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
		case errors.Is(err, context.Canceled) && rw.res.Attempts == 0:
			rw.finish(report.NotSent, codeInterrupted, "not sent: the run was interrupted")
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
		e.Doubt = ledger.Doubt{} // nothing to settle on a deleted candidate
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
		if !slices.Contains(fields, comeet.TopField(k)) {
			out.Fields[k] = v
		}
	}
	for k, v := range now.Fields {
		if slices.Contains(fields, comeet.TopField(k)) {
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
