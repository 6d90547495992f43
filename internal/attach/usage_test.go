package attach

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

func smallFS() fstest.MapFS {
	files := fstest.MapFS{}
	for _, p := range []string{"CVs/a.doc", "old/a.doc", "CVs/dana.pdf", "CVs/noam.pdf", "photos/dana.jpg", "=cmd.pdf", "spare1.pdf", "spare2.pdf", "spare3.pdf", "spare4.pdf"} {
		files[p] = &fstest.MapFile{Data: []byte(p)}
	}
	return files
}

// matchRows resolves the cells of a small export the way the importer
// will: each row's file cells, or NoFile when it has none.
func matchRows(u *Usage) {
	rows := map[int][]string{
		2:  {"CVs/dana", "photos/dana.jpg"},
		3:  {`C:\Exports\CVs\noam.pdf`, "dana"},
		4:  {"a.doc"},
		5:  {"missing.pdf"},
		6:  {},
		7:  {"A.DOC"},
		8:  {"dana.pdf", "dana.pdf"}, // the same file twice counts once
		9:  {"=cmd"},
		10: {},
	}
	for row := 2; row <= 10; row++ {
		if len(rows[row]) == 0 {
			u.NoFile(row)
		}
		for _, ref := range rows[row] {
			u.Resolve(row, ref)
		}
	}
}

func TestUsageCSV(t *testing.T) {
	u := NewUsage(newTestIndex(t, smallFS(), IndexOptions{}))
	matchRows(u)
	var buf bytes.Buffer
	if err := u.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := `file,status,rows
A.DOC,ambiguous,4 7
dana,ambiguous,3
missing.pdf,missing,5
CVs/a.doc,unused,
old/a.doc,unused,
spare1.pdf,unused,
spare2.pdf,unused,
spare3.pdf,unused,
spare4.pdf,unused,
'=cmd.pdf,used,9
CVs/dana.pdf,used,2 8
CVs/noam.pdf,used,3
photos/dana.jpg,used,2
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := csv.NewReader(&buf).ReadAll(); err != nil {
		t.Errorf("the report is not CSV: %v", err)
	}
}

func TestUsageSummary(t *testing.T) {
	u := NewUsage(newTestIndex(t, smallFS(), IndexOptions{}))
	matchRows(u)
	want := `Files: 4 of 10 used by 4 rows; 6 no row uses ("CVs/a.doc", "old/a.doc", "spare1.pdf" and 3 more); ` +
		`2 names match several files: "A.DOC" (rows 4, 7), "dana" (row 3); 1 name matches no file: "missing.pdf" (row 5); ` +
		`2 rows name no file (rows 6, 10).`
	if got := u.Summary(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	all := NewUsage(newTestIndex(t, fstest.MapFS{"cv.pdf": {}}, IndexOptions{}))
	all.Resolve(2, "cv")
	if got, want := all.Summary(), "Files: 1 of 1 used by 1 row."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	empty := NewUsage(newTestIndex(t, fstest.MapFS{"sub/.keep": {}}, IndexOptions{}))
	empty.Resolve(2, "cv.pdf")
	if got, want := empty.Summary(), `Files: none in the folder or archive; 1 name matches no file: "cv.pdf" (row 2).`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Names from the folder, an archive or a cell reach the terminal escaped:
// an escape sequence could retitle it, a line break forge a line.
func TestUsageSummaryEscapesNames(t *testing.T) {
	evil := "cv\x1b]0;owned\x07\n[INFO] all rows created\u202e.pdf"
	u := NewUsage(newTestIndex(t, fstest.MapFS{evil: {}, "ok.pdf": {}}, IndexOptions{}))
	u.Resolve(2, "ok.pdf")
	u.Resolve(3, "x\x1b[2Jy.pdf")
	got := u.Summary()
	if strings.ContainsAny(got, "\x1b\x07\n\u202e") {
		t.Errorf("summary holds raw control characters: %q", got)
	}
	for _, want := range []string{`"cv\x1b]0;owned\a\n[INFO] all rows created\u202e.pdf"`, `"x\x1b[2Jy.pdf" (row 3)`} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %s", got, want)
		}
	}
}

func TestUsageRecord(t *testing.T) {
	u := NewUsage(newTestIndex(t, smallFS(), IndexOptions{}))
	u.Record(2, "dana.pdf", "CVs/dana.pdf", nil)
	u.Record(3, " x.pdf ", "", &NotFoundError{Ref: "x.pdf"})
	u.Record(4, "x.pdf", "", errors.New("permission denied"))
	u.Record(5, "a", "", &AmbiguousError{Ref: "a", Count: 2})
	var got []string
	for _, l := range u.Lines() {
		if l.Status != StatusUnused {
			got = append(got, fmt.Sprintf("%s %s %v", l.File, l.Status, l.Rows))
		}
	}
	want := "a ambiguous [5]|x.pdf missing [3 4]|CVs/dana.pdf used [2]"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestUsageRowList(t *testing.T) {
	u := NewUsage(newTestIndex(t, fstest.MapFS{"cv.pdf": {}}, IndexOptions{}))
	for row := 100; row > 70; row-- {
		u.Resolve(row, "cv.pdf")
	}
	var buf bytes.Buffer
	if err := u.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "cv.pdf,used,71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 and 10 more\n"
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("got %q, want it to end with %q", buf.String(), want)
	}
}

// Workers resolve rows at once; run with -race.
func TestUsageConcurrent(t *testing.T) {
	u := NewUsage(newTestIndex(t, smallFS(), IndexOptions{}))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				row := w*100 + i
				switch i % 3 {
				case 0:
					u.Resolve(row, "noam")
				case 1:
					u.Resolve(row, "nobody.pdf")
				default:
					u.NoFile(row)
				}
			}
		})
	}
	wg.Wait()
	counts := map[Status]int{}
	for _, l := range u.Lines() {
		counts[l.Status] += len(l.Rows)
	}
	if counts[StatusUsed] != 8*34 || counts[StatusMissing] != 8*33 {
		t.Errorf("got %v, want %d used and %d missing rows", counts, 8*34, 8*33)
	}
	if !strings.Contains(u.Summary(), "264 rows name no file") {
		t.Errorf("got %q, want 264 rows naming no file", u.Summary())
	}
}
