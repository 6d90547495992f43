package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrUncountable is Count's answer for an input it does not read twice: a
// workbook (its sheet would be unpacked and parsed again) or a file that is
// not regular (a FIFO or a pipe such as <(zcat x.gz) would lose to the
// count the rows the run reads).
var ErrUncountable = errors.New("not counted: only a regular delimited file is read twice")

// countCheckEvery is how many records Count reads between looks at ctx.
const countCheckEvery = 4096

// Count returns the number of records a Reader opened on path with opts
// returns, by reading the file once more with the same parser: the header
// excluded, blank and empty rows skipped, a record with line breaks in its
// cells one record. It is the total of a run's progress. A header without
// rows counts 0. It stops, with ctx's error, when ctx is done.
func Count(ctx context.Context, path string, opts Options) (int, error) {
	format, err := formatOf(path, opts.Format)
	if err != nil {
		return 0, err
	}
	if info, err := os.Stat(path); format != FormatDelimited || err != nil || !info.Mode().IsRegular() {
		return 0, ErrUncountable
	}
	opts.DateFormat = "" // the cells are not looked at
	r, err := OpenContext(ctx, path, opts)
	if errors.Is(err, ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("count rows: %w", err)
	}
	defer r.Close()
	for n := 0; ; n++ {
		if n%countCheckEvery == 0 && ctx.Err() != nil {
			return n, fmt.Errorf("count rows: %w", context.Cause(ctx))
		}
		if _, err := r.Next(); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, fmt.Errorf("count rows of %s: %w", path, err)
		}
	}
}
