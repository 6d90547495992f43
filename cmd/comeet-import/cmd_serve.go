package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/serve"
)

// newServeCmd builds `serve`: the local page for the people who hold the
// spreadsheet.
func newServeCmd() *cobra.Command {
	var (
		account   accountFlags
		pacing    pacingFlags
		logs      logFlags
		state     string
		port      int
		noBrowser bool
		maxUpload int64
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Open a page on this machine to drop a sheet, match its columns, fix its rows and send them",
		Long: `Serve a page on 127.0.0.1 (a free port) and print its address, which carries a
secret; open the browser on it when run on a terminal. On the page: drop a sheet
(.csv, .xlsx) and a .zip of CVs, match the columns and values to Comeet's fields,
fix cells in place, and send the rows, with the same checks, report and ledger
as import. Ctrl-C stops the page (a run going on stops as import does).

Each run is a folder under the state folder (--state, default
$XDG_STATE_HOME/comeet-import or ~/.local/state/comeet-import) holding the sheet
as uploaded, mapping.csv, the cell edits, corrected.csv and the reports: import
can finish a run started on the page (the review page shows the command).
The credentials come from $` + envAPIKey + ` and $` + envSecret + ` or the key files,
as for import; the page never shows or asks for them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := serveConfig(&account, &pacing, &logs, state, port, maxUpload)
			if err != nil {
				return err
			}
			cfg.Out = cmd.OutOrStdout()
			if !noBrowser && isatty.IsTerminal(os.Stdout.Fd()) {
				cfg.Open = openBrowser
			}
			return serve.Run(cmd.Context(), cfg)
		},
	}
	account.register(cmd)
	pacing.register(cmd, true)
	logs.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&state, "state", "", "folder of the page's runs and ledgers (default: $XDG_STATE_HOME/comeet-import, else ~/.local/state/comeet-import)")
	fs.IntVar(&port, "port", 0, "port on 127.0.0.1 (default: a free one)")
	fs.BoolVar(&noBrowser, "no-browser", false, "do not open a browser; print the address only")
	fs.Int64Var(&maxUpload, "max-upload", serve.DefaultMaxUpload, "largest upload in bytes (the sheet and the zip of CVs together)")
	return cmd
}

// serveConfig turns the flags into the page's config. Missing credentials
// do not stop the page, which matches and checks rows without them; a key
// file that cannot be read does.
func serveConfig(account *accountFlags, pacing *pacingFlags, logs *logFlags, state string, port int, maxUpload int64) (serve.Config, error) {
	var cfg serve.Config
	var err error
	if state == "" {
		if state, err = serve.StateDir(); err != nil {
			return cfg, usageError{err}
		}
	}
	if port < 0 || port > 65535 {
		return cfg, usageError{fmt.Errorf("--port %d: want 0 (a free port) to 65535", port)}
	}
	if maxUpload <= 0 {
		return cfg, usageError{fmt.Errorf("--max-upload %d: want a positive number of bytes", maxUpload)}
	}
	if logs.level == "" {
		logs.level = "warn" // the page says what the rows came to
	}
	var c importer.Config
	if c.Logger, err = logs.stderrLogger(); err != nil {
		return cfg, err
	}
	if err := pacing.fill(&c.Account); err != nil {
		return cfg, err
	}
	c.Concurrency = pacing.concurrency
	if err := account.fill(&c.Account, c.Logger); err != nil {
		if account.apiKeyFile != "" || account.apiSecretFile != "" {
			return cfg, err
		}
		fmt.Fprintf(os.Stderr, "note: %v; the page matches and checks rows, but sends nothing until then\n", err)
	}
	return serve.Config{StateDir: state, Port: port, Run: c, MaxUpload: maxUpload}, nil
}

// openBrowser opens url in the desktop's browser.
func openBrowser(url string) error {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", url).Start()
	}
	return exec.Command(name, url).Start()
}
