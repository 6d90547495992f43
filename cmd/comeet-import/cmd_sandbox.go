package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/comeet/comeettest"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
)

// newSandboxCmd serves the built-in fake Comeet until interrupted.
func newSandboxCmd() *cobra.Command {
	var (
		addr, rateFlag string
		retryAfter     bool
		positions      []string
		customFields   []string
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the built-in fake Comeet on this machine, for trying things out",
		Long: `Serve the fake Comeet (the one the tests use) until Ctrl-C. It checks the token,
the documented field rules and error codes, answers 409 to a repeated candidate,
and 429 past the rate limit, like the real API.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := pace.ParseRate(rateFlag)
			if err != nil {
				return usageError{fmt.Errorf("--rate: %w", err)}
			}
			srv, err := openSandbox(addr, comeettest.Options{
				Rate: r.N, Per: r.Per, RetryAfterHeader: retryAfter, CustomFields: customFields,
			}, positions)
			if err != nil {
				return &importer.ConfigError{Err: fmt.Errorf("--addr %s: %w", addr, err)}
			}
			defer srv.Close()
			fmt.Fprintf(os.Stderr, "fake Comeet at %s (api key %q, secret %q, limit %s)\n",
				srv.URL, comeettest.DefaultAPIKey, comeettest.DefaultSecret, r)
			fmt.Fprintf(os.Stderr, "try: comeet-import import --base-url %s --mapping samples/mapping.csv --files-dir samples/files samples/candidates.csv\n", srv.URL)
			<-cmd.Context().Done()
			fmt.Fprintln(os.Stderr, "sandbox stopped")
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&rateFlag, "rate", pace.DefaultRate.String(), `rate limit as N/DURATION, or "none"`)
	fs.BoolVar(&retryAfter, "retry-after", false, "send Retry-After with rate-limit 429s (Comeet documents none)")
	fs.StringSliceVar(&positions, "positions", nil, "known positions, as UID or UID=Name (an open position so named, for a sheet naming its jobs) (default: any)")
	fs.StringSliceVar(&customFields, "custom-fields", nil, "known custom field names (default: any)")
	return cmd
}

// openSandbox serves the fake Comeet at addr knowing the positions given as
// UID or UID=Name: a position column of job titles needs positions with
// names to be resolved against.
func openSandbox(addr string, opts comeettest.Options, positions []string) (*comeettest.Server, error) {
	names := map[string]string{}
	for _, p := range positions {
		uid, name, _ := strings.Cut(p, "=")
		opts.Positions = append(opts.Positions, uid)
		names[uid] = name
	}
	srv, err := comeettest.NewServerAt(addr, opts)
	if err != nil {
		return nil, err
	}
	for uid, name := range names {
		if name != "" {
			srv.AddPosition(uid, name, comeet.PositionOpen)
		}
	}
	return srv, nil
}
