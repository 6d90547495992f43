package mapping

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// ErrNothingPlaced is Propose's error for a header none of whose columns
// looks like an API field.
var ErrNothingPlaced = errors.New("no column of the header looks like an API field; " +
	"start from `comeet-import template` and name the columns after it")

// Propose is SuggestFrom for a header and a sample of its rows, or
// ErrNothingPlaced when no column could be placed.
func Propose(header []string, sample [][]string) (*Proposal, error) {
	pr := SuggestFrom(header, sample)
	if len(pr.Mapping.Rules) == 0 {
		return nil, ErrNothingPlaced
	}
	return pr, nil
}

// SampleSize is how many data rows SuggestFrom needs to see the values of
// a typical export: every status and country it uses, and enough names.
const SampleSize = 2000

// maxDistinct bounds the distinct values of a column that SuggestFrom
// proposes as a value map: more are not a closed set.
const maxDistinct = 200

// Proposal is a proposed mapping with what a person has to decide.
type Proposal struct {
	Mapping *Mapping
	// Unplaced are the non-blank columns the proposal did not place, in
	// header order.
	Unplaced []string
	// Undecided are the values of status and country columns that the
	// proposal could not place: rows holding them are invalid until the
	// mapping gets a value line for each.
	Undecided []Undecided
	// Notes say, column by column, what the proposal did with what it saw
	// and what a person may want to change.
	Notes []Note
	// positionNames are the values of the position column that are names,
	// not uids, for ResolvePositions.
	positionNames  []string
	positionColumn string
}

// Note is one thing the proposal tells a person, about one input column
// (or none), in words and, where it suggests a change, as the mapping lines
// to add: a page shows the text by its column and offers the lines as one
// change. Adding a note's lines never leaves fewer rows valid.
type Note struct {
	Column string // the input column it is about; "" for the whole mapping
	Field  string // the API field it concerns; "" for none
	Text   string
	// Rules and Values are the mapping lines the note suggests adding.
	Rules  []Rule
	Values []ValueMap
}

// Lines returns the note's suggested lines as a mapping file writes them.
func (n Note) Lines() []string {
	var out []string
	for _, r := range n.Rules {
		out = append(out, csvCell(r.Field)+","+csvCell(r.Column)+","+csvCell(r.Default))
	}
	for _, v := range n.Values {
		out = append(out, csvCell(v.Field)+",,,"+csvCell(v.Value)+","+csvCell(v.Send))
	}
	return out
}

// Undecided is the unplaced values of one mapped column.
type Undecided struct {
	Field, Column string
	Values        []string // as first written, in order of first use
}

// SuggestFrom proposes a mapping for a header as Suggest does, and looks at
// the values of sample (data rows, each as wide as the header; shorter ones
// are read as far as they go):
//   - a column the header calls a name ("Name", "Candidate Name") feeds
//     full_name, which splits it, unless columns feed the names one by one;
//   - a source contact is proposed only with both a name and an e-mail
//     column, which Comeet requires together, and never from a column of
//     channels ("LinkedIn", "Referral", "Website"), which is not a person;
//   - the distinct values of a status or country column become value
//     lines: ATS statuses ("Screening", "Rejected") with the closest of
//     Comeet's six and a note; values the field takes by itself (a status
//     in any case, a country name or code) need no line; the others are
//     listed in Undecided.
func SuggestFrom(header []string, sample [][]string) *Proposal {
	pr := &Proposal{}
	p := newPlacer(header)
	channels := map[int]bool{} // columns already refused, noted once
	p.fits = func(t target, column int) bool {
		if t.kind != kindSourceFullName {
			return true
		}
		if refused, seen := channels[column]; seen {
			return !refused
		}
		vs := distinctValues(sample, column)
		channels[column] = isChannelColumn(vs)
		if channels[column] {
			pr.Notes = append(pr.Notes, Note{Column: p.columns[column], Field: t.name(), Text: fmt.Sprintf(
				"column %q holds where candidates came from (%s), not who brought them: "+
					"not proposed as source_contact.full_name; send it as a custom field (custom_fields.<name>,%s,) if the account has one",
				p.columns[column], quoteList(firstValues(vs, 3)), csvCell(p.columns[column]))})
			return false
		}
		return true
	}
	p.pass(exactTarget)
	p.pass(aliasTarget)
	p.pass(closeTarget)
	p.pairSourceContact()
	pr.dropLoneSourceContact(p)
	pr.Mapping = p.mapping()
	pr.Unplaced = p.unplaced()
	pr.placeStage(header, sample)
	for _, r := range pr.Mapping.Rules {
		t, _ := parseField(r.Field)
		column := slices.Index(p.columns, r.Column)
		if r.Column == "" || column < 0 {
			continue
		}
		vs := pr.notePlaceholders(t, r.Column, distinctValues(sample, column))
		if t.kind == kindPositionUID {
			pr.notePositionNames(r.Column, vs)
		}
		if t.kind == kindProspectStatus || t.kind == kindCountry {
			pr.proposeValues(t, r.Column, vs)
		}
	}
	return pr
}

