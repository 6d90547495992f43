package importer

import (
	"math/rand/v2"
	"testing"
)

// TestKeySetMatchesMap checks the set against a map on random keys with
// repeats, through many growths, including the zero hash and hashes that
// share a shard.
func TestKeySetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s keySet
	want := map[uint64]int32{}
	keys := []uint64{0, 1, 1 << 63, 1<<63 | 1}
	for range 50000 {
		keys = append(keys, rng.Uint64())
	}
	for i := range 120000 {
		h := keys[rng.IntN(len(keys))]
		if h == 0 {
			h = 1 // the set stores zero as one; so does this model
		}
		first, seen := s.add(h, int32(i))
		w, ok := want[h]
		if !ok {
			want[h] = int32(i)
		}
		if seen != ok || first != w {
			t.Fatalf("add(%#x, %d) = %d, %v; want %d, %v", h, i, first, seen, w, ok)
		}
	}
	if got := s.len(); got != len(want) {
		t.Errorf("len = %d, want %d", got, len(want))
	}
}

func TestKeySetSmall(t *testing.T) {
	tests := []struct {
		name  string
		adds  []uint64
		first int32
		seen  bool
	}{
		{"first time", []uint64{7}, 0, false},
		{"repeat", []uint64{7, 9, 7}, 1, true},
		{"zero is a key", []uint64{0, 0}, 1, true},
		{"zero and one share a slot", []uint64{1, 0}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s keySet
			var first int32
			var seen bool
			for i, h := range tt.adds {
				first, seen = s.add(h, int32(i+1))
			}
			if first != tt.first || seen != tt.seen {
				t.Errorf("last add = %d, %v; want %d, %v", first, seen, tt.first, tt.seen)
			}
		})
	}
}

func BenchmarkKeySet(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s keySet
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.add(rng.Uint64(), int32(i))
	}
}
