package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchCSV makes a 10-column CSV of n rows, about 160 bytes a row, with a
// quoted cell in every tenth row.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("position_uid,partner_candidate_id,first_name,last_name,email,phone,prospect_status,linkedin,city,notes\n")
	for i := range n {
		notes := "Met at the meetup"
		if i%10 == 0 {
			notes = "\"Said \"\"call me\"\", later\""
		}
		fmt.Fprintf(&b, "11.11,%07dA,Bobby,Chauck,bobby%d@example.com,0528%06d,Interested,https://www.linkedin.com/in/bobby%d,New York,%s\n",
			i, i, i%1000000, i, notes)
	}
	return b.Bytes()
}

func BenchmarkReader(b *testing.B) {
	data := benchCSV(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatal(err, rec.Err)
			}
		}
	}
}

// BenchmarkEncodingCSV is the standard library's reader on the same data,
// for comparison.
func BenchmarkEncodingCSV(b *testing.B) {
	data := benchCSV(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchXLSX writes a 10-column workbook of n rows, as benchCSV's, with a
// date and a number column, and returns its path.
func benchXLSX(b *testing.B, n int) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	head := []any{"position_uid", "partner_candidate_id", "first_name", "last_name", "email", "phone", "prospect_status", "linkedin", "applied", "score"}
	if err := sw.SetRow("A1", head); err != nil {
		b.Fatal(err)
	}
	day := time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC)
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{"11.11", fmt.Sprintf("%07dA", i), "Bobby", "Chauck", fmt.Sprintf("bobby%d@example.com", i),
			fmt.Sprintf("0528%06d", i%1000000), "Interested", fmt.Sprintf("https://www.linkedin.com/in/bobby%d", i),
			excelize.Cell{StyleID: date, Value: day}, i % 100}
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkXLSX(b *testing.B) {
	path := benchXLSX(b, 20000)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != 20000 {
			b.Fatalf("%d rows", n)
		}
	}
}
