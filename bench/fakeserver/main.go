// Command fakeserver serves the fake Comeet (comeettest) as a process of its
// own, so the importer's memory and CPU are measured without it. It writes
// its URL to -url-file once listening and, on SIGTERM or SIGINT, prints one
// line of counts: requests=N created=N throttled=N.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/pace"
)

func main() {
	var (
		addr     = flag.String("addr", "127.0.0.1:0", "address to listen on")
		rateFlag = flag.String("rate", "none", `rate limit as N/DURATION, or "none"`)
		latency  = flag.Duration("latency", 0, "delay before every answer")
		urlFile  = flag.String("url-file", "", "file to write the URL into once listening")
	)
	flag.Parse()
	if err := run(*addr, *rateFlag, *latency, *urlFile); err != nil {
		fmt.Fprintf(os.Stderr, "fakeserver: %v\n", err)
		os.Exit(1)
	}
}

func run(addr, rateFlag string, latency time.Duration, urlFile string) error {
	r, err := pace.ParseRate(rateFlag)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := comeettest.NewServerAt(addr, comeettest.Options{Rate: r.N, Per: r.Per, Latency: latency})
	if err != nil {
		return err
	}
	if urlFile != "" {
		// Write then rename, so a reader never sees half a URL.
		if err := os.WriteFile(urlFile+".tmp", []byte(srv.URL+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.Rename(urlFile+".tmp", urlFile); err != nil {
			return err
		}
	}
	<-ctx.Done()
	srv.Close()
	reqs := srv.Requests()
	fmt.Printf("requests=%d created=%d throttled=%d", len(reqs), len(srv.Candidates()), srv.Count429())
	if r.N > 0 {
		closest, gap := closestWindow(reqs, r.N)
		fmt.Printf(" closest_window=%s longest_gap=%s", closest.Round(time.Millisecond), gap.Round(time.Millisecond))
	}
	fmt.Println()
	return nil
}

// closestWindow is the shortest time in which n+1 requests arrived, as
// the server stamped them: at or under the limit's window means the client
// sent one too many; how far above it tells how much room the pacing left.
// gap is the longest time between two requests: far above the pacing
// interval, the client had nothing ready to send.
func closestWindow(reqs []comeettest.Received, n int) (closest, gap time.Duration) {
	times := make([]time.Time, 0, len(reqs))
	for _, r := range reqs {
		times = append(times, r.Time)
	}
	slices.SortFunc(times, time.Time.Compare)
	closest = -1
	for k := 0; k+n < len(times); k++ {
		if d := times[k+n].Sub(times[k]); closest < 0 || d < closest {
			closest = d
		}
	}
	for k := 1; k < len(times); k++ {
		gap = max(gap, times[k].Sub(times[k-1]))
	}
	return closest, gap
}
