package ledger

import (
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

func TestSentOf(t *testing.T) {
	l, _ := openTemp(t)
	opened := false
	open := func() (io.ReadCloser, error) { opened = true; return nil, errors.New("must not be read") }
	c := &comeet.Candidate{
		PositionUID: "11.11", PartnerCandidateID: "1111A", FirstName: "Bobby", LastName: "Chauck",
		Email: "bobby@example.com", ProspectStatus: "Interested",
		Resume:        &comeet.File{Name: "bobby_cv.docx", Path: "cv/bobby_cv.docx", Size: 10, SHA256: "aa", Open: open},
		Files:         []*comeet.File{{Name: "a.pdf", Size: 30, SHA256: "cc", Open: open}},
		Links:         []comeet.Link{{URL: "https://www.github.com/bobbyc"}},
		SourceContact: &comeet.SourceContact{FullName: "Michael Rosen"},
		CustomFields:  map[string]string{"field1": "value1", "level": ""},
		Note:          "plain text\nnote",
	}
	values := map[string]string{
		"first_name": "Bobby", "last_name": "Chauck", "email": "bobby@example.com", "prospect_status": "Interested",
		"links[0].url": "https://www.github.com/bobbyc", "source_contact.full_name": "Michael Rosen",
		"custom_fields.field1": "value1", "custom_fields.level": "", "note": "plain text\nnote",
	}
	want := Sent{Fields: map[string]string{}, Files: []SentFile{
		{Slot: "resume", Name: l.Digest("file.name", "bobby_cv.docx"), Path: l.Digest("file.path", "cv/bobby_cv.docx"), Size: 10, SHA256: "aa"},
		{Slot: "files[0]", Name: l.Digest("file.name", "a.pdf"), Size: 30, SHA256: "cc"},
	}}
	for name, v := range values {
		want.Fields[name] = l.Digest(name, v)
	}
	if got := l.SentOf(c); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if opened {
		t.Error("SentOf opened a file")
	}
	if got := l.SentOf(nil); !reflect.DeepEqual(got, Sent{}) {
		t.Errorf("nil candidate: got %+v", got)
	}
}

// FuzzDigest checks that a digest tells values and names apart, and that
// it holds nothing of the value.
func FuzzDigest(f *testing.F) {
	f.Add("first_name", "Bobby", "Bobbi")
	f.Add("", "", "\x00")
	f.Fuzz(func(t *testing.T, name, a, b string) {
		l := &Ledger{d: newDigester([]byte("0123456789abcdef0123456789abcdef"))}
		da, db := l.Digest(name, a), l.Digest(name, b)
		if (a == b) != (da == db) {
			t.Errorf("digests of %q and %q: %s and %s", a, b, da, db)
		}
		if len(da) != 2*digestSize || l.Digest(name+"x", a) == da {
			t.Errorf("digest %q of %q under %q", da, a, name)
		}
	})
}

// TestFieldsRecordKeepsDigestsRaw: a record of digests keeps their raw
// bytes (half the hex), and any other values as strings; both read back.
func TestFieldsRecordKeepsDigestsRaw(t *testing.T) {
	l, _ := openTemp(t)
	digests := l.SentOf(&comeet.Candidate{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com"}).Fields
	other := map[string]string{"first_name": "not a digest", "last_name": l.Digest("last_name", "Lee")}
	for _, fields := range []map[string]string{digests, other, {}} {
		b := encodeFields(fields)
		got, err := decodeFields(b, comeet.Key{})
		if err != nil || !reflect.DeepEqual(got, fields) {
			t.Errorf("round trip of %v: got %v (%v)", fields, got, err)
		}
	}
	if n, hexLen := len(encodeFields(digests)), len(digests)*2*digestSize; n >= hexLen {
		t.Errorf("a record of %d digests takes %d bytes, not less than their hex (%d)", len(digests), n, hexLen)
	}
}
