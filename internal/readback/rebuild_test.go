package readback

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"slices"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
	"github.com/comeet-import/comeet-import/internal/report"
)

// TestWriteReportRebuildsTheLastRun writes a ledger with the rows of two
// input files, the later one with a row whose answer never came, and
// rebuilds the report: the later file's rows only, in row order, with the
// pending row failed as uncertain.
func TestWriteReportRebuildsTheLastRun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := ledger.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	fields := func(first, email string) ledger.Sent {
		return ledger.Sent{Fields: map[string]string{"first_name": first, "last_name": "Smith", "email": email}}
	}
	steps := []struct {
		begin, finish bool
		e             ledger.Entry
	}{
		{true, true, ledger.Entry{Key: rigKey(1), Source: "/in/old.csv", Row: 1, Line: 2, Outcome: "created", CandidateUID: "C1", HTTPStatus: 201, Attempts: 1}},
		{true, true, ledger.Entry{Key: rigKey(3), Source: "/in/new.csv", Row: 3, Line: 4, Sent: fields("Cy", "cy@example.com"), Outcome: "invalid", HTTPStatus: 400, ErrorCode: "invalid_email", Message: "bad e-mail", Attempts: 1}},
		{true, false, ledger.Entry{Key: rigKey(2), Source: "/in/new.csv", Row: 2, Line: 3, Sent: fields("=Bo", "bo@example.com")}},
		{true, true, ledger.Entry{Key: rigKey(1), Source: "/in/new.csv", Row: 1, Line: 2, Sent: fields("Ann", "ann@example.com"), Outcome: "conflict", CandidateUID: "C1", HTTPStatus: 409, Attempts: 2}},
	}
	for _, s := range steps {
		if s.begin {
			if err := l.Begin(ctx, s.e); err != nil {
				t.Fatal(err)
			}
		}
		if s.finish {
			if err := l.Finish(ctx, s.e); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	h, err := OpenHistory(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var buf bytes.Buffer
	got, err := h.WriteReport(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "/in/new.csv" || got.Rows != 3 {
		t.Errorf("rebuilt %d rows of %q, want 3 of /in/new.csv", got.Rows, got.Source)
	}
	if got.Counts[report.Conflict] != 1 || got.Counts[report.Failed] != 1 || got.Counts[report.Invalid] != 1 {
		t.Errorf("counts: %v", got.Counts)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, buf.String())
	}
	if !slices.Equal(recs[0], report.Header) {
		t.Fatalf("header %v, want %v", recs[0], report.Header)
	}
	// The ledger keeps no names, e-mails or messages: those cells are empty.
	want := [][]string{
		{"1", "2", "P00001", "11.11", "", "", "", "conflict", "C1", "409", "", "", "2"},
		{"2", "3", "P00002", "11.11", "", "", "", "failed", "", "", comeet.CodeUncertainOutcome, pendingMessage, "0"},
		{"3", "4", "P00003", "11.11", "", "", "", "invalid", "", "400", "invalid_email", "", "1"},
	}
	if len(recs)-1 != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(recs)-1, len(want), buf.String())
	}
	for i, w := range want {
		if !slices.Equal(recs[i+1], w) {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, recs[i+1], w)
		}
	}
}

// TestWriteReportOfAnEmptyLedger writes only the header.
func TestWriteReportOfAnEmptyLedger(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := ledger.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	h, err := OpenHistory(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var buf bytes.Buffer
	got, err := h.WriteReport(ctx, &buf)
	if err != nil || got.Rows != 0 || got.Source != "" {
		t.Fatalf("got %+v, %v", got, err)
	}
	recs, _ := csv.NewReader(&buf).ReadAll()
	if len(recs) != 1 {
		t.Errorf("got %d lines, want the header only", len(recs))
	}
}
