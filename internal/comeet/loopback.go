package comeet

import (
	"net"
	"net/url"
	"strings"
)

// IsLoopbackHost reports whether host (a URL's Hostname, without port or
// brackets) names this machine: "localhost" in any case, with or without
// the trailing dot of a fully qualified name, or a loopback IP address
// (127.0.0.0/8, ::1). It is the one rule for plain http to a sandbox, the
// sandbox's credentials, and the ledger's account of a sandbox.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackURL reports whether raw is a URL whose host is a loopback host;
// false for a URL that does not parse.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && IsLoopbackHost(u.Hostname())
}
