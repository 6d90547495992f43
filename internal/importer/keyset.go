package importer

import "math/bits"

// keySet shape: keys spread over keyShards tables by their top bits, each
// grown by keyGrowth when fuller than keyMaxLoad.
const (
	keyShardBits = 6
	keyShards    = 1 << keyShardBits
	keyMinSlots  = 16
	keyGrowth    = 1.5
	keyMaxLoad   = 0.8
)

// keySet remembers 64-bit key hashes, each with the row that had it first,
// in about 12 bytes per slot at 55-80% load: some 18 MB for a million rows
// where a map[uint64]int32 takes 36 MB. It is split into independent
// tables so that growing one copies a sixty-fourth of the whole, and the
// old and new arrays never coexist for the whole set at once. Growth by
// half, not double, keeps the tables fuller. Not safe for concurrent use:
// the producer alone calls it.
type keySet struct {
	shards [keyShards]keyTable
}

// keyTable is one open-addressing table with linear probing; a zero hash
// marks an empty slot, so stored hashes are never zero.
type keyTable struct {
	hashes []uint64
	rows   []int32
	n      int
}

// add records h for row unless it is there already; then it returns the
// row that had it first and true.
func (s *keySet) add(h uint64, row int32) (first int32, seen bool) {
	if h == 0 {
		h = 1
	}
	return s.shards[h>>(64-keyShardBits)].add(h, row)
}

// len returns the number of keys stored.
func (s *keySet) len() int {
	n := 0
	for i := range s.shards {
		n += s.shards[i].n
	}
	return n
}

func (t *keyTable) add(h uint64, row int32) (int32, bool) {
	if float64(t.n+1) > keyMaxLoad*float64(len(t.hashes)) {
		t.grow()
	}
	i := t.slot(h)
	for t.hashes[i] != 0 {
		if t.hashes[i] == h {
			return t.rows[i], true
		}
		if i++; i == len(t.hashes) {
			i = 0
		}
	}
	t.hashes[i], t.rows[i] = h, row
	t.n++
	return 0, false
}

// slot maps h onto the table's length without a power-of-two size: the
// high word of h*len is uniform in [0, len).
func (t *keyTable) slot(h uint64) int {
	hi, _ := bits.Mul64(h<<keyShardBits, uint64(len(t.hashes)))
	return int(hi)
}

func (t *keyTable) grow() {
	size := max(keyMinSlots, int(float64(len(t.hashes))*keyGrowth))
	old, oldRows := t.hashes, t.rows
	t.hashes, t.rows, t.n = make([]uint64, size), make([]int32, size), 0
	for i, h := range old {
		if h != 0 {
			t.add(h, oldRows[i])
		}
	}
}
