package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/importer"
	"github.com/comeet-import/comeet-import/internal/mapping"
	"github.com/comeet-import/comeet-import/internal/source"
)

// newMappingCmd builds `mapping`: a proposed mapping file for a spreadsheet.
func newMappingCmd() *cobra.Command {
	var (
		sf     sourceFlags
		output string
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
it to import and validate with --mapping.

Exit codes:
  0    the mapping was written
  2    usage or configuration error (flags, an unreadable input or header)`,
		Args: exactlyOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			return writeOutput(cmd, output, func(w io.Writer) error {
				return proposeMapping(cmd.Context(), args[0], opts, w, cmd.ErrOrStderr())
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the mapping to this file instead of standard output")
	return cmd
}

// proposeMapping writes the mapping Suggest proposes for the input's header
// to out, and tells on notes what is left for a person to decide. The input
// is opened with ctx, so an interruption ends a wait on a FIFO or a pipe.
func proposeMapping(ctx context.Context, input string, opts source.Options, out, notes io.Writer) error {
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
