package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/pace"
)

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
		account accountFlags
		pacing  pacingFlags
		logs    logFlags
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
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.stderrLogger()
			if err != nil {
				return err
			}
			acc := pace.Account{Timeout: pacing.timeout}
			if err := account.fill(&acc, log); err != nil {
				return err
			}
			return runCheck(cmd.Context(), acc, log, cmd.OutOrStdout())
		},
	}
	account.register(cmd)
	pacing.registerTimeout(cmd)
	logs.register(cmd)
	return cmd
}

// runCheck makes the request and explains its failure.
// It is one request: one attempt, unpaced.
func runCheck(ctx context.Context, acc pace.Account, log zerolog.Logger, out io.Writer) error {
	acc.MaxAttempts = 1
	client, err := comeet.NewClient(acc.ClientConfig(log))
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("wrong base URL or credentials: %w", err)}
	}
	err = client.Check(ctx)
	var ce *comeet.CheckError
	switch {
	case err == nil:
		fmt.Fprintf(out, "ok: %s answers and accepts the api key and the secret\n", acc.BaseURL)
		printPositions(ctx, client, out)
		return nil
	case ctx.Err() != nil:
		return importer.ErrInterrupted
	case errors.As(err, &ce):
		return &importer.ConfigError{Err: fmt.Errorf("%s: %w", culprits[ce.Cause], err)}
	}
	return &importer.ConfigError{Err: err}
}
