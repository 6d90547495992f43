package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRequestsWithoutTheCookieAreRefused(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	for _, path := range []string{"/", "/runs/20260101-000000-abcdef/review", "/static/page.js", "/?token=wrong"} {
		resp, err := client().Get(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s without the cookie: got %d, want 401 or 403", path, resp.StatusCode)
		}
		if strings.Contains(body, "<form") {
			t.Errorf("GET %s without the cookie served the page", path)
		}
	}
	resp := p.post(t, client(), "/runs", "text/plain", strings.NewReader("x"))
	if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /runs without the cookie: got %d, want 401", resp.StatusCode)
	}
}

func TestTheSecretBecomesACookieAndLeavesTheURL(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := client()
	resp, err := c.Get(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("GET the URL: got %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Path != "/" {
		t.Fatalf("cookie: got %+v, want one HttpOnly SameSite=Strict cookie for /", cookies)
	}
	resp, err = c.Get(p.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="upload"`) {
		t.Fatalf("GET / with the cookie: got %d, want the page", resp.StatusCode)
	}
	// Another page on the same machine has a cookie of another name.
	other := startPage(t, testConfig(t, fakeComeet(t)))
	if other.cookieName() == p.cookieName() {
		t.Errorf("two pages share the cookie name %q", p.cookieName())
	}
}

func TestOnlyLoopbackHostNamesAreServed(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := p.login(t)
	port := strings.TrimPrefix(p.base, "http://127.0.0.1:")
	for host, want := range map[string]int{
		"127.0.0.1:" + port:              http.StatusOK,
		"localhost:" + port:              http.StatusOK,
		"[::1]:" + port:                  http.StatusOK,
		"evil.example:" + port:           http.StatusForbidden,
		"localhost.evil.example:" + port: http.StatusForbidden,
		"127.0.0.1:1":                    http.StatusForbidden,
		"127.0.0.1":                      http.StatusForbidden,
	} {
		req, _ := http.NewRequest(http.MethodGet, p.base+"/", nil)
		req.Host = host
		for _, ck := range c.Jar.Cookies(mustURL(p.base)) {
			req.AddCookie(ck)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: got %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestCrossSiteWritesAreRefused(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := p.login(t)
	for name, set := range map[string]func(h http.Header){
		"Sec-Fetch-Site cross-site": func(h http.Header) { h.Set("Sec-Fetch-Site", "cross-site") },
		"Origin of another site":    func(h http.Header) { h.Set("Origin", "http://evil.example") },
	} {
		req, _ := http.NewRequest(http.MethodPost, p.base+"/runs", strings.NewReader("x"))
		set(req.Header)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", name, resp.StatusCode)
		}
	}
}

func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := p.login(t)
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	}
	for _, tc := range []struct {
		c    *http.Client
		path string
	}{{c, "/"}, {c, "/static/page.css"}, {c, "/runs/nope/review"}, {client(), "/"}} {
		resp, err := tc.c.Get(p.base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("GET %s (%d): %s is %q, want %q", tc.path, resp.StatusCode, k, got, v)
			}
		}
	}
}

func TestUploadsOverTheLimitAre413(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	cfg.MaxUpload = 4 << 10
	p := startPage(t, cfg)
	c := p.login(t)
	dir := t.TempDir()
	big := csvFile(t, dir, "big.csv", "first_name,last_name", strings.Repeat("Dana,Levi\n", 1000))
	body, ct := uploadBody(t, map[string]string{"sheet": big})
	resp := p.post(t, c, "/runs", ct, body)
	if text := readAll(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(text, "larger than the page takes") {
		t.Errorf("upload of 10 KiB with a 4 KiB limit: got %d, want 413 with its reason", resp.StatusCode)
	}
	// Sent in chunks, without a length: the limit holds while reading.
	body, ct = uploadBody(t, map[string]string{"sheet": big})
	req, _ := http.NewRequest(http.MethodPost, p.base+"/runs", io.MultiReader(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body.Close(); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked upload over the limit: got %d, want 413", resp.StatusCode)
	}
	if runs := listRuns(cfg.StateDir); len(runs) != 0 {
		t.Errorf("a refused upload left %d runs", len(runs))
	}
}

func TestCellsAreEscaped(t *testing.T) {
	p := startPage(t, testConfig(t, fakeComeet(t)))
	c := p.login(t)
	sheet := csvFile(t, t.TempDir(), "x.csv", `first_name,last_name,email,<b>Col</b>`,
		`<script>alert(1)</script>,"<img src=x onerror=alert(2)>",not-an-email,"""><svg onload=alert(3)>"`)
	body, ct := uploadBody(t, map[string]string{"sheet": sheet})
	resp := p.post(t, c, "/runs", ct, body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: got %d, want 303", resp.StatusCode)
	}
	run := strings.TrimSuffix(loc, "/columns")
	for _, path := range []string{loc, run + "/review?all=1", "/"} {
		resp, err := c.Get(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		text := readAll(t, resp)
		for _, raw := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>Col</b>"} {
			if strings.Contains(text, raw) {
				t.Errorf("GET %s: the page holds %q unescaped", path, raw)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while Run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runPage runs Run as the command does and returns the URL it prints.
func runPage(t *testing.T, cfg Config) string {
	t.Helper()
	out := &syncBuffer{}
	cfg.Out = out
	opened := make(chan string, 1)
	cfg.Open = func(u string) error { opened <- u; return nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	var u string
	select {
	case u = <-opened:
	case err := <-done:
		t.Fatalf("Run ended: %v", err)
	}
	if !strings.Contains(out.String(), u) {
		t.Errorf("Run opened %s but printed %q", u, out.String())
	}
	return u
}

func TestRunListensOnLoopbackOnly(t *testing.T) {
	u := runPage(t, testConfig(t, fakeComeet(t)))
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{48}$`).MatchString(u) {
		t.Fatalf("URL %q: want http://127.0.0.1:PORT/?token=<48 hex digits>", u)
	}
	port := mustURL(u).Port()
	addrs, _ := net.InterfaceAddrs()
	tried := 0
	for _, a := range addrs {
		ip, _, _ := net.ParseCIDR(a.String())
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
			continue
		}
		tried++
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), port), 5*time.Second)
		if err == nil {
			conn.Close()
			t.Errorf("the page answers on %s, not only on loopback", ip)
		}
	}
	t.Logf("tried %d addresses of this machine other than loopback", tried)
}

func TestASlowClientsHeadersAreCutOff(t *testing.T) {
	cfg := testConfig(t, fakeComeet(t))
	cfg.ReadHeaderTimeout = 50 * time.Millisecond
	u := runPage(t, cfg)
	conn, err := net.Dial("tcp", mustURL(u).Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: "+mustURL(u).Host+"\r\n") // and never the blank line
	// The bound is generous: the server must close long before it.
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	_, err = bufio.NewReader(conn).ReadString('\n')
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a connection whose headers never ended")
	}
}
