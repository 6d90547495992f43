package ledger

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestSentOf(t *testing.T) {
	opened := false
	open := func() (io.ReadCloser, error) { opened = true; return nil, errors.New("must not be read") }
	tests := []struct {
		name string
		c    *comeet.Candidate
		want Sent
	}{
		{"nil candidate", nil, Sent{}},
		{"required fields only", &comeet.Candidate{PositionUID: "11.11", PartnerCandidateID: "A", FirstName: "Bo", LastName: "C"},
			Sent{Fields: map[string]string{"position_uid": "11.11", "partner_candidate_id": "A", "first_name": "Bo", "last_name": "C"}}},
		{"nested values and files", &comeet.Candidate{
			PositionUID: "11.11", PartnerCandidateID: "1111A", FirstName: "Bobby", LastName: "Chauck",
			Email: "bobby@example.com", ProspectStatus: "Interested",
			Resume:        &comeet.File{Name: "bobby_cv.docx", Path: "cv/bobby_cv.docx", Size: 10, SHA256: "aa", Open: open},
			Picture:       &comeet.File{Name: "me.png", Path: "me.png", Size: 20, SHA256: "bb", Open: open},
			Files:         []*comeet.File{{Name: "a.pdf", Path: "a.pdf", Size: 30, SHA256: "cc", Open: open}, {Name: "b.txt", Path: "x/b.txt", Size: 0, SHA256: "dd"}},
			Links:         []comeet.Link{{URL: "https://www.github.com/bobbyc"}, {URL: "https://example.com"}},
			SourceContact: &comeet.SourceContact{FullName: "Michael Rosen", Email: "michael@example.com"},
			Address:       &comeet.Address{Country: "US", City: "New York"},
			CustomFields:  map[string]string{"field1": "value1", "level": ""},
			Note:          "plain text\nnote",
		}, Sent{
			Fields: map[string]string{
				"position_uid": "11.11", "partner_candidate_id": "1111A", "first_name": "Bobby", "last_name": "Chauck",
				"email": "bobby@example.com", "prospect_status": "Interested",
				"links[0].url": "https://www.github.com/bobbyc", "links[1].url": "https://example.com",
				"source_contact.full_name": "Michael Rosen", "source_contact.email": "michael@example.com",
				"address.country": "US", "address.city": "New York",
				"custom_fields.field1": "value1", "custom_fields.level": "", "note": "plain text\nnote",
			},
			Files: []SentFile{
				{Slot: "resume", Name: "bobby_cv.docx", Path: "cv/bobby_cv.docx", Size: 10, SHA256: "aa"},
				{Slot: "picture", Name: "me.png", Path: "me.png", Size: 20, SHA256: "bb"},
				{Slot: "files[0]", Name: "a.pdf", Path: "a.pdf", Size: 30, SHA256: "cc"},
				{Slot: "files[1]", Name: "b.txt", Path: "x/b.txt", Size: 0, SHA256: "dd"},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SentOf(tt.c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if opened {
		t.Error("SentOf opened a file")
	}
}

func TestSentOfLeavesCandidateUnchanged(t *testing.T) {
	c := &comeet.Candidate{PositionUID: "1", PartnerCandidateID: "2", Resume: &comeet.File{Name: "cv.pdf"}}
	SentOf(c)
	if c.Resume == nil || c.Resume.Name != "cv.pdf" {
		t.Errorf("candidate's resume after SentOf: got %+v, want cv.pdf", c.Resume)
	}
}

// FuzzSentOf checks that every value of a candidate reaches Sent.Fields and
// survives the JSON the ledger stores it as.
func FuzzSentOf(f *testing.F) {
	f.Add("11.11", "1111A", "Bobby", "value1", "US")
	f.Add("", "", "", "", "")
	f.Add("a.b", "[0]", "\x00\n\"", "ünï", "<&>")
	f.Fuzz(func(t *testing.T, pos, id, first, custom, country string) {
		c := &comeet.Candidate{PositionUID: pos, PartnerCandidateID: id, FirstName: first,
			CustomFields: map[string]string{"k": custom}, Address: &comeet.Address{Country: country}}
		s := SentOf(c)
		for name, want := range map[string]string{"position_uid": pos, "partner_candidate_id": id, "first_name": first, "custom_fields.k": custom} {
			if got := s.Fields[name]; got != want && validUTF8(want) {
				t.Errorf("field %s: got %q, want %q", name, got, want)
			}
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		var back Sent
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("JSON round trip: got %+v, want %+v", back, s)
		}
	})
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
