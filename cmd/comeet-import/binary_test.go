package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// testLinked is what the test binary is linked with, for the version test.
var testLinked = versionInfo{Version: "v9.8.7", Commit: "abc1234", Date: "2026-12-02T03:04:05Z"}

// built is the command, built once for every test of this package that
// runs it: a build is the slowest step of the suite.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBinary returns the command built into a temporary folder, building
// it on the first call. Under the race detector it builds with -race,
// which reuses the packages the test build already compiled.
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		start := time.Now()
		built.dir, built.err = os.MkdirTemp("", "comeet-import-test-")
		if built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "comeet-import")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		args := []string{"build", "-o", built.bin, "-ldflags", fmt.Sprintf("-X main.linkedVersion=%s -X main.linkedCommit=%s -X main.linkedDate=%s",
			testLinked.Version, testLinked.Commit, testLinked.Date)}
		if raceBuild {
			args = append(args, "-race")
		}
		if out, err := exec.Command(goTool, append(args, ".")...).CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		t.Logf("built the binary in %s", time.Since(start).Round(time.Millisecond))
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}
