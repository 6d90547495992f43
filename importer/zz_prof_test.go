package importer

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/rs/zerolog"
)

func TestZZProfile(t *testing.T) {
	debug.SetMemoryLimit(40 << 20)
	dir := t.TempDir()
	cfg := Config{Input: "/tmp/vb/c.csv", DryRun: true, NoLedger: true, ReportPath: filepath.Join(dir, "r.csv"), ErrorsPath: filepath.Join(dir, "e.csv"), Logger: zerolog.Nop()}
	s, err := Run(context.Background(), cfg)
	t.Log(s, err)
}
