package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// printPositions lists the positions the credentials can see, after check
// proved them: uid, name and status, one a line. A list Comeet does not
// serve to these credentials is a note, not a failed check: creating
// candidates may still work.
func printPositions(ctx context.Context, client *comeet.Client, out io.Writer) {
	ps, _, err := client.ListPositions(ctx, comeet.PositionFilter{})
	if err != nil {
		fmt.Fprintf(out, "positions: could not list them: %v\n", err)
		return
	}
	if len(ps) == 0 {
		fmt.Fprintln(out, "positions: none visible to these credentials (the account's admin chooses which positions the integration sees)")
		return
	}
	open := 0
	for _, p := range ps {
		if p.Open() {
			open++
		}
	}
	fmt.Fprintf(out, "positions these credentials can see: %d (%d open)\n", len(ps), open)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  uid\tname\tstatus")
	for _, p := range ps {
		status := p.Status
		if status == "" {
			status = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", oneLine(p.UID), oneLine(p.Name), oneLine(status))
	}
	tw.Flush()
}

// oneLine keeps a value Comeet sent on its line of the table.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
