package source

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkNext is the cost of reading one record of a typical export:
// fifteen cells, one quoted with a comma and a line break in it.
func BenchmarkNext(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("id,position,first,last,email,phone,linkedin,status,cv,site,recruiter,recruiter email,country,city,notes\n")
	const rows = 10000
	for i := range rows {
		fmt.Fprintf(&buf, "B%07d,11.11,Dana,Levi,dana.%d@example.com,+972-52-000%04d,https://www.linkedin.com/in/dana-%d,Interested,cv_%d.pdf,https://github.com/d%d,Michael Rosen,michael@example.com,IL,Tel Aviv,\"met at a meetup, twice;\nwants remote\"\n",
			i, i, i%10000, i, i, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)) / rows)
	b.ReportAllocs()
	var r *Reader
	for b.Loop() {
		if r == nil {
			var err error
			if r, err = NewReader(bytes.NewReader(data), Options{}); err != nil {
				b.Fatal(err)
			}
		}
		rec, err := r.Next()
		if err == io.EOF {
			r = nil
			continue
		}
		if err != nil || rec.Err != nil {
			b.Fatalf("record: %v %v", err, rec.Err)
		}
	}
}
