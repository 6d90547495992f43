package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/pace"
	"github.com/comeet-import/comeet-import/internal/source"
)

// newMappingCmd builds `mapping`: a proposed mapping file for a spreadsheet.
func newMappingCmd() *cobra.Command {
	var (
		sf      sourceFlags
		output  string
		account accountFlags
		check   bool
	)
	cmd := &cobra.Command{
		Use:   "mapping [flags] FILE",
		Short: "Propose a mapping.csv for the header of FILE (CSV or XLSX)",
		Long: `Read the header of FILE and print a proposed mapping file (field,column,default):
columns named like API fields, common aliases ("Given name", "E-mail", "Mobile",
"CV", "Recruiter", "Notes", ...) and close spellings. The first rows' values are
read too: a name column is split (full_name), a column of channels is not taken
for a source contact, and the values of the status and country columns become
value lines (value,send). The columns and values it could not place, and the
required fields no column feeds, are listed on standard error.
Review the proposal, add defaults (a position_uid for every row, say), and pass
it to import and validate with --mapping. With --check-positions and the
credentials, a position column of names gets a value line per name with the
uid of the one open position so named, and the names no open position bears
are listed.

Exit codes:
  0    the mapping was written
  2    usage or configuration error (flags, an unreadable input or header)`,
		Args: exactlyOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			var positions func(context.Context) ([]comeet.Position, error)
			if check {
				if positions, err = account.positions(); err != nil {
					return err
				}
			}
			return writeOutput(cmd, output, func(w io.Writer) error {
				return proposeMapping(cmd.Context(), args[0], opts, positions, w, cmd.ErrOrStderr())
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the mapping to this file instead of standard output")
	cmd.Flags().BoolVar(&check, "check-positions", false, "list the account's positions (needs the credentials) and write a value line for each position name in the file")
	account.register(cmd)
	return cmd
}

// proposeMapping writes the mapping Suggest proposes for the input's header
// to out, and tells on notes what is left for a person to decide. The input
// is opened with ctx, so an interruption ends a wait on a FIFO or a pipe.
func proposeMapping(ctx context.Context, input string, opts source.Options, positions func(context.Context) ([]comeet.Position, error), out, notes io.Writer) error {
	src, err := source.OpenContext(ctx, input, opts)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("input %s: %w", input, err)}
	}
	header, sample := src.Header(), src.Sample(mapping.SampleSize)
	src.Close()
	p, err := mapping.Propose(header, sample)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("input %s: %w", input, err)}
	}
	if positions != nil {
		list, err := positions(ctx)
		if err != nil {
			return fmt.Errorf("--check-positions: %w", err)
		}
		p.ResolvePositions(list)
	}
	if err := p.Mapping.Write(out); err != nil {
		return err
	}
	p.WriteNotes(notes)
	return nil
}

// outputMode is the permission of the files mapping and template write:
// they hold column names, no personal data.
const outputMode = 0o644

// writeOutput runs write on the command's standard output, or on the file
// path when one is given; a failed write leaves no half-written file behind.
func writeOutput(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(cmd.OutOrStdout())
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, outputMode)
	if err != nil {
		return &importer.ConfigError{Err: fmt.Errorf("--output: %w", err)}
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", path)
	return nil
}

// positions returns what lists the positions the account's credentials
// see, one paced request at Comeet's own pace; the credentials are read
// now, so that a missing one is told before the input is read.
func (a *accountFlags) positions() (func(context.Context) ([]comeet.Position, error), error) {
	var acc pace.Account
	if err := a.fill(&acc, zerolog.Nop()); err != nil {
		return nil, err
	}
	client, err := comeet.NewClient(acc.WithDefaults().ClientConfig(zerolog.Nop()))
	if err != nil {
		return nil, &importer.ConfigError{Err: fmt.Errorf("wrong base URL or credentials: %w", err)}
	}
	return func(ctx context.Context) ([]comeet.Position, error) {
		list, _, err := client.ListPositions(ctx, comeet.PositionFilter{})
		return list, err
	}, nil
}
