package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"hash/maphash"
	"slices"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// MaxRecallEntries is the most entries Recall holds in memory: about 60
// bytes each (12 MiB at this size). A larger ledger is looked up in SQLite
// key by key, as without Recall: measured at 1,000,000 entries, an index
// of 60 MiB held against the importer's 40 MiB soft memory limit made the
// garbage collector run without pause (25 to 30 s against 13.6 s for the
// look-ups in SQLite).
const MaxRecallEntries = 200_000

// recallSQL reads what Lookup answers, in one pass over the table; the
// files of the few entries that have some are read per key when asked.
const recallSQL = `SELECT position_uid, partner_candidate_id, state, outcome,
	candidate_uid, fingerprint, updated_at,
	files IS NOT NULL OR doubt_fields IS NOT NULL FROM entries`

// recalled is an entry as the memory index holds it: its key as two
// hashes (with two seeds: 96 bits, so that two keys mistaken for one is
// out of reach), its short texts in the index's arena.
type recalled struct {
	h       uint64 // the key's hash; the index is sorted by it
	updated int64
	check   uint32 // a second hash of the key
	off     uint32 // candidate_uid then fingerprint, in arena
	uidLen  uint8
	fpLen   uint8
	state   uint8
	outcome uint8 // in outcomes
	// ask is set for an entry with files or in doubt, or with texts too
	// long for the index: Lookup reads it from SQLite.
	ask bool
}

// memIndex is the entries as one sorted slice, read by one sequential
// scan of the table, so that a re-run's look-ups are binary searches
// instead of one B-tree search in SQLite per key.
type memIndex struct {
	ready    chan struct{}
	cancel   context.CancelFunc
	err      error // set before ready closes
	max      int   // the most entries kept (MaxRecallEntries)
	tooLarge bool  // more than max: not kept
	seed     maphash.Seed
	seed2    maphash.Seed
	recs     []recalled
	arena    []byte
	outcomes []string
}

// Recall starts reading the ledger's entries into memory in the
// background, for a run that is about to look up many keys (a re-run of a
// file). Lookup answers from memory once it is read, from SQLite until
// then. The index is a snapshot: an entry written after Recall is not seen
// by a Lookup it answers, which is what a run wants (a key sent by this
// run is a duplicate in its own file, refused anyway).
// Calling it again does nothing.
func (l *Ledger) Recall(ctx context.Context) {
	l.recallOnce.Do(func() {
		m := &memIndex{ready: make(chan struct{}), max: l.recallMax, seed: maphash.MakeSeed(), seed2: maphash.MakeSeed()}
		ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		m.cancel = cancel
		l.mem.Store(m)
		go func() {
			defer close(m.ready)
			m.err = m.load(ctx, l.rdb)
		}()
	})
}

// stop ends the reading, if it still goes on, and waits for it.
func (m *memIndex) stop() {
	m.cancel()
	<-m.ready
}

func (m *memIndex) hashes(k comeet.Key) (uint64, uint32) {
	var h, h2 maphash.Hash
	h.SetSeed(m.seed)
	h2.SetSeed(m.seed2)
	h.WriteString(k.PositionUID)
	h.WriteByte(0)
	h.WriteString(k.PartnerCandidateID)
	h2.WriteString(k.PositionUID)
	h2.WriteByte(0)
	h2.WriteString(k.PartnerCandidateID)
	return h.Sum64(), uint32(h2.Sum64())
}

// hashesOf is hashes of a key read from the table.
func (m *memIndex) hashesOf(pos, cand []byte) (uint64, uint32) {
	var h, h2 maphash.Hash
	h.SetSeed(m.seed)
	h2.SetSeed(m.seed2)
	h.Write(pos)
	h.WriteByte(0)
	h.Write(cand)
	h2.Write(pos)
	h2.WriteByte(0)
	h2.Write(cand)
	return h.Sum64(), uint32(h2.Sum64())
}

