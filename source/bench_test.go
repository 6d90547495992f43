package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"testing"
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
