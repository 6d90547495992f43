package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the named columns of a report CSV read from r as an
// aligned table for a terminal, header first, each cell on one line and cut
// to width characters. A column the CSV lacks is an error, so a renamed
// column cannot silently print another one.
func WriteTable(w io.Writer, r io.Reader, columns []string, width int) error {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return fmt.Errorf("read report: %w", err)
	}
	if len(recs) == 0 {
		return fmt.Errorf("read report: empty")
	}
	idx := make([]int, len(columns))
	for i, name := range columns {
		idx[i] = -1
		for j, h := range recs[0] {
			if h == name {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return fmt.Errorf("report has no column %q", name)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, rec := range recs {
		cells := make([]string, 0, len(idx))
		for _, c := range idx {
			if c < len(rec) {
				cells = append(cells, shorten(rec[c], width))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// shorten puts s on one line and cuts it to n characters, an ellipsis last.
func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
