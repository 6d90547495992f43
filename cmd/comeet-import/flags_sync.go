package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/comeet-import/comeet-import/internal/comeet"
	"github.com/comeet-import/comeet-import/internal/importer"
)

// syncFlags are the flags that keep Comeet in step with the sheet: the
// update of changed rows and the check of the positions.
type syncFlags struct {
	patchFields string
}

// The values of --patch-fields.
const (
	patchNarrow = "narrow"
	patchWide   = "wide"
)

func (s *syncFlags) register(cmd *cobra.Command, c *importer.Config, dryRun bool) {
	fs := cmd.Flags()
	fs.BoolVar(&c.Update, "update", false, "send a row that changed since its candidate was created (per the ledger) as an update of the changed fields, and its new files")
	fs.StringVar(&s.patchFields, "patch-fields", patchNarrow, `the fields an update may change: "narrow" (names, email, phones, national_id, linkedin_url, prospect_status, address, custom_fields) or "wide" (also partner_candidate_id, salary_expectations, links, source_contact, note, resume, picture, files), as the account's API revision allows`)
	completeWith(cmd, "patch-fields", patchNarrow, patchWide)
	fs.BoolVar(&c.CheckPositions, "check-positions", false, "check every position_uid in Comeet first (needs the credentials; one request for the list, one per position it lacks): rows whose position is unknown, closed or on hold are invalid")
	if dryRun {
		// validate's first name for the same check, kept for old scripts.
		fs.BoolVar(&c.CheckPositions, "online", false, "the old name of --check-positions")
		if err := fs.MarkDeprecated("online", "use --check-positions"); err != nil {
			panic(err) // registered just above
		}
	}
}

// apply puts the sync flags into c.
func (s *syncFlags) apply(c *importer.Config) error {
	switch s.patchFields {
	case patchNarrow, "":
		c.PatchFields = comeet.NarrowPatchFields
	case patchWide:
		c.PatchFields = comeet.WidePatchFields
	default:
		return usageError{fmt.Errorf(`--patch-fields %q: want "narrow" or "wide"`, s.patchFields)}
	}
	return nil
}
