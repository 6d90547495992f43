package importer

import "math/bits"

// keySet remembers the 64-bit hashes of the (position_uid,
// partner_candidate_id) keys seen so far in a file, each with the row that
// first had it. It is an open-addressing table with linear probing that
// costs 12 bytes a slot, about a third of a Go map of the same entries, so
// that a million-row file stays within a small memory budget.
type keySet struct {
	hashes []uint64 // 0 marks a free slot; a hash of 0 is stored as 1
	rows   []int32
	n      int
}

// keySetMinSize is the table's first size, in slots.
const keySetMinSize = 1024

// add records the key hash h for row and returns the row that had it
// first, or 0 when h is new.
func (s *keySet) add(h uint64, row int32) (first int32) {
	if h == 0 {
		h = 1
	}
	if 4*(s.n+1) > 3*len(s.hashes) {
		s.grow()
	}
	i := s.slot(h)
	for s.hashes[i] != 0 {
		if s.hashes[i] == h {
			return s.rows[i]
		}
		if i++; i == len(s.hashes) {
			i = 0
		}
	}
	s.hashes[i], s.rows[i] = h, row
	s.n++
	return 0
}

// slot maps h onto the table without a power-of-two size, so the table
// can grow by half instead of doubling.
func (s *keySet) slot(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(s.hashes)))
	return int(hi)
}

func (s *keySet) grow() {
	size := max(keySetMinSize, len(s.hashes)+len(s.hashes)/2)
	old, oldRows := s.hashes, s.rows
	s.hashes, s.rows, s.n = make([]uint64, size), make([]int32, size), 0
	for i, h := range old {
		if h != 0 {
			s.add(h, oldRows[i])
		}
	}
}
