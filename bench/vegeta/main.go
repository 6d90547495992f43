// Command vegeta is the yardstick of the overhead figure: vegeta's attacker
// posting the same kind of candidate bodies to the same fake Comeet, at
// its maximum rate with a fixed number of workers. It prints one line:
// rows=N ok=N elapsed=D rows_per_s=R.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/comeet-import/comeet-import/bench/gen"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
)

func main() {
	var (
		url     = flag.String("url", "", "fake Comeet base URL")
		rows    = flag.Int("rows", 20000, "candidates to post")
		workers = flag.Uint64("workers", 8, "workers (vegeta -workers and -max-workers)")
		offset  = flag.Int("offset", 0, "first candidate number, so runs against one server do not conflict")
	)
	flag.Parse()
	if err := run(*url, *rows, *offset, *workers); err != nil {
		fmt.Fprintf(os.Stderr, "vegeta: %v\n", err)
		os.Exit(1)
	}
}

func run(url string, rows, offset int, workers uint64) error {
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": comeettest.DefaultAPIKey, "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(comeettest.DefaultSecret))
	if err != nil {
		return err
	}
	// The bodies are built before the attack: vegeta gets its best case.
	bodies := make([][]byte, rows)
	for i := range bodies {
		var b bytes.Buffer
		if err := gen.RowAt(offset + i).Candidate().WriteJSON(&b); err != nil {
			return err
		}
		bodies[i] = b.Bytes()
	}
	header := http.Header{
		"Authorization": {"Bearer " + token},
		"Content-Type":  {"application/json"},
		"Accept":        {"application/json"},
	}
	var next atomic.Int64
	targeter := func(t *vegeta.Target) error {
		i := next.Add(1) - 1
		if i >= int64(rows) {
			return vegeta.ErrNoTargets
		}
		*t = vegeta.Target{Method: http.MethodPost, URL: url + "/candidates", Body: bodies[i], Header: header}
		return nil
	}
	pacer := flatOut{hits: uint64(rows)}
	atk := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.KeepAlive(true))
	start := time.Now()
	ok := 0
	for res := range atk.Attack(targeter, pacer, 0, "overhead") {
		if res.Code == http.StatusCreated {
			ok++
		}
	}
	elapsed := time.Since(start)
	fmt.Printf("rows=%d ok=%d elapsed=%s rows_per_s=%.1f\n", rows, ok, elapsed.Round(time.Millisecond), float64(ok)/elapsed.Seconds())
	if ok < rows {
		return fmt.Errorf("only %d of %d posts were created", ok, rows)
	}
	return nil
}

// flatOut paces nothing: every worker sends again as soon as it has its
// answer, until hits requests are out.
type flatOut struct{ hits uint64 }

func (p flatOut) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= p.hits
}

func (p flatOut) Rate(time.Duration) float64 { return 0 }
