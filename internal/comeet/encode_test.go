package comeet

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diskFile writes data to a real file and returns it attached.
func diskFile(t testing.TB, name string, data []byte) *File {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return &File{
		Name: name, Path: name, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}
}

// seedCandidate is the example of the create-candidate page, every field set.
func seedCandidate(t testing.TB) *Candidate {
	return &Candidate{
		PositionUID: "11.11", PartnerCandidateID: "1111A", FirstName: "Bobby",
		MiddleName: "Robert", LastName: "Chauck", Email: "bobby@example.com",
		Phone: "07-4442321", MobilePhone: "052-8644246", NationalID: "5454-2233-1",
		LinkedInURL:        "https://www.linkedin.com/in/bobby-hauck-06b0735",
		SalaryExpectations: "80k / Annual", ProspectStatus: "Interested",
		Resume:        diskFile(t, "bobby_cv.docx", bytes.Repeat([]byte("cv-bytes\x00\xff"), 1000)),
		Picture:       diskFile(t, "image.png", []byte("\x89PNG\r\n\x1a\n")),
		Links:         []Link{{URL: "https://www.github.com/bobbyc"}, {URL: "https://example.com/?a=1&b=<2>"}},
		Files:         []*File{diskFile(t, "Coding Challenge", []byte("ab")), diskFile(t, "empty.txt", nil)},
		SourceContact: &SourceContact{FullName: "Michael Rosen", Email: "michael@example.com", Phone: "555 555 1234"},
		Address: &Address{Country: "US", City: "New York", State: "NY", Zip: "11249",
			Street: "109 S 5th st. #302"},
		CustomFields: map[string]string{"field1": "value1", "b": "x", "a\u2028": "quote \" back \\ tab \t"},
		Note:         "The candidate expressed his interest in this position\nline two \u2029 é 日本",
	}
}

func writeJSON(t *testing.T, c *Candidate) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	return buf.Bytes()
}

func TestWriteJSONMatchesMarshal(t *testing.T) {
	tests := []struct {
		name string
		cand *Candidate
	}{
		{"every seed field", seedCandidate(t)},
		{"required only", &Candidate{PositionUID: "1", PartnerCandidateID: "p", FirstName: "A", LastName: "B"}},
		{"required empty", &Candidate{}},
		{"escapes", &Candidate{PositionUID: "<&>", PartnerCandidateID: "\x01\x1f\x7f",
			FirstName: "bad \xff utf8", LastName: "\b\f\r", Note: "\u2028\u2029"}},
		{"partial nested", &Candidate{PositionUID: "1", Address: &Address{City: "Haifa"},
			SourceContact: &SourceContact{Phone: "1"}, Links: []Link{{}}}},
		{"nil file in files", &Candidate{PositionUID: "1", Files: []*File{nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeJSON(t, tt.cand)
			want, err := json.Marshal(tt.cand)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("WriteJSON differs from json.Marshal\ngot  %s\nwant %s", got, want)
			}
		})
	}
}

