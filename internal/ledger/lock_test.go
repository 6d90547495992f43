package ledger

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// helperEnv names the ledger TestHelperProcess opens when the test binary
// runs as a child process.
const helperEnv = "LEDGER_TEST_HELPER_PATH"

var helperKey = comeet.Key{PositionUID: "33.33", PartnerCandidateID: "child"}

// TestHelperProcess is not a test: run as a child, it opens the ledger,
// records a Begin, says "ready" and holds the lock until its stdin closes
// or it is killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("runs only as a child process of TestLockAcrossProcesses")
	}
	l, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	if err := l.Begin(context.Background(), Entry{Key: helperKey, RowHash: "child"}); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	l.Close()
	os.Exit(0)
}

func TestLockInOneProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "run.ledger")
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	t.Run("second Open fails and names the holder", func(t *testing.T) {
		l, err := Open(ctx, path)
		if err == nil {
			l.Close()
		}
		wantLocked(t, err, "process "+strconv.Itoa(os.Getpid()))
	})
	t.Run("OpenReadOnly fails during a run", func(t *testing.T) {
		l, err := OpenReadOnly(ctx, path)
		if err == nil {
			l.Close()
		}
		wantLocked(t, err, "process "+strconv.Itoa(os.Getpid()))
	})
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	readers := make([]*Ledger, 2)
	for i := range readers {
		if readers[i], err = OpenReadOnly(ctx, path); err != nil {
			t.Fatalf("reader %d after Close: %v", i, err)
		}
	}
	t.Run("Open fails while a reader reads", func(t *testing.T) {
		l, err := Open(ctx, path)
		if err == nil {
			l.Close()
		}
		wantLocked(t, err, "a read-back in this process is reading it: verify, history or report")
	})
	for _, r := range readers {
		r.Close()
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after every holder closed: %v", err)
	}
	again.Close()
}

// Issue 16: an import refused while verify read the ledger said "a
// history export is reading it"; it names the process and its command.
func TestLockNamesTheReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	f, err := os.Open(path) // a reader of another process, as flock(2) sees it
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		t.Fatal(err)
	}
	l, err = Open(context.Background(), path)
	if err == nil {
		l.Close()
	}
	wantLocked(t, err, fmt.Sprintf("process %d (%s) is reading it", os.Getpid(), filepath.Base(os.Args[0])))
}

func wantLocked(t *testing.T, err error, holder string) {
	t.Helper()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want an error wrapping ErrLocked", err)
	}
	for _, want := range []string{"another run is using the ledger", holder} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
}

func TestLockAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "run.ledger")
	child := startHolder(t, path)

	l, err := Open(ctx, path)
	if err == nil {
		l.Close()
	}
	wantLocked(t, err, "process "+strconv.Itoa(child.Process.Pid))

	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill the holder: %v", err)
	}
	if err := child.Wait(); err == nil {
		t.Fatal("the holder exited cleanly, want it killed")
	}
	l, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after the holder was killed: %v", err)
	}
	defer l.Close()
	got := mustGet(t, l, helperKey)
	if got.State != StatePending || got.RowHash != "child" {
		t.Errorf("entry the killed holder began: got state %q hash %q, want pending %q", got.State, got.RowHash, "child")
	}
}

// startHolder runs TestHelperProcess on path and waits until it holds the
// lock. The child's stdin stays open until the test ends.
func startHolder(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the holder: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the holder said %q (%v), want \"ready\"", line, err)
	}
	return cmd
}