func (m *memIndex) load(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM entries`).Scan(&n); err != nil {
		return err
	}
	if n > m.max {
		m.tooLarge = true
		return nil
	}
	rows, err := db.QueryContext(ctx, recallSQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	m.recs = make([]recalled, 0, n)
	m.arena = make([]byte, 0, 28*n) // a candidate_uid and a fingerprint are about 26 bytes
	outcome := map[string]uint8{}
	var (
		pos, cand, out, uid, fp sql.RawBytes
		state, updated          int64
		hasFiles                bool
	)
	for rows.Next() {
		if err := rows.Scan(&pos, &cand, &state, &out, &uid, &fp, &updated, &hasFiles); err != nil {
			return err
		}
		var r recalled
		r.h, r.check = m.hashesOf(pos, cand)
		r.updated, r.state, r.ask = updated, uint8(state), hasFiles
		o, ok := outcome[string(out)]
		if !ok && len(m.outcomes) < 255 {
			o = uint8(len(m.outcomes))
			outcome[string(out)] = o
			m.outcomes = append(m.outcomes, string(out))
			ok = true
		}
		r.outcome = o
		if !ok || len(uid) > 255 || len(fp) > 255 || len(m.arena) > 1<<31 {
			r.ask = true
		} else {
			r.off, r.uidLen, r.fpLen = uint32(len(m.arena)), uint8(len(uid)), uint8(len(fp))
			m.arena = append(append(m.arena, uid...), fp...)
		}
		m.recs = append(m.recs, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(m.recs, func(a, b recalled) int {
		if a.h != b.h {
			return cmpUint(a.h, b.h)
		}
		return cmpUint(uint64(a.check), uint64(b.check))
	})
	if cap(m.arena) > len(m.arena)+len(m.arena)/4 {
		m.arena = slices.Clone(m.arena)
	}
	return nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// find returns what the index knows of k; ask is true when SQLite must be
// asked instead.
func (m *memIndex) find(k comeet.Key) (kn Known, ask bool) {
	h, check := m.hashes(k)
	i, _ := slices.BinarySearchFunc(m.recs, h, func(r recalled, h uint64) int { return cmpUint(r.h, h) })
	for ; i < len(m.recs) && m.recs[i].h == h; i++ {
		r := &m.recs[i]
		if r.check != check {
			continue
		}
		if r.ask {
			return Known{}, true
		}
		uid := m.arena[r.off : r.off+uint32(r.uidLen)]
		fp := m.arena[r.off+uint32(r.uidLen) : r.off+uint32(r.uidLen)+uint32(r.fpLen)]
		return Known{
			Found: true, State: stateOf(int(r.state)), Outcome: m.outcomes[r.outcome],
			CandidateUID: string(uid), UpdatedAt: time.Unix(0, r.updated).UTC(), RowHash: string(fp),
		}, false
	}
	return Known{}, false
}

// recallLookup answers keys from the memory index when Recall was called
// and kept the entries; ok is false when Lookup must ask SQLite for all.
// The keys the index cannot answer alone are asked of SQLite.
func (l *Ledger) recallLookup(ctx context.Context, keys []comeet.Key) (known []Known, ok bool, err error) {
	m := l.mem.Load()
	if m == nil {
		return nil, false, nil
	}
	select {
	case <-m.ready:
	default:
		return nil, false, nil // still reading: SQLite answers meanwhile
	}
	if m.err != nil {
		return nil, true, fmt.Errorf("read the entries: %w", m.err)
	}
	if m.tooLarge {
		return nil, false, nil
	}
	known = make([]Known, len(keys))
	var askKeys []comeet.Key
	var askAt []int
	for i, k := range keys {
		kn, ask := m.find(k)
		if ask {
			askKeys, askAt = append(askKeys, k), append(askAt, i)
			continue
		}
		known[i] = kn
	}
	if len(askKeys) > 0 {
		asked, err := l.sqlLookup(ctx, askKeys)
		if err != nil {
			return nil, true, err
		}
		for j, i := range askAt {
			known[i] = asked[j]
		}
	}
	return known, true, nil
}