// notePlaceholders says once what becomes of a column's placeholders ("N/A",
// "Remote" in a country column): an optional field is sent without them, a
// required one makes the row invalid. It returns the other values.
func (pr *Proposal) notePlaceholders(t target, column string, vs []distinctValue) []distinctValue {
	if !placeholderApplies(t.kind) {
		return vs
	}
	var found []string
	rest := vs[:0:0]
	for _, v := range vs {
		if isPlaceholder(t.kind, v.text) {
			found = append(found, v.text)
		} else {
			rest = append(rest, v)
		}
	}
	switch {
	case len(found) == 0:
	case requiredKind(t.kind):
		pr.Notes = append(pr.Notes, Note{Column: column, Field: t.name(), Text: fmt.Sprintf(
			"%s in column %q: placeholders, not values: rows holding them are invalid (%s is required)",
			quoteList(found), column, t.name())})
	default:
		pr.Notes = append(pr.Notes, Note{Column: column, Field: t.name(), Text: fmt.Sprintf(
			"%s in column %q: placeholders, sent without %s (the report notes each row)",
			quoteList(found), column, fieldWords(t.kind))})
	}
	return rest
}

// pairSourceContact makes the source contact's name and e-mail one pair:
// when the e-mail's column is another column's name followed by "email"
// ("Owner" and "Owner Email"), that column feeds the name, rather than one
// found earlier in the header ("Recruiter"), whose cells would not go with
// the e-mails.
func (p *placer) pairSourceContact() {
	name := slices.IndexFunc(p.placed, func(pl placement) bool { return pl.target.kind == kindSourceFullName })
	email := slices.IndexFunc(p.placed, func(pl placement) bool { return pl.target.kind == kindSourceEmail })
	if name < 0 || email < 0 {
		return
	}
	stem, ok := strings.CutSuffix(normalize(p.columns[p.placed[email].column]), "email")
	if !ok || stem == "" || normalize(p.columns[p.placed[name].column]) == stem {
		return
	}
	for i, col := range p.columns {
		if normalize(col) == stem || normalize(col) == stem+"name" {
			p.skip[p.placed[name].column] = false
			p.placed[name].column = i
			p.skip[i] = true
			return
		}
	}
}

// dropLoneSourceContact unplaces source contact columns unless both the
// name and the e-mail have one: Comeet refuses a source contact without
// both, so a lone one would make every row that fills it invalid.
func (pr *Proposal) dropLoneSourceContact(p *placer) {
	has := func(k kind) bool {
		return slices.ContainsFunc(p.placed, func(pl placement) bool { return pl.target.kind == k })
	}
	if has(kindSourceFullName) == has(kindSourceEmail) {
		return
	}
	emailPlaced := has(kindSourceEmail)
	var cols []string
	var restore []Rule
	p.placed = slices.DeleteFunc(p.placed, func(pl placement) bool {
		k := pl.target.kind
		if k == kindSourceFullName || k == kindSourceEmail || k == kindSourcePhone {
			cols = append(cols, fmt.Sprintf("%q (%s)", p.columns[pl.column], pl.target.name()))
			restore = append(restore, Rule{Field: pl.target.name(), Column: p.columns[pl.column]})
			return true
		}
		return false
	})
	def := Rule{Field: comeet.FieldSourceEmail, Default: "recruiting@agency.example"}
	if emailPlaced {
		def = Rule{Field: comeet.FieldSourceFullName, Default: "Agency recruiting team"}
	}
	n := Note{Column: restore[0].Column, Field: restore[0].Field, Rules: append(restore, def)}
	n.Text = fmt.Sprintf("%s not proposed: Comeet takes a source contact only with both source_contact.full_name and "+
		"source_contact.email, and a default will do for one: the agency's address (source_contact.email,,recruiting@agency.example) "+
		"or its name (source_contact.full_name,,Agency recruiting team); to send it, add the lines %s "+
		"(a row whose name cell is blank is then sent without a source contact)", strings.Join(cols, ", "), strings.Join(n.Lines(), " "))
	pr.Notes = append(pr.Notes, n)
}

