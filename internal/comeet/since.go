package comeet

import (
	"context"
	"time"
)

// Listing is what CreatedSince read: the candidates Comeet created since a
// time that carry a partner key, found by that key. It is how a run finds
// the candidate an earlier POST created without its answer being recorded,
// and how verify finds the answers a ledger lost.
type Listing struct {
	// Since is the time the list starts after.
	Since time.Time
	// Records are the candidates with a uid, a position and a partner
	// candidate id, in the order Comeet listed them.
	Records []Record
	byKey   map[Key]Record
}

// Find returns the candidate listed with key k; of two with one key, the
// one listed last.
func (l *Listing) Find(k Key) (Record, bool) {
	r, ok := l.byKey[k]
	return r, ok
}

// Key is the record's partner key.
func (r *Record) Key() Key {
	return Key{PositionUID: r.PositionUID, PartnerCandidateID: r.PartnerCandidateID}
}

// CreatedSince lists (every page of GET /candidates?time_created:after=)
// the candidates created after since, keeping those a partner key names.
func (c *Client) CreatedSince(ctx context.Context, since time.Time) (*Listing, Reply, error) {
	recs, reply, err := c.ListCandidates(ctx, CandidateFilter{CreatedAfter: since})
	if err != nil {
		return nil, reply, err
	}
	l := &Listing{Since: since, byKey: make(map[Key]Record, len(recs))}
	for _, r := range recs {
		if r.UID != "" && r.PositionUID != "" && r.PartnerCandidateID != "" {
			l.Records = append(l.Records, r)
			l.byKey[r.Key()] = r
		}
	}
	return l, reply, nil
}
