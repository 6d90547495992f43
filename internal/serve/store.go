package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/comeet-import/comeet-import/internal/importer"
)

// store is the runs of the state folder, each loaded into memory the
// first time the page opens it. Jobs run under its context, which close
// cancels.
type store struct {
	dir    string
	cfg    importer.Config
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	open map[string]*session
}

func newStore(dir string, cfg importer.Config) *store {
	ctx, cancel := context.WithCancel(context.Background())
	return &store{dir: dir, cfg: cfg, ctx: ctx, cancel: cancel, open: map[string]*session{}}
}

func (st *store) runDir(id string) string { return filepath.Join(st.dir, runsDir, id) }

// get returns the run id, loading it from its folder when it is not open.
func (st *store) get(id string) (*session, error) {
	if !validID(id) {
		return nil, os.ErrNotExist
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.open[id]; ok {
		return s, nil
	}
	s, err := loadSession(st.runDir(id), st.cfg)
	if err != nil {
		return nil, err
	}
	st.open[id] = s
	if _, err := os.Stat(st.cfg.LedgerPath); err == nil && st.cfg.LedgerPath != "" {
		// The account has sent before, from this run or another: a check
		// of the whole sheet marks the rows the ledger says are done.
		s.mu.Lock()
		if s.mappingErr == nil {
			if err := s.start(st.ctx, false); err != nil {
				st.cfg.Logger.Warn().Err(err).Str("run", id).Msg("checking the reopened run failed")
			}
		}
		s.mu.Unlock()
	}
	return s, nil
}

// newRun makes an empty run folder, named after the time so that a
// listing sorts, with a random suffix.
func (st *store) newRun() (meta, string, error) {
	suffix := make([]byte, 3)
	rand.Read(suffix)
	now := time.Now()
	m := meta{ID: now.Format("20060102-150405") + "-" + hex.EncodeToString(suffix), Created: now.UTC()}
	dir := st.runDir(m.ID)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return m, "", fmt.Errorf("new run: %w", err)
	}
	return m, dir, nil
}

// close stops every job and waits for them: their reports and ledgers are
// flushed, as after Ctrl-C on import.
func (st *store) close() {
	st.cancel()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, s := range st.open {
		s.close()
	}
}
