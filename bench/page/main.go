// Command page measures the page's promise that 50,000 rows are as usable
// as 50: the time from the end of an upload to the first page of the grid
// (the sheet read, every row checked, the page rendered), beside the floor
// of validate on the same file in the same process. It prints the figures;
// it asserts nothing.
//
//	cd bench && go run ./page            50,000 rows, 5 tries, the best kept
//	cd bench && go run ./page -rows 600
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/comeet-import/comeet-import/bench/gen"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/serve"
)

func main() {
	rows := flag.Int("rows", 50000, "rows of the sheet")
	tries := flag.Int("tries", 5, "uploads measured; the best and the median are printed")
	flag.Parse()
	dir, err := os.MkdirTemp("", "page-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sheet := filepath.Join(dir, "export.csv")
	if err := writeSheet(sheet, *rows); err != nil {
		log.Fatal(err)
	}
	base, stop := startPage(filepath.Join(dir, "state"))
	defer stop()
	c := login(base)
	var page, floor []time.Duration
	for range *tries {
		page = append(page, firstGridPage(c, base, sheet))
		floor = append(floor, validate(sheet, dir))
	}
	bp, mp := best(page), median(page)
	bf := best(floor)
	fmt.Printf("rows: %d\n", *rows)
	fmt.Printf("upload's end -> first grid page: best %v, median %v (target: within 1s)\n", bp.Round(time.Millisecond), mp.Round(time.Millisecond))
	fmt.Printf("validate of the same sheet (floor): best %v\n", bf.Round(time.Millisecond))
	fmt.Printf("ratio page/validate: %.2f; target met: %v\n", float64(bp)/float64(bf), bp <= time.Second)
}

// writeSheet writes the benchmark's export with the bench mapping's
// headers, every 50th e-mail broken so the grid has rows that need work.
func writeSheet(path string, n int) error {
	var b bytes.Buffer
	if err := gen.WriteCSV(&b, n, func(int) string { return "" }); err != nil {
		return err
	}
	lines := strings.Split(b.String(), "\n")
	for i := 1; i < len(lines); i += 50 {
		lines[i] = strings.Replace(lines[i], "@example.com", "(at)example.com", 1)
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
}

// startPage serves the page on a loopback port, as `comeet-import serve`.
func startPage(state string) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := serve.NewServer(serve.Config{StateDir: state, Out: io.Discard, Run: importer.Config{Logger: zerolog.Nop()}}, port)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: serve.DefaultReadHeaderTimeout}
	go srv.Serve(ln)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	return base + "|" + s.URL(), func() { srv.Close(); s.Close() }
}

// login exchanges the URL's secret for the cookie; base is "BASE|URL".
func login(base string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(strings.SplitN(base, "|", 2)[1])
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	return c
}

// firstGridPage uploads the sheet and fetches the first page of the grid,
// timed from the moment the upload's last byte is written.
func firstGridPage(c *http.Client, base, sheet string) time.Duration {
	base = strings.SplitN(base, "|", 2)[0]
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("sheet", filepath.Base(sheet))
	data, err := os.ReadFile(sheet)
	if err != nil {
		log.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	var wrote time.Time
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote = time.Now() }}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost, base+"/runs", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", base)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	run := strings.TrimSuffix(resp.Header.Get("Location"), "/columns")
	if resp.StatusCode != http.StatusSeeOther || run == "" {
		log.Fatalf("upload: %s", resp.Status)
	}
	resp, err = c.Get(base + run + "/review")
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(wrote)
	if !bytes.Contains(page, []byte(`id="grid"`)) {
		log.Fatalf("review: %s, no grid", resp.Status)
	}
	if m := shown.FindSubmatch(page); m != nil && !reported {
		fmt.Printf("rows that need work on the first page's filter: %s\n", m[1])
		reported = true
	}
	return took
}

var (
	shown    = regexp.MustCompile(`— (\d+) rows`)
	reported bool
)

// validate is `comeet-import validate` of the sheet with the mapping the
// page proposed (the same headers map the same way), in this process.
func validate(sheet, dir string) time.Duration {
	if err := gen.WriteMapping(dir); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	_, err := importer.Run(context.Background(), importer.Config{Input: sheet, MappingFile: filepath.Join(dir, "mapping.csv"),
		FilesDir: dir, DryRun: true, NoLedger: true, ReportPath: filepath.Join(dir, "report.csv"), Logger: zerolog.Nop()})
	if err != nil {
		log.Fatal(err)
	}
	return time.Since(start)
}

func best(ds []time.Duration) time.Duration {
	b := ds[0]
	for _, d := range ds {
		b = min(b, d)
	}
	return b
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
