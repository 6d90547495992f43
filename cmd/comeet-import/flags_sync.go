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
	online      bool // validate --online: check the positions in Comeet
}

func (s *syncFlags) register(cmd *cobra.Command, c *importer.Config, dryRun bool) {
	fs := cmd.Flags()
	fs.BoolVar(&c.Update, "update", false, "send a row that changed since its candidate was created (per the ledger) as an update of the changed fields, and its new files")
	fs.StringVar(&s.patchFields, "patch-fields", "narrow", `the fields an update may change: "narrow" (names, email, phones, national_id, linkedin_url, prospect_status, address, custom_fields) or "wide" (also partner_candidate_id, salary_expectations, links, source_contact, note, resume, picture, files), as the account's API revision allows`)
	if dryRun {
		fs.BoolVar(&s.online, "online", false, "also check every position_uid in Comeet (needs the credentials; one request for the list, one per position it lacks)")
		return
	}
	fs.BoolVar(&c.CheckPositions, "check-positions", false, "check every position_uid in Comeet before sending: rows whose position is unknown, closed or on hold are not sent")
}

// apply puts the sync flags into c; validate --online then reads the
// credentials as import does.
func (s *syncFlags) apply(c *importer.Config) error {
	switch s.patchFields {
	case "narrow", "":
		c.PatchFields = comeet.NarrowPatchFields
	case "wide":
		c.PatchFields = comeet.WidePatchFields
	default:
		return usageError{fmt.Errorf(`--patch-fields %q: want "narrow" or "wide"`, s.patchFields)}
	}
	if s.online {
		c.CheckPositions = true
	}
	return nil
}
