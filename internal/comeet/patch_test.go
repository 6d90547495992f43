package comeet

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"slices"
	"testing"
)

func TestPatchBody(t *testing.T) {
	cv := bytes.Repeat([]byte("cv"), 5000)
	tests := []struct {
		name     string
		patch    Patch
		wantKeys []string
	}{
		{"one field", Patch{Email: new("a@example.com")}, []string{"email"}},
		{"an empty value is sent", Patch{MiddleName: new("")}, []string{"middle_name"}},
		{"nested and updated_by", Patch{Address: &Address{City: "Haifa"}, CustomFields: map[string]string{"b": "2", "a": "1"},
			UpdatedBy: &UpdatedBy{Type: UpdatedByApp, Name: "comeet-import"}}, []string{"address", "custom_fields", "updated_by"}},
		{"an empty address is not a change", Patch{Address: &Address{}, Phone: new("1")}, []string{"phone"}},
		{"wide, with a file", Patch{Note: new("n"), Resume: &File{Name: "cv.pdf", Size: int64(len(cv)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(cv)), nil }}}, []string{"note", "resume"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.patch.body()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(b.reader())
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(data)) != b.length {
				t.Errorf("length: got %d bytes, announced %d", len(data), b.length)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("not JSON: %v: %s", err, data)
			}
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			want := slices.Sorted(slices.Values(tt.wantKeys))
			if !slices.Equal(keys, want) {
				t.Errorf("keys: got %v, want %v", keys, want)
			}
			if raw, ok := m["resume"]; ok {
				var f struct{ Name, File string }
				json.Unmarshal(raw, &f) //nolint:errcheck // checked below
				got, _ := base64.StdEncoding.DecodeString(f.File)
				if f.Name != "cv.pdf" || !bytes.Equal(got, cv) {
					t.Errorf("resume: got %q with %d bytes", f.Name, len(got))
				}
			}
		})
	}
}

func TestPatchCheck(t *testing.T) {
	p := &Patch{Phone: new("1"), Note: new("n"), Links: []Link{{URL: "https://x.example"}}}
	err := p.check(NarrowPatchFields)
	fe, ok := err.(*PatchFieldError)
	if !ok || !slices.Equal(fe.Fields, []string{"links", "note"}) {
		t.Errorf("narrow: got %v, want links and note refused", err)
	}
	if err := p.check(WidePatchFields); err != nil {
		t.Errorf("wide: got %v", err)
	}
	if err := (&Patch{UpdatedBy: &UpdatedBy{Type: UpdatedByUser}}).check(WidePatchFields); err != ErrEmptyPatch {
		t.Errorf("only updated_by: got %v, want ErrEmptyPatch", err)
	}
}