// distinctValue is one value of a column, folded, with its first spelling.
type distinctValue struct {
	text  string
	count int
}

// distinctValues returns the distinct non-empty values of column in sample,
// in order of first use, or nil past maxDistinct.
func distinctValues(sample [][]string, column int) []distinctValue {
	if column < 0 {
		return nil
	}
	var out []distinctValue
	at := map[string]int{}
	for _, row := range sample {
		if column >= len(row) {
			continue
		}
		v := trim(row[column])
		if v == "" {
			continue
		}
		k := foldValue(v)
		if i, seen := at[k]; seen {
			out[i].count++
			continue
		}
		if len(out) == maxDistinct {
			return nil
		}
		at[k] = len(out)
		out = append(out, distinctValue{text: v, count: 1})
	}
	return out
}

func firstValues(vs []distinctValue, n int) []string {
	var out []string
	for _, v := range vs[:min(n, len(vs))] {
		out = append(out, v.text)
	}
	return out
}

// isChannelColumn reports values that are mostly channels (weighted by
// rows), which a source contact's name never is.
func isChannelColumn(vs []distinctValue) bool {
	channel, all := 0, 0
	for _, v := range vs {
		all += v.count
		if channels[foldValue(v.text)] {
			channel += v.count
		}
	}
	return all > 0 && channel*2 >= all
}

// channels are where candidates come from, as ATS exports name them.
var channels = setOf("linkedin", "linked in", "referral", "employee referral", "referred", "website", "company website",
	"career site", "careers page", "careers site", "indeed", "glassdoor", "monster", "job board", "jobboard", "facebook",
	"twitter", "x", "instagram", "github", "stack overflow", "stackoverflow", "agency", "recruiting agency", "headhunter",
	"direct", "direct application", "applied", "inbound", "outbound", "sourced", "sourcing", "email", "e mail", "event",
	"career fair", "job fair", "meetup", "university", "campus", "internal", "other", "unknown", "google", "ad",
	"advertisement", "newspaper", "word of mouth", "angellist", "wellfound", "xing", "drushim", "alljobs", "jobmaster",
	"hired", "dice", "ziprecruiter", "careerbuilder", "social media", "cold call", "database", "talent pool")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// proposeValues adds value lines for the values of a status or country
// column the field does not take by itself.
func (pr *Proposal) proposeValues(t target, column string, vs []distinctValue) {
	und := Undecided{Field: t.name(), Column: column}
	for _, v := range vs {
		if _, ok := autoValue(t.kind)(v.text); ok {
			continue
		}
		if t.kind == kindProspectStatus {
			if st, ok := atsStatuses[foldValue(v.text)]; ok {
				pr.Mapping.Values = append(pr.Mapping.Values, ValueMap{Field: t.name(), Value: v.text, Send: st.send, Note: st.note})
				continue
			}
		}
		if t.kind == kindCountry {
			if code, name, ok := comeet.ClosestCountry(v.text); ok {
				note := fmt.Sprintf("a close spelling of %q: check it", name)
				pr.Mapping.Values = append(pr.Mapping.Values, ValueMap{Field: t.name(), Value: v.text, Send: code, Note: note})
				pr.Notes = append(pr.Notes, Note{Column: column, Field: t.name(), Text: fmt.Sprintf("column %q: %q read as %s, %s", column, v.text, code, note)})
				continue
			}
		}
		und.Values = append(und.Values, v.text)
	}
	if len(und.Values) > 0 {
		pr.Undecided = append(pr.Undecided, und)
	}
}

// atsStatus is a proposed translation of another ATS's status.
type atsStatus struct {
	send, note string
}

