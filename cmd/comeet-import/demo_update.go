package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// The demo's change to the sheet: Bobby's phone, a field an update may send.
var (
	demoRowBefore = []byte("1111A,11.11,Bobby,Robert,Chauck,bobby@example.com,07-4442321,")
	demoRowAfter  = []byte("1111A,11.11,Bobby,Robert,Chauck,bobby@example.com,07-4449999,")
)

// demoUpdate changes a row of the demo's sheet, as a nightly export would,
// and imports it again with --update: the changed row is updated in the
// sandbox, every other row is skipped.
func demoUpdate(ctx context.Context, cfg importer.Config, out io.Writer) error {
	data, err := os.ReadFile(cfg.Input)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if bytes.Contains(data, demoRowBefore) {
		data = bytes.Replace(data, demoRowBefore, demoRowAfter, 1)
		if err := os.WriteFile(cfg.Input, data, 0o600); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	fmt.Fprintf(out, "\nBobby's phone changed in the sheet. Importing again with --update...\n\n")
	cfg.Update = true
	res, err := importer.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n\n", res.Summary)
	return printReport(out, res.Paths.Report)
}
