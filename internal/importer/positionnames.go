package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

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
// listed position, or when it has a uid's shape and no listed position
// bears it as a name (the position check, when asked for, then looks it up
// as a uid); the uid of the one position so named. It returns a problem for
// a name that no position bears, that a position closed or on hold bears,
// or that several positions share: such a row is not sent.
func (n *positionNames) resolve(value string) (string, *comeet.Problem) {
	if value == "" || n.uids[value] {
		return value, nil
	}
	ps := n.byName[nameKey(value)]
	switch {
	case len(ps) == 0 && comeet.LooksLikeUID(value):
		return value, nil
	case len(ps) == 0:
		return value, &comeet.Problem{Field: comeet.FieldPositionUID, Code: comeet.CodePositionNotFound,
			Message: fmt.Sprintf("no position these credentials can see in Comeet is named %q", value),
			Reason:  "no position these credentials can see in Comeet has this name: check its spelling against Comeet's positions, or put the position's uid"}
	case len(ps) == 1 && !ps[0].Open():
		prob, _, _ := positionProblem(ps[0].UID, &ps[0])
		return value, &prob
	case len(ps) == 1:
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

// namesOnce lists the positions the first time a row names its position by
// its name, so that an import of uids sends no request for the list, and an
// import of names resolves every row through one list, before the first of
// them is sent. The checkers share it.
type namesOnce struct {
	once  sync.Once
	load  func() (*positionNames, error)
	names *positionNames
	err   error
}

// listedNames is a namesOnce over a list already fetched
// (Config.CheckPositions).
func listedNames(n *positionNames) *namesOnce {
	o := &namesOnce{names: n}
	o.once.Do(func() {})
	return o
}

// namesOnDemand is a namesOnce that lists the positions through ps when
// first asked; ctx is the run's, so that an interruption ends the request.
func namesOnDemand(ctx context.Context, ps *positions) *namesOnce {
	return &namesOnce{load: func() (*positionNames, error) {
		if err := ps.load(ctx); err != nil {
			return nil, err
		}
		return newPositionNames(ps.known), nil
	}}
}

// get returns the names, listing the positions on the first call.
func (o *namesOnce) get() (*positionNames, error) {
	o.once.Do(func() { o.names, o.err = o.load() })
	return o.names, o.err
}

// CodePositionsUnlisted is the code of a row naming its position by name
// when Comeet's list of positions could not be read: it was not sent.
const CodePositionsUnlisted = "positions_unlisted"

// resolvePosition puts the uid of the position c names in c.PositionUID.
// It returns the row's problem with that name, or, when the positions
// could not be listed, why the row cannot be sent (failed). Without names
// (a dry run without the credentials) a name is left as it is, and said to
// be unchecked.
func (k *checker) resolvePosition(rw *row) (named []comeet.Problem, failed string) {
	c := rw.cand
	if c.PositionUID == "" || (k.names == nil && comeet.LooksLikeUID(c.PositionUID)) {
		return nil, ""
	}
	if k.names == nil {
		rw.positionUnchecked = true
		rw.warnings = append(rw.warnings, fmt.Sprintf("position %q is a name, not a uid: checked against Comeet's positions, and the ledger, only with the account's credentials (validate with them, or import, looks it up)", c.PositionUID))
		return nil, ""
	}
	if k.names.load != nil && comeet.LooksLikeUID(c.PositionUID) {
		return nil, "" // on demand: a uid needs no list
	}
	names, err := k.names.get()
	if err != nil {
		return nil, fmt.Sprintf("not sent: position %q is a name, and Comeet's positions could not be listed to find its uid: %v", c.PositionUID, err)
	}
	uid, prob := names.resolve(c.PositionUID)
	c.PositionUID = uid
	if prob != nil {
		return []comeet.Problem{*prob}, ""
	}
	return nil, ""
}