// atsStatuses translate the statuses of common ATS exports (folded) to
// Comeet's six prospect statuses. A prospect status says where the person
// stands with the recruiter, so pipeline stages past the first answer
// ("Screening", "Interview", "Offer", "Hired") are Interested, and every
// ending the person or the company chose is Not interested.
var atsStatuses = func() map[string]atsStatus {
	m := map[string]atsStatus{}
	add := func(send, note string, names ...string) {
		for _, n := range names {
			m[n] = atsStatus{send: send, note: note}
		}
	}
	add("Sourced", "not yet contacted", "new", "new lead", "lead", "prospect", "imported", "added", "pool",
		"pipeline", "uncontacted", "not contacted", "to contact", "identified", "applied", "application received",
		"new applicant", "inbox", "open", "saved")
	add("Contacted", "reached, no answer yet", "reached out", "outreach", "emailed", "messaged", "in contact",
		"contact attempted", "attempted contact", "awaiting response", "awaiting reply", "no response", "no answer",
		"pending response", "invited", "inmail sent", "message sent", "called")
	add("Responded", "answered", "replied", "reply received", "answered", "in conversation", "reply")
	add("Interested", "in the pipeline: the closest of Comeet's statuses", "screening", "phone screen", "phone screening",
		"screen", "interview", "interviewing", "interviewed", "in process", "in progress", "assessment", "test",
		"home assignment", "technical interview", "onsite", "on site", "final interview", "shortlisted", "short list",
		"shortlist", "qualified", "hiring manager review", "hm review", "submitted", "presented", "offer", "offer sent",
		"offer extended", "offer accepted", "hired", "placed", "engaged", "active", "in review", "review", "reviewed")
	add("Not interested", "the process ended: the closest of Comeet's statuses", "rejected", "declined", "withdrawn",
		"withdrew", "disqualified", "not a fit", "no fit", "not suitable", "unsuitable", "candidate declined",
		"offer declined", "lost", "turned down", "not selected", "closed lost")
	// Hebrew exports of Israeli ATSs and agency sheets.
	add("Sourced", "not yet contacted", "חדש", "חדשה", "ליד", "מועמד חדש", "הוגש", "הגיש מועמדות")
	add("Contacted", "reached, no answer yet", "נוצר קשר", "פניתי", "נשלחה הודעה", "ממתין לתשובה")
	add("Responded", "answered", "ענה", "הגיב", "חזר אליי")
	add("Interested", "in the pipeline: the closest of Comeet's statuses", "מעוניין", "מעוניינת", "בתהליך", "סינון",
		"ראיון", "בראיון", "מבחן", "הצעה", "התקבל", "התקבלה", "גויס", "גויסה")
	add("Not interested", "the process ended: the closest of Comeet's statuses", "לא מעוניין", "לא מעוניינת",
		"נדחה", "נדחתה", "לא מתאים", "לא מתאימה", "פרש", "פרשה", "ויתר")
	add("Do not contact", "", "לא ליצור קשר", "אין ליצור קשר")
	add("Do not contact", "", "dnc", "blacklisted", "blocked", "opted out", "opt out", "unsubscribed", "do not hire",
		"gdpr", "gdpr removal", "do not call")
	return m
}()

// WriteNotes tells a person, one line each, what the proposal left for
// them: unplaced columns, notes, undecided values and required fields no
// column feeds.
func (pr *Proposal) WriteNotes(w io.Writer) {
	if len(pr.Unplaced) > 0 {
		fmt.Fprintf(w, "columns not placed (add a line for each one you want sent): %s\n", quoteList(pr.Unplaced))
	}
	for _, n := range pr.Notes {
		fmt.Fprintln(w, n.Text)
	}
	for _, u := range pr.Undecided {
		example := u.Field + ",,," + csvCell(u.Values[0]) + ",<value>"
		fmt.Fprintf(w, "values of column %q that %s does not take (rows holding them are invalid until the mapping maps each, as in %s): %s\n",
			u.Column, u.Field, example, quoteList(u.Values))
	}
	if missing := pr.Mapping.Unfed(); len(missing) > 0 {
		fmt.Fprintf(w, "required fields no column feeds (give each a column or a default): %s\n", strings.Join(missing, ", "))
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
