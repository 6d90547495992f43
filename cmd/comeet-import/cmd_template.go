package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/mapping"
)

// newTemplateCmd builds `template`: an empty spreadsheet with every API
// field as a column, for people starting from scratch.
func newTemplateCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "template [--output FILE]",
		Short: "Write an empty candidates CSV whose header is every API field",
		Long: `Write an empty candidates CSV whose header is every field of POST /candidates,
in the order of Comeet's reference. import and validate map such a file without a
mapping file. Rename the custom_fields.<name> column after one of the account's
custom fields (one column per field), or delete it; delete the columns you do not
need.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeOutput(cmd, output, mapping.Template)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the template to this file instead of standard output")
	return cmd
}

// noArgs refuses arguments as a usage error (exit 2), where cobra.NoArgs
// would give a plain one.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.Name(), args)}
	}
	return nil
}
