package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
)

// defaultCheckTimeout bounds check's one request.
const defaultCheckTimeout = 30 * time.Second

// culprits says, for each cause a failed check names, what to fix.
var culprits = map[string]string{
	comeet.CauseAPIKey:      "wrong api key",
	comeet.CauseSecret:      "wrong secret",
	comeet.CauseCredentials: "wrong api key or secret",
	comeet.CauseURL:         "wrong base URL",
	comeet.CauseNetwork:     "network problem",
	comeet.CauseTLS:         "network problem (TLS)",
	comeet.CauseClock:       "this machine's clock is wrong",
	comeet.CauseThrottled:   "the account's request budget is spent",
	comeet.CauseServer:      "Comeet is failing",
	comeet.CauseUnexpected:  "unexpected answer",
}

// newCheckCmd builds `check`: one harmless request that proves the base
// URL, the network and the credentials before a first (or nightly) run.
func newCheckCmd() *cobra.Command {
	var (
		f                   runFlags
		logFormat, logLevel string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the base URL and the credentials with one harmless request",
		Long: `Make one harmless request to Comeet (list the candidates created from now on,
which is none) with the same credentials and base URL import would use, and say
whether they work; then list the positions they can see (uid, name, status),
one more request. On failure it says which of the api key, the secret, the base
URL or the network is wrong, and exits 2.

Exit codes: 0 the credentials and base URL work; 2 they do not (or a usage error).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := f.cfg
			var err error
			if c.Logger, err = newLogger(logFormat, logLevel, os.Stderr); err != nil {
				return usageError{err}
			}
			if err := f.credentials(&c); err != nil {
				return err
			}
			return runCheck(cmd.Context(), c, cmd.OutOrStdout())
		},
	}
	f.registerAccount(cmd)
	fs := cmd.Flags()
	fs.DurationVar(&f.cfg.Timeout, "timeout", defaultCheckTimeout, "time limit of the request")
	fs.StringVar(&logFormat, "log-format", "", "json or console (default: console on a terminal, json otherwise)")
	fs.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// runCheck makes the request and explains its failure.
func runCheck(ctx context.Context, c importer.Config, out io.Writer) error {
	client, err := comeet.NewClient(comeet.Config{
		BaseURL: c.BaseURL, APIKey: c.APIKey, Secret: c.Secret,
		MaxAttempts: 1, Timeout: c.Timeout, Logger: c.Logger,
	})
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("wrong base URL or credentials: %w", err)}
	}
	err = client.Check(ctx)
	var ce *comeet.CheckError
	switch {
	case err == nil:
		fmt.Fprintf(out, "ok: %s answers and accepts the api key and the secret\n", c.BaseURL)
		printPositions(ctx, client, out)
		return nil
	case ctx.Err() != nil:
		return importer.ErrInterrupted
	case errors.As(err, &ce):
		return &importer.ConfigError{Err: fmt.Errorf("%s: %w", culprits[ce.Cause], err)}
	}
	return &importer.ConfigError{Err: err}
}
