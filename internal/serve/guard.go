package serve

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
)

// guard wraps the page in the protections of a server on a shared machine:
// security headers on every answer, only loopback Host names (a DNS
// rebinding attack names its own host), the URL's secret exchanged for a
// cookie, every other request without the cookie refused, and cross-site
// writes refused.
func (s *Server) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	protected := cop.Handler(next)
	hosts := map[string]bool{}
	for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
		hosts[h+":"+strconv.Itoa(s.port)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		if !hosts[r.Host] {
			http.Error(w, "this page answers only to 127.0.0.1, localhost and [::1] on its own port", http.StatusForbidden)
			return
		}
		if tok := r.URL.Query().Get("token"); tok != "" && r.Method == http.MethodGet {
			s.exchange(w, r, tok)
			return
		}
		if !s.authorized(r) {
			http.Error(w, "open the URL that `comeet-import serve` printed (it carries the page's secret)", http.StatusUnauthorized)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// cookieName is the cookie of this server: cookies do not tell ports
// apart, so two pages on one machine must not share a name.
func (s *Server) cookieName() string { return "comeet-import-" + strconv.Itoa(s.port) }

// exchange checks the URL's secret and, when it is right, sets the cookie
// and sends the browser to the same address without it, so the secret
// leaves the address bar and the history.
func (s *Server) exchange(w http.ResponseWriter, r *http.Request, tok string) {
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.secret)) != 1 {
		http.Error(w, "wrong secret: open the URL that `comeet-import serve` printed", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: s.secret, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
	clean := *r.URL
	q := clean.Query()
	q.Del("token")
	clean.RawQuery = q.Encode()
	clean.Scheme, clean.Host = "", ""
	http.Redirect(w, r, (&url.URL{Path: clean.Path, RawQuery: clean.RawQuery}).String(), http.StatusSeeOther)
}

func (s *Server) authorized(r *http.Request) bool {
	c, err := r.Cookie(s.cookieName())
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.secret)) == 1
}
