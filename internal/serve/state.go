package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// StateDir is the folder the page keeps its runs and ledgers in:
// $XDG_STATE_HOME/comeet-import, else ~/.local/state/comeet-import.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "comeet-import"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state folder: %w; give one with --state", err)
	}
	return filepath.Join(home, ".local", "state", "comeet-import"), nil
}

// ensureState makes the state folder and its runs folder, readable by the
// user alone: they hold the candidates' sheets.
func ensureState(dir string) error {
	if dir == "" {
		return errors.New("serve: no state folder")
	}
	for _, d := range []string{dir, filepath.Join(dir, runsDir), filepath.Join(dir, ledgersDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("state folder: %w", err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("state folder: %w", err)
		}
	}
	return nil
}

// The state folder's layout.
const (
	runsDir    = "runs"
	ledgersDir = "ledgers"
	// The files of a run folder.
	metaFile      = "run.json"
	mappingFile   = "mapping.csv"
	editsFile     = "edits.csv"
	correctedFile = "corrected.csv"
	reportFile    = "corrected.report.csv"
	errorsFile    = "corrected.errors.xlsx"
	filesZip      = "files.zip"
)

// ledgerPath is the account's ledger in the state folder, shared by every
// run of the page on that account, so a sheet uploaded twice is not sent
// twice. The name is a digest of the base URL and api key, never the key.
func ledgerPath(stateDir, baseURL, apiKey string) string {
	sum := sha256.Sum256([]byte(baseURL + "\n" + apiKey))
	return filepath.Join(stateDir, ledgersDir, "account-"+hex.EncodeToString(sum[:6])+".db")
}

// meta is run.json: what the page needs to know of a run folder besides
// its files. It holds no cell of the sheet.
type meta struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// Sheet is the uploaded sheet's file name in the folder.
	Sheet string `json:"sheet"`
	// FilesDir is a files folder on this machine, or files.zip in the run
	// folder; empty when the run attaches nothing.
	FilesDir string `json:"files_dir,omitempty"`
	// LeftOut are the rows (1-based, as uploaded) not written to the
	// corrected sheet.
	LeftOut []int `json:"left_out,omitempty"`
	// Rows is the sheet's row count; Sent and Invalid the last run's counts.
	Rows    int       `json:"rows"`
	Last    string    `json:"last,omitempty"` // what the last run came to, in words
	Updated time.Time `json:"updated"`
}

func readMeta(dir string) (meta, error) {
	var m meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return m, fmt.Errorf("run %s: %w", filepath.Base(dir), err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("run %s: %s: %w", filepath.Base(dir), metaFile, err)
	}
	return m, nil
}

func writeMeta(dir string, m meta) error {
	m.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, metaFile), b)
}

// writeFileAtomic replaces path with b, so a reader (import, a crash) never
// sees half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// listRuns returns the runs of the state folder, newest first; a folder
// that is not a run is left out.
func listRuns(stateDir string) []meta {
	entries, _ := os.ReadDir(filepath.Join(stateDir, runsDir))
	var out []meta
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if m, err := readMeta(filepath.Join(stateDir, runsDir, e.Name())); err == nil && m.ID == e.Name() {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b meta) int { return b.Created.Compare(a.Created) })
	return out
}

// validID reports whether id can name a run folder: the page makes them
// from the time and a random suffix, of these characters only.
func validID(id string) bool {
	return id != "" && len(id) <= 64 && strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyz-") == ""
}
