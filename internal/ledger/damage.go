package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrDamaged is returned by Open and OpenReadOnly for a ledger that was cut
// or is otherwise damaged: read as it is, it would lack entries, and a run
// would send their rows again. Restore the file from a backup.
var ErrDamaged = errors.New("the ledger file is damaged")

// damagedHint says what to do; it follows ErrDamaged's details.
const damagedHint = ": restore it from a backup (a run with a new ledger would send every row again)"

// checkSize compares the file's size with what its SQLite header says,
// before SQLite reads it: a file cut inside a page, or shorter or longer
// than the pages its header counts, is damaged. While a -wal file holds
// commits not yet copied into the file, the header may lag behind them,
// and only the cut inside a page is looked for.
func checkSize(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || !bytes.HasPrefix(h[:], []byte("SQLite format 3\x00")) {
		return nil // not SQLite: checkVersion says it is not a ledger
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%w: its header names a page size of %d bytes%s", ErrDamaged, pageSize, damagedHint)
	}
	if size%pageSize != 0 {
		return fmt.Errorf("%w: its size (%d bytes) is not a whole number of %d-byte pages, as a file cut short is%s", ErrDamaged, size, pageSize, damagedHint)
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	headerValid := pages > 0 && binary.BigEndian.Uint32(h[24:28]) == binary.BigEndian.Uint32(h[92:96])
	if headerValid && !walHoldsCommits(path) && pages*pageSize != size {
		return fmt.Errorf("%w: its size (%d bytes) disagrees with its header (%d pages of %d bytes)%s", ErrDamaged, size, pages, pageSize, damagedHint)
	}
	return nil
}

// walHoldsCommits reports whether the ledger's -wal file has frames.
func walHoldsCommits(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}

// quickCheck runs SQLite's quick integrity check: every page and record
// well formed (indexes are not compared with their tables).
func quickCheck(ctx context.Context, db *sql.DB) error {
	var first string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check(1)`).Scan(&first); err != nil {
		return fmt.Errorf("%w: the integrity check failed (%v)%s", ErrDamaged, err, damagedHint)
	}
	if first != "ok" {
		return fmt.Errorf("%w: the integrity check found %q%s", ErrDamaged, first, damagedHint)
	}
	return nil
}
