package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// PartialSuffix is added to the name of a file while it is being written:
// the run writes "candidates.report.csv.partial" and renames it over
// "candidates.report.csv" when it closes the report, so a killed run leaves
// the previous report intact and its own partial one beside it.
const PartialSuffix = ".partial"

// Partial is a file written under a temporary name beside its target and
// renamed over the target by Commit.
type Partial struct {
	*os.File
	target string
}

// CreatePartial creates (or truncates) target+PartialSuffix with FileMode.
func CreatePartial(target string) (*Partial, error) {
	f, err := CreateFile(target + PartialSuffix)
	if err != nil {
		return nil, err
	}
	return &Partial{File: f, target: target}, nil
}

// Target is the path the file gets on Commit.
func (p *Partial) Target() string { return p.target }

// Commit syncs and closes the file and renames it over its target. When
// that fails, the file is removed and the target stays as it was.
func (p *Partial) Commit() error {
	err := errors.Join(p.File.Sync(), p.File.Close())
	if err != nil {
		os.Remove(p.Name())
		return fmt.Errorf("write %q: %w", p.Name(), err)
	}
	if err := os.Rename(p.Name(), p.target); err != nil {
		os.Remove(p.Name())
		return fmt.Errorf("rename %q: %w", p.Name(), err)
	}
	return nil
}

// Discard closes and removes the file, and the target too when removeTarget
// is set: an errors file from an earlier run lists rows that are now fixed.
func (p *Partial) Discard(removeTarget bool) error {
	err := p.File.Close()
	if rerr := os.Remove(p.Name()); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if removeTarget {
		if rerr := os.Remove(p.target); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		return fmt.Errorf("remove %q: %w", p.Name(), err)
	}
	return nil
}
