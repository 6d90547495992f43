// Command gendata writes a benchmark input: candidates.csv, mapping.csv and,
// with -resume-size, one random resume file per row under files/.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/comeet-import/comeet-import/bench/gen"
)

func main() {
	var (
		rows       = flag.Int("rows", 1000, "rows to write")
		dir        = flag.String("dir", ".", "folder to write into")
		resumeSize = flag.Int64("resume-size", 0, "bytes of random resume per row (0: no files)")
	)
	flag.Parse()
	if err := run(*dir, *rows, *resumeSize); err != nil {
		fmt.Fprintf(os.Stderr, "gendata: %v\n", err)
		os.Exit(1)
	}
}

func run(dir string, rows int, resumeSize int64) error {
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		return err
	}
	if err := gen.WriteMapping(dir); err != nil {
		return err
	}
	resume := func(int) string { return "" }
	if resumeSize > 0 {
		resume = func(i int) string { return fmt.Sprintf("cv_%06d.pdf", i) }
		for i := range rows {
			if err := writeRandom(filepath.Join(dir, "files", resume(i)), resumeSize, uint64(i)); err != nil {
				return err
			}
		}
	}
	f, err := os.Create(filepath.Join(dir, "candidates.csv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gen.WriteCSV(w, rows, resume); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeRandom writes size random bytes; random content is what base64 and
// the network cost most on, and no layer can compress it away.
func writeRandom(path string, size int64, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	src := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	if _, err := io.CopyN(f, src, size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
