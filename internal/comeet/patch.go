package comeet

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The fields a PATCH /candidates/{uid} may carry. Published revisions of
// Comeet's reference disagree: NarrowPatchFields is the reading every
// revision allows and the default; WidePatchFields is a later revision's,
// chosen by configuration (Config.PatchFields).
var (
	NarrowPatchFields = []string{
		"first_name", "middle_name", "last_name", "email", "phone", "mobile_phone",
		"national_id", "linkedin_url", "prospect_status", "address", "custom_fields",
	}
	WidePatchFields = append(slices.Clone(NarrowPatchFields),
		"partner_candidate_id", "salary_expectations", "links", "source_contact", "note",
		"resume", "picture", "files")
)

// Who changed a candidate, as PATCH's updated_by.type takes it.
const (
	UpdatedByUser          = "user"
	UpdatedBySourceContact = "source_contact"
	UpdatedByOther         = "other"
	UpdatedByApp           = "app"
)

// Patch is the body of PATCH /candidates/{uid}: only the fields that are set
// (a non-nil pointer, a non-empty map or slice) are sent, so Comeet changes
// those and nothing else. A pointer to "" sends an empty value.
type Patch struct {
	FirstName, MiddleName, LastName *string
	Email, Phone, MobilePhone       *string
	NationalID, LinkedInURL         *string
	ProspectStatus                  *string
	Address                         *Address
	CustomFields                    map[string]string
	PartnerCandidateID              *string // wide list only
	SalaryExpectations, Note        *string // wide list only
	Links                           []Link  // wide list only
	SourceContact                   *SourceContact
	Resume, Picture                 *File   // wide list only
	Files                           []*File // wide list only
	UpdatedBy                       *UpdatedBy
}

// UpdatedBy says who made a change; Type is one of the UpdatedBy constants.
type UpdatedBy struct {
	Type, Name, Email string
}

// Fields names the API fields the patch sets, in the order they are sent.
func (p *Patch) Fields() []string {
	var out []string
	for _, f := range p.members() {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

type patchMember struct {
	name string
	set  bool
	str  *string
}

func (p *Patch) members() []patchMember {
	s := func(name string, v *string) patchMember { return patchMember{name: name, set: v != nil, str: v} }
	return []patchMember{
		s("first_name", p.FirstName), s("middle_name", p.MiddleName), s("last_name", p.LastName),
		s("email", p.Email), s("phone", p.Phone), s("mobile_phone", p.MobilePhone),
		s("national_id", p.NationalID), s("linkedin_url", p.LinkedInURL),
		s("prospect_status", p.ProspectStatus),
		{name: "address", set: p.Address != nil && *p.Address != Address{}},
		{name: "custom_fields", set: len(p.CustomFields) > 0},
		s("partner_candidate_id", p.PartnerCandidateID),
		s("salary_expectations", p.SalaryExpectations),
		{name: "links", set: len(p.Links) > 0},
		{name: "source_contact", set: p.SourceContact != nil && *p.SourceContact != SourceContact{}},
		s("note", p.Note),
		{name: "resume", set: p.Resume != nil},
		{name: "picture", set: p.Picture != nil},
		{name: "files", set: len(p.Files) > 0},
	}
}

// PatchFieldError is a patch that sets fields the configured list does not
// allow; nothing was sent. The caller reports them rather than dropping
// them silently.
type PatchFieldError struct {
	Fields  []string // the fields refused
	Allowed []string // the configured list
}

func (e *PatchFieldError) Error() string {
	return fmt.Sprintf("fields %s cannot be changed through the API (allowed: %s)",
		strings.Join(e.Fields, ", "), strings.Join(e.Allowed, ", "))
}

// ErrEmptyPatch is returned for a patch that sets no field.
var ErrEmptyPatch = errors.New("the patch changes no field")

// check returns a *PatchFieldError for fields outside allowed, or
// ErrEmptyPatch.
func (p *Patch) check(allowed []string) error {
	fields := p.Fields()
	if len(fields) == 0 {
		return ErrEmptyPatch
	}
	var refused []string
	for _, f := range fields {
		if !slices.Contains(allowed, f) {
			refused = append(refused, f)
		}
	}
	if len(refused) > 0 {
		return &PatchFieldError{Fields: refused, Allowed: slices.Clone(allowed)}
	}
	return nil
}

// body encodes the patch with its files streamed, as a create is.
func (p *Patch) body() (*body, error) {
	var e encoder
	e.text = make([]byte, 0, 256)
	e.raw("{")
	e.open = true
	for _, m := range p.members() {
		if m.set {
			e.patchMember(p, m)
		}
	}
	if u := p.UpdatedBy; u != nil {
		e.object("updated_by", "type", u.Type, "name", u.Name, "email", u.Email)
	}
	e.raw("}")
	return e.finish()
}

func (e *encoder) patchMember(p *Patch, m patchMember) {
	if m.str != nil {
		e.field(m.name, *m.str)
		return
	}
	switch m.name {
	case "address":
		e.address(p.Address)
	case "custom_fields":
		e.customFields(p.CustomFields)
	case "links":
		e.links(p.Links)
	case "source_contact":
		e.sourceContact(p.SourceContact)
	case "resume":
		e.optFile("resume", p.Resume)
	case "picture":
		e.optFile("picture", p.Picture)
	case "files":
		e.files(p.Files)
	}
}
