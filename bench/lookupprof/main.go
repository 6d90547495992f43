package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/comeet-import/comeet-import/bench/gen"
	"github.com/comeet-import/comeet-import/comeet"
	"github.com/comeet-import/comeet-import/ledger"
)

func main() {
	l, err := ledger.OpenReadOnly(context.Background(), os.Args[1])
	if err != nil {
		panic(err)
	}
	n := 100000
	var all []comeet.Key
	for j := range n {
		all = append(all, gen.RowAt(j).Candidate().Key())
	}
	f, _ := os.Create("/tmp/lg/cpu.prof")
	pprof.StartCPUProfile(f)
	start := time.Now()
	for i := 0; i < n; i += 128 {
		if _, err := l.Lookup(context.Background(), all[i:min(i+128, n)]); err != nil {
			panic(err)
		}
	}
	pprof.StopCPUProfile()
	fmt.Println(time.Since(start))
}
