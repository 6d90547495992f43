package comeettest

import (
	"net"
	"testing"
)

// TestLocalURL: a sandbox listening on every interface (in a container,
// --addr 0.0.0.0:8080) names a URL that the client accepts and that
// reaches it, not http://[::]:8080.
func TestLocalURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, "http://[::1]:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8080}, "http://192.0.2.7:8080"},
	}
	for _, tt := range tests {
		if got := localURL(tt.addr); got != tt.want {
			t.Errorf("localURL(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
