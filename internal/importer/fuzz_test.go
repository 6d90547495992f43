package importer

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/comeet-import/comeet-import/internal/report"
)

// FuzzValidate runs validate on random input: it never panics, and either
// stops with a configuration error or writes one report line per record,
// numbered in order, each valid or invalid.
func FuzzValidate(f *testing.F) {
	f.Add([]byte("position_uid,partner_candidate_id,first_name,last_name,email\n11.11,A1,Dana,Levi,DANA@example.com\n11.11,A1,x,y,bad@\n"))
	f.Add([]byte("\xef\xbb\xbfposition_uid;partner_candidate_id;first_name;last_name;note\r\n1;2;3;4;\"multi\r\nline\"\r\n1;2;\"broken\r\n1;3;a;b;c;d\r\n"))
	f.Add([]byte("position_uid\tpartner_candidate_id\tfirst_name\tlast_name\tresume\n1\t2\t3\t4\t../../etc/passwd\n1\t3\t\xff\t4\t\n"))
	f.Add([]byte("\xff\xfep\x00o\x00s\x00\n\x00"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := dryConfig(t, Stdin)
		cfg.Stdin = bytes.NewReader(data)
		sum, err := Run(context.Background(), cfg)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return
		}
		if err != nil {
			t.Fatalf("got error %v, want a report or a *ConfigError", err)
		}
		rows := readCSVMaps(t, cfg.ReportPath)
		if len(rows) != sum.Counts.Total() {
			t.Fatalf("got %d report lines, want %d (the rows counted)", len(rows), sum.Counts.Total())
		}
		for i, r := range rows {
			if r["row"] != strconv.Itoa(i+1) {
				t.Fatalf("line %d of the report is row %s, want %d", i+1, r["row"], i+1)
			}
			if o := report.Outcome(r["outcome"]); o != report.Valid && o != report.Invalid {
				t.Fatalf("row %d: got outcome %q, want valid or invalid", i+1, o)
			}
			if (r["outcome"] == "invalid") == (r["error_code"] == "") {
				t.Fatalf("row %d: outcome %s with error code %q", i+1, r["outcome"], r["error_code"])
			}
		}
	})
}