func TestWriteJSONOmitsEmpties(t *testing.T) {
	c := &Candidate{
		PositionUID: "1", PartnerCandidateID: "p", FirstName: "A", LastName: "B",
		Address: &Address{}, SourceContact: &SourceContact{}, CustomFields: map[string]string{},
		Links: []Link{}, Files: []*File{},
	}
	got := string(writeJSON(t, c))
	want := `{"position_uid":"1","partner_candidate_id":"p","first_name":"A","last_name":"B"}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWriteJSONFileContent(t *testing.T) {
	data := make([]byte, 3*fileChunk+2) // several chunks and a padded tail
	for i := range data {
		data[i] = byte(i * 7)
	}
	c := &Candidate{PositionUID: "1", Resume: diskFile(t, "cv.pdf", data)}
	var got struct {
		Resume struct{ Name, File string }
	}
	if err := json.Unmarshal(writeJSON(t, c), &got); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	decoded, err := base64.StdEncoding.DecodeString(got.Resume.File)
	if err != nil {
		t.Fatalf("resume is not base64: %v", err)
	}
	if !bytes.Equal(decoded, data) || got.Resume.Name != "cv.pdf" {
		t.Errorf("got %d bytes named %q, want %d bytes named cv.pdf", len(decoded), got.Resume.Name, len(data))
	}
}

func TestContentLengthExact(t *testing.T) {
	for _, size := range []int{0, 1, 2, 3, 4, fileChunk - 1, fileChunk, fileChunk + 1, 100_000} {
		c := seedCandidate(t)
		c.Resume = diskFile(t, "cv.pdf", bytes.Repeat([]byte{'x'}, size))
		n, err := c.ContentLength()
		if err != nil {
			t.Fatalf("size %d: ContentLength: %v", size, err)
		}
		if got := int64(len(writeJSON(t, c))); got != n {
			t.Errorf("size %d: wrote %d bytes, ContentLength said %d", size, got, n)
		}
	}
}

func TestContentLengthOpensNoFile(t *testing.T) {
	opened := 0
	c := &Candidate{Resume: &File{Name: "a", Size: 10, Open: func() (io.ReadCloser, error) {
		opened++
		return io.NopCloser(strings.NewReader("0123456789")), nil
	}}}
	if _, err := c.ContentLength(); err != nil {
		t.Fatal(err)
	}
	if opened != 0 {
		t.Errorf("got %d opens, want 0", opened)
	}
}

func TestWriteJSONFileErrors(t *testing.T) {
	open := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	tests := []struct {
		name    string
		file    *File
		changed bool
	}{
		{"shorter", &File{Name: "a", Size: 5, Open: open("abc")}, true},
		{"longer", &File{Name: "a", Size: 2, Open: open("abc")}, true},
		{"not attached", &File{Name: "a", Size: 2}, false},
		{"open fails", &File{Name: "a", Size: 2, Open: func() (io.ReadCloser, error) {
			return nil, os.ErrNotExist
		}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Candidate{Resume: tt.file}
			err := c.WriteJSON(io.Discard)
			if err == nil {
				t.Fatal("got nil error, want one")
			}
			var changed *FileChangedError
			if got := errors.As(err, &changed); got != tt.changed {
				t.Errorf("FileChangedError: got %v, want %v (%v)", got, tt.changed, err)
			}
		})
	}
}

func TestFileMarshalJSON(t *testing.T) {
	f := diskFile(t, "a<b>.txt", []byte("hello"))
	got, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"a\u003cb\u003e.txt","file":"aGVsbG8="}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\x00\x1f", "\xff\xfe", "\u2028", "é日本", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func BenchmarkWriteJSON(b *testing.B) {
	for _, verified := range []bool{false, true} {
		b.Run(fmt.Sprintf("digest=%v", verified), func(b *testing.B) { benchmarkWriteJSON(b, verified) })
	}
}

// benchmarkWriteJSON streams a 1 MB resume; verified sets its SHA-256 so
// the stream is hashed and checked against it.
func benchmarkWriteJSON(b *testing.B, verified bool) {
	c := seedCandidate(b)
	data := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	c.Resume = diskFile(b, "cv.pdf", data)
	if verified {
		sum := sha256.Sum256(data)
		c.Resume.SHA256 = hex.EncodeToString(sum[:])
	}
	n, _ := c.ContentLength()
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// A file whose bytes changed since its digest was taken (same size) fails
// the body before its last chunk is written, so no complete request ever
// carries it; the file as checked goes out whole.
func TestFileDigestCheckedWhileStreamed(t *testing.T) {
	checked := bytes.Repeat([]byte("A"), 2*fileChunk+100)
	sum := sha256.Sum256(checked)
	for _, tt := range []struct {
		name string
		now  []byte
	}{
		{"unchanged", checked},
		{"first byte", append([]byte("B"), checked[1:]...)},
		{"last byte", append(append([]byte{}, checked[:len(checked)-1]...), 'B')},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := diskFile(t, "cv.pdf", tt.now)
			f.SHA256 = hex.EncodeToString(sum[:])
			c := &Candidate{Resume: f}
			var out bytes.Buffer
			err := c.WriteJSON(&out)
			if bytes.Equal(tt.now, checked) {
				if err != nil {
					t.Fatalf("unchanged file: %v", err)
				}
				return
			}
			var changed *FileChangedError
			if !errors.As(err, &changed) || !strings.Contains(err.Error(), "SHA-256") {
				t.Fatalf("got %v, want a FileChangedError about the digest", err)
			}
			last := base64.StdEncoding.EncodeToString(tt.now[2*fileChunk:])
			if strings.Contains(out.String(), last) || strings.HasSuffix(out.String(), "}") {
				t.Errorf("the body went out to its end (%d bytes)", out.Len())
			}
		})
	}
}
