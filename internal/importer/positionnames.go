package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// CodePositionAmbiguous is the problem of a row that names its position by
// a name several positions share: the row must give the uid.
const CodePositionAmbiguous = "position_ambiguous"

// positionNames resolves a position_uid cell that holds a position's name
// ("Backend Engineer") to its uid, from the one list of positions the run
// fetched when it opened: no request of its own. It is built once, before
// any row is read, and only read afterwards, so the checkers share it.
type positionNames struct {
	uids   map[string]bool
	byName map[string][]comeet.Position
}

// newPositionNames indexes list by uid and by name (case and spaces
// ignored).
func newPositionNames(list map[string]*comeet.Position) *positionNames {
	n := &positionNames{uids: make(map[string]bool, len(list)), byName: make(map[string][]comeet.Position)}
	for uid, p := range list {
		if p == nil {
			continue
		}
		n.uids[uid] = true
		if k := nameKey(p.Name); k != "" {
			n.byName[k] = append(n.byName[k], *p)
		}
	}
	for _, ps := range n.byName {
		slices.SortFunc(ps, func(a, b comeet.Position) int { return strings.Compare(a.UID, b.UID) })
	}
	return n
}

// nameKey is a position name with case and runs of spaces ignored:
// " backend  ENGINEER" and "Backend Engineer" are the same name.
func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// resolve returns the uid of value: value itself when it is the uid of a
// listed position, or when no listed position bears it as a name (the
// position check then looks it up as a uid, and calls it unknown when
// Comeet does not know it); the uid of the one position so named; or a
// problem when several positions share the name.
func (n *positionNames) resolve(value string) (string, *comeet.Problem) {
	if value == "" || n.uids[value] {
		return value, nil
	}
	ps := n.byName[nameKey(value)]
	switch len(ps) {
	case 0:
		return value, nil
	case 1:
		return ps[0].UID, nil
	}
	uids := make([]string, len(ps))
	for i, p := range ps {
		status := p.Status
		if status == "" {
			status = "no status"
		}
		uids[i] = fmt.Sprintf("%s (%s)", p.UID, status)
	}
	return value, &comeet.Problem{Field: comeet.FieldPositionUID, Code: CodePositionAmbiguous,
		Message: fmt.Sprintf("%d positions are named %q in Comeet: %s", len(ps), value, strings.Join(uids, ", ")),
		Reason:  fmt.Sprintf("%d positions in Comeet have this name: put the uid of the one meant instead (%s)", len(ps), strings.Join(uids, ", "))}
}
