package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangGuard bounds a wait for a process that would otherwise hang; it is
// not a measure of speed.
const hangGuard = 60 * time.Second

// zeroCSV is a file named like a CSV that is /dev/zero.
func zeroCSV(t *testing.T, name string) string {
	t.Helper()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Issue 9: --mapping /dev/zero grew without bound; so would a key file.
// A device is now refused as not a regular file before a byte is read; a
// regular file over the cap still gets the size message.
func TestSmallInputsHaveASizeCap(t *testing.T) {
	good := writeFile(t, "in.csv", []byte("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n"))
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"mapping", []string{"validate", "--no-ledger", "--log-level", "error", "--report", filepath.Join(dir, "r.csv"),
			"--errors", filepath.Join(dir, "e.csv"), "--mapping", zeroCSV(t, "mapping.csv"), good}, "not a regular file: it is a device"},
		{"api key file", []string{"check", "--log-level", "error", "--base-url", "https://api.comeet.example",
			"--api-key-file", zeroCSV(t, "key"), "--api-secret-file", writeSecretFile(t, "secret", "s")}, "not a regular file (a device)"},
		{"large api key file", []string{"check", "--log-level", "error", "--base-url", "https://api.comeet.example",
			"--api-key-file", writeSecretFile(t, "key", strings.Repeat("k", 65<<10)), "--api-secret-file", writeSecretFile(t, "secret", "s")}, "larger than 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := execute(t, tt.args...)
			if code != exitConfig || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d and %q, want exit %d and a message saying %q", code, stderr, exitConfig, tt.want)
			}
		})
	}
}

// TestBinaryEndlessInput runs validate on inputs that never end, as the
// issue found them: /dev/zero behind a .csv name, a FIFO whose writer says
// nothing, a FIFO whose line never ends. Each run ends, by itself or on
// SIGTERM, with a message.
func TestBinaryEndlessInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary: skipped with -short")
	}
	bin := buildBinary(t)
	validate := func(t *testing.T, input string) *job {
		dir := t.TempDir()
		return startJob(t, bin, "validate", "--no-ledger", "--log-level", "error",
			"--report", filepath.Join(dir, "r.csv"), "--errors", filepath.Join(dir, "e.csv"), input)
	}
	wait := func(t *testing.T, j *job) {
		t.Helper()
		select {
		case <-j.done:
		case <-time.After(hangGuard):
			j.cmd.Process.Kill()
			<-j.done
			t.Fatalf("validate did not end; output:\n%s", j.output.String())
		}
	}

	t.Run("/dev/zero", func(t *testing.T) {
		j := validate(t, zeroCSV(t, "x.csv"))
		wait(t, j)
		if code := j.exitCode(); code != exitConfig || !strings.Contains(j.output.String(), "header is longer than") {
			t.Errorf("got exit %d and %q, want exit %d and a message about the header", code, j.output.String(), exitConfig)
		}
	})

	for _, tt := range []struct {
		name  string
		write func(w *os.File)
	}{
		{"FIFO whose writer says nothing", func(*os.File) {}},
		{"FIFO whose line never ends", func(w *os.File) {
			w.WriteString("position_uid,partner_candidate_id,first_name,last_name\n11.11,")
			chunk := []byte(strings.Repeat("x", 64<<10))
			// The first write returns once the reader has taken part of
			// the line; the rest goes on until the reader is gone.
			w.Write(chunk)
			go func() {
				for range 4096 {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}()
		}},
		{"FIFO whose rows end in a line that never ends", func(w *os.File) {
			w.WriteString("position_uid,partner_candidate_id,first_name,last_name\n11.11,A1,Dana,Levi\n11.11,A2,Noa,Cohen\n11.11,")
			chunk := []byte(strings.Repeat("x", 64<<10))
			w.Write(chunk)
			go func() {
				for range 4096 {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}()
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.csv")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			j := validate(t, path)
			opened := make(chan *os.File, 1)
			go func() {
				// Opening for writing returns once validate has the FIFO
				// open for reading: past its signal set-up.
				w, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err != nil {
					w = nil
				}
				opened <- w
			}()
			var w *os.File
			select {
			case w = <-opened:
			case <-j.done:
				t.Fatalf("validate ended before it opened the FIFO: exit %d\n%s", j.exitCode(), j.output.String())
			}
			if w == nil {
				t.Fatal("could not open the FIFO for writing")
			}
			defer w.Close()
			tt.write(w)
			if err := j.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			wait(t, j)
			code := j.exitCode()
			t.Logf("exit %d: %s", code, strings.TrimSpace(j.output.String()))
			if code != exitInterrupted && code != exitConfig {
				t.Errorf("got exit %d, want %d or %d; output:\n%s", code, exitInterrupted, exitConfig, j.output.String())
			}
			if !strings.Contains(j.output.String(), "interrupted") {
				t.Errorf("got %q, want a message saying the run was interrupted", j.output.String())
			}
		})
	}
}
