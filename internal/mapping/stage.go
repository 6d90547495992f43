package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// stageColumns are the names exports give a column of pipeline stages
// (Workable's "Stage", Greenhouse's "Current stage"), normalized.
var stageColumns = setOf("stage", "pipelinestage", "currentstage", "workflowstage", "hiringstage", "candidatestage")

// notePositionNames says that a position_uid column holds names rather than
// uids, and what the run does with them.
func (pr *Proposal) notePositionNames(column string, vs []distinctValue) {
	var names []string
	for _, v := range vs {
		if !comeet.LooksLikeUID(v.text) {
			names = append(names, v.text)
		}
	}
	if len(names) == 0 {
		return
	}
	pr.positionNames, pr.positionColumn = names, column
	pr.Notes = append(pr.Notes, Note{Column: column, Field: comeet.FieldPositionUID, Text: fmt.Sprintf(
		"column %q holds position names (%s), not uids: import finds each name among the positions these credentials "+
			"see in Comeet and sends its uid; a row whose name is unknown, closed or shared by several positions is not sent. "+
			"validate --check-positions checks the names before; a value line (position_uid,,,%s,<uid>) fixes one by hand",
		column, quoteList(firstValues(vs, 3)), csvCell(names[0]))})
}

// placeStage carries a column of pipeline stages in the note ("Stage:
// Interview"): Comeet's POST /candidates cannot set a stage (a candidate it
// creates starts at the position's first step), and prospect_status is
// about prospects, not a pipeline. Stages that do say where a prospect
// stands ("Sourced", "Contacted") are offered as prospect_status value
// lines when no column feeds prospect_status.
func (pr *Proposal) placeStage(header []string, sample [][]string) {
	col := slices.IndexFunc(header, func(h string) bool { return stageColumns[normalize(h)] })
	if col < 0 || !slices.Contains(pr.Unplaced, header[col]) {
		return
	}
	column := header[col]
	pr.Unplaced = slices.DeleteFunc(pr.Unplaced, func(c string) bool { return c == column })
	pr.Mapping.Rules = append(pr.Mapping.Rules, Rule{Field: comeet.FieldNote, Column: column})
	vs := distinctValues(sample, col)
	pr.Notes = append(pr.Notes, Note{Column: column, Field: comeet.FieldNote, Text: fmt.Sprintf(
		"column %q holds pipeline stages (%s): Comeet's API cannot set a candidate's stage (a candidate it creates starts "+
			"at the position's first step), so the stage is carried in the note (\"%s: %s\"); move the candidate in Comeet",
		column, quoteList(firstValues(vs, 4)), column, firstOr(vs, "Interview"))})
	if slices.ContainsFunc(pr.Mapping.Rules, func(r Rule) bool { return r.Field == comeet.FieldProspectStatus }) {
		return
	}
	if n, ok := stageStatuses(column, vs); ok {
		pr.Notes = append(pr.Notes, n)
	}
}

// stageStatuses is the note offering prospect_status value lines for the
// stages that say where a prospect stands; the other stages are dropped
// from prospect_status by their own line (they stay in the note).
func stageStatuses(column string, vs []distinctValue) (Note, bool) {
	n := Note{Column: column, Field: comeet.FieldProspectStatus,
		Rules: []Rule{{Field: comeet.FieldProspectStatus, Column: column}}}
	var meant []string
	for _, v := range vs {
		send := prospectStage(v.text)
		n.Values = append(n.Values, ValueMap{Field: comeet.FieldProspectStatus, Value: v.text, Send: send})
		if send != "" {
			meant = append(meant, fmt.Sprintf("%q -> %s", v.text, send))
		}
	}
	if len(meant) == 0 {
		return Note{}, false
	}
	n.Text = fmt.Sprintf("stages of column %q that say where a prospect stands may also set prospect_status (one of %s): %s; "+
		"to send them, add these lines: %s", column, strings.Join(comeet.ProspectStatuses, ", "), strings.Join(meant, ", "),
		strings.Join(n.Lines(), " "))
	return n, true
}

// prospectStage is the prospect status a stage means, or "" for a stage of
// the pipeline (Interview, Offer, Hired), which no prospect status is.
func prospectStage(stage string) string {
	if s, ok := comeet.CanonicalProspectStatus(stage); ok {
		return s
	}
	if st, ok := atsStatuses[foldValue(stage)]; ok && st.send != "Interested" {
		return st.send
	}
	return ""
}

func firstOr(vs []distinctValue, def string) string {
	if len(vs) == 0 {
		return def
	}
	return vs[0].text
}

// ResolvePositions writes a value line for each position name of the
// position column that exactly one open position of list bears
// ("position_uid,,,Backend Engineer,31.A7"), so that the mapping file says
// what an import will send, and notes the names that no position, a closed
// one, or several bear. list is what the credentials see (GET /positions).
func (pr *Proposal) ResolvePositions(list []comeet.Position) {
	byName := map[string][]comeet.Position{}
	for _, p := range list {
		k := foldValue(p.Name)
		byName[k] = append(byName[k], p)
	}
	var unknown, closed, shared []string
	for _, name := range pr.positionNames {
		ps := byName[foldValue(name)]
		switch {
		case len(ps) == 0:
			unknown = append(unknown, name)
		case len(ps) > 1:
			shared = append(shared, name)
		case !ps[0].Open():
			closed = append(closed, name)
		default:
			pr.Mapping.Values = append(pr.Mapping.Values, ValueMap{Field: comeet.FieldPositionUID, Value: name, Send: ps[0].UID,
				Note: "the open position of this name in Comeet"})
		}
	}
	for _, n := range []struct {
		names []string
		what  string
	}{
		{unknown, "no position these credentials see bears"},
		{closed, "only a closed or on-hold position bears"},
		{shared, "several positions bear"},
	} {
		if len(n.names) > 0 {
			pr.Notes = append(pr.Notes, Note{Column: pr.positionColumn, Field: comeet.FieldPositionUID, Text: fmt.Sprintf(
				"names in column %q that %s: %s: rows holding them are not sent; add a value line with the uid meant (position_uid,,,%s,<uid>)",
				pr.positionColumn, n.what, quoteList(n.names), csvCell(n.names[0]))})
		}
	}
}
