package source

import (
	"fmt"
	"strings"
	"time"
)

// DateLayout reads dates written in one format and writes them as ISO 8601
// (2025-03-21), the one form that no reader takes for another date.
type DateLayout struct {
	layout string // Go layout
}

// dateTokens are the spreadsheet-style parts of a date pattern and their
// Go layouts, longest first. Month and day accept one or two digits.
var dateTokens = []struct{ token, layout string }{
	{"YYYY", "2006"}, {"MMMM", "January"}, {"MMM", "Jan"}, {"DDDD", "Monday"}, {"DDD", "Mon"},
	{"YY", "06"}, {"MM", "1"}, {"DD", "2"}, {"M", "1"}, {"D", "2"},
}

// ParseDateLayout reads a date pattern: spreadsheet-style (MM/DD/YYYY,
// DD.MM.YY, D MMM YYYY; letters in either case) or a Go layout
// (01/02/2006).
func ParseDateLayout(pattern string) (DateLayout, error) {
	p := strings.TrimSpace(pattern)
	if p == "" {
		return DateLayout{}, fmt.Errorf("date format is empty")
	}
	if strings.Contains(p, "2006") || strings.Contains(p, "06") && !strings.ContainsAny(strings.ToUpper(p), "YMD") {
		return DateLayout{layout: p}, nil
	}
	var b strings.Builder
	up := strings.ToUpper(p)
	var year, month, day bool
	for i := 0; i < len(up); {
		matched := false
		for _, t := range dateTokens {
			if strings.HasPrefix(up[i:], t.token) {
				b.WriteString(t.layout)
				switch t.token[0] {
				case 'Y':
					year = true
				case 'M':
					month = true
				case 'D':
					day = day || len(t.token) <= 2
				}
				i += len(t.token)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return DateLayout{}, fmt.Errorf("date format %q: %q is not a part of a date (use YYYY or YY, MM or MMM, DD, and separators)", pattern, string(c))
		}
		b.WriteByte(c)
		i++
	}
	if !year || !month || !day {
		return DateLayout{}, fmt.Errorf("date format %q needs a year, a month and a day (YYYY or YY, MM or MMM, DD)", pattern)
	}
	return DateLayout{layout: b.String()}, nil
}

// ISO returns s, a date in the layout, as ISO 8601; ok is false when s is
// not wholly such a date.
func (d DateLayout) ISO(s string) (iso string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || d.layout == "" {
		return "", false
	}
	t, err := time.Parse(d.layout, s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// isoDates rewrites the cells that are wholly a date in the layout.
func (d DateLayout) isoDates(fields []string) {
	for i, f := range fields {
		if iso, ok := d.ISO(f); ok {
			fields[i] = iso
		}
	}
}

// dateLayout reads Options.DateFormat; nil when it is unset.
func dateLayout(opts Options) (*DateLayout, error) {
	if opts.DateFormat == "" {
		return nil, nil
	}
	d, err := ParseDateLayout(opts.DateFormat)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// setDates applies d to the records not yet returned, the pending first one
// included.
func (r *Reader) setDates(d *DateLayout) {
	if d == nil || r.dates != nil {
		return
	}
	r.dates = d
	if r.pending != nil {
		d.isoDates(r.pending.Fields)
	}
}
