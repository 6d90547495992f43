package ledger

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked is returned by Open and OpenReadOnly when another run (or, for
// Open, a history export) is using the ledger. Test for it with errors.Is.
var ErrLocked = errors.New("another run is using the ledger")

// lockSuffix names the lock file beside the ledger.
const lockSuffix = ".lock"

// runLock is a flock(2) on the ledger's lock file. The kernel drops it when
// the file is closed or the process dies, so a killed run leaves no stale
// lock behind. The holder of the exclusive lock writes its PID into the file
// so that the next run can name it.
type runLock struct {
	f         *os.File
	exclusive bool
}

// lock takes the lock without waiting: exclusive for a run, shared for a
// reader. It fails with ErrLocked when the other kind is held.
func lock(path string, exclusive bool) (*runLock, error) {
	f, err := os.OpenFile(path+lockSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("chmod lock file: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := flock(f, how|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrLocked, holder(f))
		}
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	l := &runLock{f: f, exclusive: exclusive}
	if exclusive {
		l.writePID()
	}
	return l, nil
}

// holder describes who holds the lock that f could not take. When a shared
// lock can be taken, only readers hold it; otherwise a run does, and the
// file names its PID.
func holder(f *os.File) string {
	if flock(f, syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		flock(f, syscall.LOCK_UN)
		return "a history export is reading it"
	}
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 64))
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return "a run holds " + f.Name()
	}
	return "process " + strconv.Itoa(pid) + " holds " + f.Name()
}

// writePID is best effort: the PID only improves the message of a run
// that finds the ledger locked.
func (l *runLock) writePID() {
	if l.f.Truncate(0) == nil {
		l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
}

// release empties the PID of an exclusive holder, then drops the lock by
// closing the file. The file itself stays: removing it would let two runs
// lock two different files of the same name.
func (l *runLock) release() error {
	if l.exclusive {
		l.f.Truncate(0)
	}
	return l.f.Close()
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
