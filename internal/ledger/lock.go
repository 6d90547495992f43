package ledger

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// ErrLocked is returned by Open and OpenReadOnly when another run (or, for
// Open, a history export) is using the ledger. Test for it with errors.Is.
var ErrLocked = errors.New("another run is using the ledger")

// fileID is a file's identity whatever name reaches it: a symbolic link
// or a hard link to a ledger is the same ledger.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}

// runLock is a flock(2) on the ledger file itself, so it follows the file
// and not its name. The kernel drops it when the file is closed or the
// process dies: a killed run leaves no stale lock behind, and no lock file
// is needed (a reader on a read-only disk takes it too).
//
// Inside one process the lock is also kept in held, by file identity, and
// checked before the file is opened: closing a second descriptor of a file
// would drop the POSIX locks SQLite holds on it in this process.
type runLock struct {
	f         *os.File
	id        fileID
	exclusive bool
}

var (
	heldMu sync.Mutex
	// held counts the shared holders of a file in this process; -1 marks
	// an exclusive one.
	held = map[fileID]int{}
)

// lock takes the lock on the existing file at path without waiting:
// exclusive for a run, shared for a reader. It fails with ErrLocked when
// the other kind is held.
func lock(path string, exclusive bool) (*runLock, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	id, _ := idOf(fi)
	if err := holdInProcess(id, exclusive); err != nil {
		return nil, err
	}
	l, err := flockFile(path, id, exclusive)
	if err != nil {
		releaseInProcess(id, exclusive)
		return nil, err
	}
	return l, nil
}

func holdInProcess(id fileID, exclusive bool) error {
	heldMu.Lock()
	defer heldMu.Unlock()
	n := held[id]
	switch {
	case n < 0:
		return fmt.Errorf("%w (process %d holds it)", ErrLocked, os.Getpid())
	case n > 0 && exclusive:
		return fmt.Errorf("%w (a read-back in this process is reading it: verify, history or report)", ErrLocked)
	case exclusive:
		held[id] = -1
	default:
		held[id] = n + 1
	}
	return nil
}

func releaseInProcess(id fileID, exclusive bool) {
	heldMu.Lock()
	defer heldMu.Unlock()
	if exclusive || held[id] <= 1 {
		delete(held, id)
		return
	}
	held[id]--
}

func flockFile(path string, id fileID, exclusive bool) (*runLock, error) {
	flag, how := os.O_RDONLY, syscall.LOCK_SH
	if exclusive {
		flag, how = os.O_RDWR, syscall.LOCK_EX
	}
	f, err := os.OpenFile(path, flag|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open for locking: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if got, _ := idOf(fi); err == nil && got != id {
		err = errors.New("the file was replaced while it was opened")
	}
	if err == nil {
		err = flock(f, how|syscall.LOCK_NB)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			err = fmt.Errorf("%w (%s)", ErrLocked, holder(id))
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &runLock{f: f, id: id, exclusive: exclusive}, nil
}

// holder names who holds the lock on the file, from /proc/locks where
// there is one: the PID of a run, or readers.
func holder(id fileID) string {
	f, err := os.Open("/proc/locks")
	if err != nil {
		return "another process holds it"
	}
	defer f.Close()
	want := fmt.Sprintf("%02x:%02x:%d", devMajor(id.dev), devMinor(id.dev), id.ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != want {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		switch {
		case err != nil && fields[3] == "READ":
			return "a reader holds it"
		case err != nil:
			continue
		case fields[3] == "READ":
			return "process " + strconv.Itoa(pid) + commandOf(pid) + " is reading it"
		}
		return "process " + strconv.Itoa(pid) + " holds it"
	}
	return "another process holds it"
}

// commandOf names the command process pid runs, from /proc, as
// " (comeet-import verify)"; "" when it cannot be read.
func commandOf(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	name := filepath.Base(args[0])
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		name += " " + args[1]
	}
	q := strconv.Quote(name) // another process's arguments may hold anything
	return " (" + q[1:len(q)-1] + ")"
}

// devMajor and devMinor split a Linux dev_t as the kernel prints it.
func devMajor(dev uint64) uint64 { return (dev>>8)&0xfff | (dev>>32)&^uint64(0xfff) }
func devMinor(dev uint64) uint64 { return dev&0xff | (dev>>12)&^uint64(0xff) }

// release drops the lock by closing the file.
func (l *runLock) release() error {
	if l == nil {
		return nil
	}
	err := l.f.Close()
	releaseInProcess(l.id, l.exclusive)
	return err
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
