package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// WorkbookLimits bound what an .xlsx workbook may unpack to. A workbook is
// a zip archive: a file of 2 MB can declare parts of gigabytes, which
// excelize would hold in memory or unpack into temporary files. A workbook
// over a limit is refused before any of it is unpacked.
type WorkbookLimits struct {
	// Total bounds the sum of the sizes of all parts, unpacked.
	Total int64
	// Sheet bounds one worksheet's XML, unpacked. Sheets larger than
	// InMemory are unpacked into a temporary file and streamed from it.
	Sheet int64
	// Part bounds any other part (shared strings, styles, pictures), which
	// excelize holds in memory.
	Part int64
	// SharedStrings bounds the number of strings in the shared string
	// table, which is held in memory whole.
	SharedStrings int
}

// DefaultWorkbookLimits are the limits a zero Options.Workbook stands for.
var DefaultWorkbookLimits = WorkbookLimits{
	Total:         1 << 30,
	Sheet:         512 << 20,
	Part:          64 << 20,
	SharedStrings: 1_000_000,
}

// ErrWorkbookLimit means a workbook would unpack to more than its limits.
var ErrWorkbookLimit = errors.New("workbook exceeds a size limit")

// WorkbookLimitError names the part of a workbook that is over a limit.
type WorkbookLimitError struct {
	Part  string // the part's name inside the archive, or "" for the total
	Size  int64  // its declared unpacked size, or count of strings
	Limit int64
	What  string // what was measured: "unpacked bytes" or "shared strings"
}

// Error says which part is over which limit.
func (e *WorkbookLimitError) Error() string {
	if e.Part == "" {
		return fmt.Sprintf("the workbook unpacks to %d bytes, over the limit of %d: it is refused as a possible zip bomb", e.Size, e.Limit)
	}
	return fmt.Sprintf("part %s holds %d %s, over the limit of %d: the workbook is refused as a possible zip bomb", e.Part, e.Size, e.What, e.Limit)
}

// Unwrap returns ErrWorkbookLimit.
func (e *WorkbookLimitError) Unwrap() error { return ErrWorkbookLimit }

func (l WorkbookLimits) orDefault() WorkbookLimits {
	d := DefaultWorkbookLimits
	if l.Total > 0 {
		d.Total = l.Total
	}
	if l.Sheet > 0 {
		d.Sheet = l.Sheet
	}
	if l.Part > 0 {
		d.Part = l.Part
	}
	if l.SharedStrings > 0 {
		d.SharedStrings = l.SharedStrings
	}
	return d
}

// checkWorkbook refuses a workbook that is not a regular file or whose
// parts declare sizes over the limits. Declared sizes can be trusted as
// bounds: archive/zip fails a part that unpacks to more than it declares.
func checkWorkbook(path string, limits WorkbookLimits) error {
	errNotRegular := errors.New("a workbook must be a regular file (not a pipe, FIFO or device): it is read out of order")
	// Stat first: even a short non-blocking open of a FIFO could pair with
	// its writer and leave it writing to no one.
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return errNotRegular
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errNotRegular
	}
	zr, err := zip.NewReader(f, info.Size())
	if err != nil {
		return nil // not a zip archive: excelize says what it is
	}
	return checkParts(zr.File, limits)
}

func checkParts(parts []*zip.File, limits WorkbookLimits) error {
	var total int64
	for _, p := range parts {
		size := int64(min(p.UncompressedSize64, 1<<62))
		total += size
		limit := limits.Part
		if isSheetPart(p.Name) {
			limit = limits.Sheet
		}
		if size > limit {
			return &WorkbookLimitError{Part: p.Name, Size: size, Limit: limit, What: "unpacked bytes"}
		}
		if total > limits.Total {
			return &WorkbookLimitError{Size: total, Limit: limits.Total, What: "unpacked bytes"}
		}
		if strings.EqualFold(p.Name, "xl/sharedStrings.xml") {
			if err := checkSharedStrings(p, limits.SharedStrings); err != nil {
				return err
			}
		}
	}
	return nil
}

func isSheetPart(name string) bool {
	return strings.HasPrefix(strings.ToLower(strings.ReplaceAll(name, "\\", "/")), "xl/worksheets/sheet")
}

// checkSharedStrings counts the strings of the shared string table,
// streaming: excelize unmarshals the whole table, so its count bounds the
// memory it takes.
func checkSharedStrings(p *zip.File, limit int) error {
	rc, err := p.Open()
	if err != nil {
		return fmt.Errorf("read %s: %w", p.Name, err)
	}
	defer rc.Close()
	n, err := countElements(rc, "si")
	if err != nil {
		return fmt.Errorf("read %s: %w", p.Name, err)
	}
	if n > limit {
		return &WorkbookLimitError{Part: p.Name, Size: int64(n), Limit: int64(limit), What: "shared strings"}
	}
	return nil
}

// countElements counts the start tags <name> and <name ...> in r.
func countElements(r io.Reader, name string) (int, error) {
	open, spaced := []byte("<"+name+">"), []byte("<"+name+" ")
	keep := len(open) - 1
	buf := make([]byte, 64<<10)
	n, carry := 0, 0
	for {
		m, err := r.Read(buf[carry:])
		chunk := buf[:carry+m]
		n += bytes.Count(chunk, open) + bytes.Count(chunk, spaced)
		// The last bytes may start a tag that ends in the next chunk; they
		// hold no whole tag, so they are not counted twice.
		carry = min(keep, len(chunk))
		copy(buf, chunk[len(chunk)-carry:])
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
