package serve

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
)

// exportHeader is the header of the test's ATS export: named as another
// system names things, so the proposal has work to do.
var exportHeader = []string{"Candidate ID", "Full Name", "E-mail", "Phone", "Job", "Stage", "Country", "CV", "Years"}

// exportRow is row i (1-based) of the export: a valid row, except that
// the e-mails of rows 5, 7 and 11 are wrong, and every tenth row is at a
// stage no ATS table knows.
func exportRow(i int) []string {
	stage := []string{"Screening", "Interview", "New", "Rejected"}[i%4]
	if i%10 == 0 {
		stage = "Pending HR"
	}
	email := fmt.Sprintf("person%d@example.com", i)
	switch i {
	case 5:
		email = "person5(at)example.com"
	case 7:
		email = "person7@"
	case 11:
		email = "person11@@example.com"
	}
	job := "Backend Engineer"
	if i%3 == 0 {
		job = "Product Designer"
	}
	country := []string{"Israel", "United States", "Germany"}[i%3]
	return []string{fmt.Sprintf("C%04d", i), fmt.Sprintf("Dana%d Levi", i), email, "052-864424" + strconv.Itoa(i%10),
		job, stage, country, fmt.Sprintf("cv-%d.pdf", i), strconv.Itoa(i % 20)}
}

// writeExport writes an n-row export as a workbook and a zip of its CVs in
// dir, and returns their paths.
func writeExport(t testing.TB, dir string, n int) (sheet, cvs string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(r int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(1, exportHeader)
	for i := 1; i <= n; i++ {
		row(i+1, exportRow(i))
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	sheet = filepath.Join(dir, "ats-export.xlsx")
	if err := f.SaveAs(sheet); err != nil {
		t.Fatal(err)
	}
	cvs = filepath.Join(dir, "cvs.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 1; i <= n; i++ {
		w, _ := zw.Create(fmt.Sprintf("cvs/cv-%d.pdf", i))
		fmt.Fprintf(w, "%%PDF-1.4\n%% CV of candidate %d\n", i)
	}
	zw.Close()
	if err := os.WriteFile(cvs, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return sheet, cvs
}

// fakeComeet is the in-process fake Comeet with the export's positions.
func fakeComeet(t testing.TB) *comeettest.Server {
	fake := comeettest.NewServer(comeettest.Options{})
	t.Cleanup(fake.Close)
	fake.AddPosition("11.11", "Backend Engineer", "Open")
	fake.AddPosition("22.22", "Product Designer", "Open")
	return fake
}

// testConfig is a page on the fake's account with a fresh state folder.
func testConfig(t testing.TB, fake *comeettest.Server) Config {
	return Config{StateDir: filepath.Join(t.TempDir(), "state"), Out: io.Discard, Run: importer.Config{Account: pace.Account{
		BaseURL: fake.URL, APIKey: comeettest.DefaultAPIKey, Secret: comeettest.DefaultSecret}}}
}

// page is a page served on a loopback port, as Run serves it.
type page struct {
	*Server
	base string // http://127.0.0.1:PORT
}

func startPage(t testing.TB, cfg Config) *page {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := NewServer(cfg, port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: DefaultReadHeaderTimeout}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &page{Server: s, base: "http://127.0.0.1:" + strconv.Itoa(port)}
}

// client is an HTTP client that keeps cookies and does not follow
// redirects, so tests see them.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login exchanges the URL's secret for the cookie.
func (p *page) login(t testing.TB) *http.Client {
	t.Helper()
	c := client()
	resp, err := c.Get(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET the URL: got %d, want 303", resp.StatusCode)
	}
	return c
}

// uploadBody is a multipart form of the named files.
func uploadBody(t testing.TB, files map[string]string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for field, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := mw.CreateFormFile(field, filepath.Base(path))
		w.Write(data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// post sends a same-origin form post, as the page's own forms do.
func (p *page) post(t testing.TB, c *http.Client, path, contentType string, body io.Reader) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.base+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", p.base)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// csvFile writes rows as a CSV file in dir.
func csvFile(t testing.TB, dir, name string, rows ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
