// Command ledgerfill writes a ledger as a first import of gendata's rows
// would leave it (every row created), fast: it is the starting point of the
// re-run benchmark, which needs a ledger of a million rows without sending
// a million candidates first. The entries go through the ledger package's
// own Finish (without the Begin a run records first: one commit an entry
// instead of two), so their layout is a real run's but for the count of
// runs. Each commit syncs the disk: fill a large ledger on a tmpfs
// (/dev/shm) and move it. It prints the ledger's size per row.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comeet-import/comeet-import/bench/gen"
	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/ledger"
)

func main() {
	var (
		path    = flag.String("ledger", "", "ledger file to create")
		rows    = flag.Int("rows", 1000, "entries to write: gendata's rows 0..rows-1")
		baseURL = flag.String("base-url", "http://127.0.0.1:1", "the account's base URL (any loopback URL is the sandbox)")
		apiKey  = flag.String("api-key", "sandbox-key", "the account's api key")
		workers = flag.Int("workers", 4, "concurrent writers")
	)
	flag.Parse()
	if err := run(*path, *rows, *baseURL, *apiKey, *workers); err != nil {
		fmt.Fprintf(os.Stderr, "ledgerfill: %v\n", err)
		os.Exit(1)
	}
}

func run(path string, rows int, baseURL, apiKey string, workers int) error {
	ctx := context.Background()
	start := time.Now()
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := l.BindAccount(ctx, ledger.AccountOf(baseURL, apiKey)); err != nil {
		l.Close()
		return err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < rows; i = int(next.Add(1) - 1) {
				if err := write(ctx, l, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		l.Close()
		return err
	}
	if err := l.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("rows=%d bytes=%d bytes_per_row=%.0f elapsed=%s\n", rows, fi.Size(),
		float64(fi.Size())/float64(max(rows, 1)), time.Since(start).Round(time.Millisecond))
	return nil
}

func write(ctx context.Context, l *ledger.Ledger, i int) error {
	c := gen.RowAt(i).Candidate()
	e := ledger.Entry{Key: c.Key(), RowHash: l.Fingerprint(c), Sent: l.SentOf(c),
		Row: i + 1, Line: i + 2, Source: "candidates.csv"}
	now := time.Now().UTC().Format(time.RFC3339)
	uid := fmt.Sprintf("00.%06X", i)
	e.Outcome, e.CandidateUID, e.HTTPStatus, e.Attempts = "created", uid, 201, 1
	e.Response = &comeet.Created{UID: uid, PositionUID: c.PositionUID, SourceContact: c.SourceContact,
		TimeCreated: now, TimeLastStatusChanged: now, Status: "In progress",
		CurrentSteps: []comeet.Step{{Name: "Application review", Type: "Go/No-go"}}}
	return l.Finish(ctx, e)
}
