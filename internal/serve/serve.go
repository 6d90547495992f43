package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
)

// Defaults of the server's limits; the page's documentation quotes them.
const (
	// DefaultMaxUpload bounds one upload (the sheet and the zip of CVs
	// together): 600 CVs of 3 MB fit.
	DefaultMaxUpload = 2 << 30
	// DefaultReadHeaderTimeout bounds a client that opens a connection and
	// sends its headers slowly.
	DefaultReadHeaderTimeout = 10 * time.Second
)

// Config is what the page needs: where runs are kept, and the account and
// knobs every run it starts uses (the credentials come from the
// environment or key files, as for import; the page never asks for them).
type Config struct {
	// StateDir holds the runs and the ledgers (see StateDir).
	StateDir string
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Run is the template of every run: BaseURL, APIKey, Secret, Rate,
	// Rules, Logger and the other knobs; Input, MappingFile, FilesDir and
	// the outputs are the run folder's.
	Run importer.Config
	// MaxUpload bounds one upload in bytes (0: DefaultMaxUpload).
	MaxUpload int64
	// Out is where the URL is printed (nil: standard output).
	Out io.Writer
	// Open, when set, opens the URL in a browser.
	Open func(url string) error
	// ReadHeaderTimeout bounds a client that opens a connection and sends
	// its headers slowly (0: DefaultReadHeaderTimeout).
	ReadHeaderTimeout time.Duration
}

// Server is the page's HTTP handler with its state: the secret of its URL
// and the runs open in memory.
type Server struct {
	cfg    Config
	secret string
	port   int
	runs   *store
	h      http.Handler
}

// NewServer prepares the page for port (which the Host check needs) with a
// fresh random secret.
func NewServer(cfg Config, port int) (*Server, error) {
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.Run.BaseURL == "" {
		cfg.Run.BaseURL = comeet.DefaultBaseURL
	}
	if cfg.Run.LedgerPath == "" && !cfg.Run.NoLedger {
		cfg.Run.LedgerPath = ledgerPath(cfg.StateDir, cfg.Run.BaseURL, cfg.Run.APIKey)
	}
	if err := ensureState(cfg.StateDir); err != nil {
		return nil, err
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	s := &Server{cfg: cfg, secret: hex.EncodeToString(secret), port: port, runs: newStore(cfg.StateDir, cfg.Run)}
	s.h = s.guard(s.routes())
	return s, nil
}

// ServeHTTP serves the page behind its guards.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// URL is the address to open, carrying the secret.
func (s *Server) URL() string {
	return "http://127.0.0.1:" + strconv.Itoa(s.port) + "/?token=" + s.secret
}

// Close stops the runs in progress and waits for them.
func (s *Server) Close() { s.runs.close() }

// Run serves the page until ctx is cancelled: it listens on 127.0.0.1,
// prints the URL and opens it when cfg.Open is set.
func Run(ctx context.Context, cfg Config) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("serve: listen: %w", err)
	}
	s, err := NewServer(cfg, ln.Addr().(*net.TCPAddr).Port)
	if err != nil {
		ln.Close()
		return err
	}
	defer s.Close()
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	if cfg.ReadHeaderTimeout <= 0 {
		cfg.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	fmt.Fprintf(cfg.Out, "The page is at (open it in a browser on this machine; Ctrl-C stops):\n\n    %s\n\nRuns are kept in %s\n", s.URL(), cfg.StateDir)
	if cfg.Open != nil {
		if err := cfg.Open(s.URL()); err != nil {
			fmt.Fprintf(cfg.Out, "(could not open a browser: %v)\n", err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	return nil
}
