package comeet

import (
	"io"
	"strings"
	"time"
)

// Candidate is the body of POST /candidates. Empty optional values are
// omitted on the wire, and so are nested objects with nothing in them.
type Candidate struct {
	PositionUID        string `json:"position_uid"`
	PartnerCandidateID string `json:"partner_candidate_id"`
	FirstName          string `json:"first_name"`
	MiddleName         string `json:"middle_name,omitempty"`
	LastName           string `json:"last_name"`
	Email              string `json:"email,omitempty"`
	Phone              string `json:"phone,omitempty"`
	MobilePhone        string `json:"mobile_phone,omitempty"`
	NationalID         string `json:"national_id,omitempty"`
	LinkedInURL        string `json:"linkedin_url,omitempty"`
	SalaryExpectations string `json:"salary_expectations,omitempty"`
	ProspectStatus     string `json:"prospect_status,omitempty"`

	Resume        *File             `json:"resume,omitempty"`
	Picture       *File             `json:"picture,omitempty"`
	Links         []Link            `json:"links,omitempty"`
	Files         []*File           `json:"files,omitempty"`
	SourceContact *SourceContact    `json:"source_contact,omitempty"`
	Address       *Address          `json:"address,omitempty"`
	CustomFields  map[string]string `json:"custom_fields,omitempty"`
	Note          string            `json:"note,omitempty"`
}

// Link is one entry of Candidate.Links.
type Link struct {
	URL string `json:"url"`
}

// SourceContact names who brought the candidate (a headhunter, an agency).
// When it is sent, FullName and Email are required.
type SourceContact struct {
	FullName string `json:"full_name,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
}

// Address is the candidate's address; Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Country string `json:"country,omitempty"`
	City    string `json:"city,omitempty"`
	State   string `json:"state,omitempty"`
	Zip     string `json:"zip,omitempty"`
	Street  string `json:"street,omitempty"`
}

// File is an attachment: the resume, the picture or one of the files. On the
// wire it is {"name": Name, "file": <standard base64 of the bytes>}.
//
// A File is born in the mapping with only Path (what the spreadsheet cell
// said); the attach stage resolves it inside the files directory and fills in
// Name, Size, SHA256 and Open. The bytes are never held in memory: the
// encoder calls Open once per attempt and streams them as base64.
type File struct {
	// Name is the file name sent to Comeet (the base name of Path).
	Name string
	// Path is the reference from the spreadsheet, relative to the files
	// directory. It is not sent.
	Path string
	// Size is the number of bytes (decoded, as Comeet counts them).
	Size int64
	// SHA256 is the hex digest of the bytes, kept for the ledger.
	SHA256 string
	// ModTime is the file's modification time when it was attached, kept
	// for the ledger: a re-run re-reads a file only when its size or
	// ModTime changed. It is not sent.
	ModTime time.Time
	// Open returns the bytes from the start. Nil until the file is attached.
	Open func() (io.ReadCloser, error) `json:"-"`
}

// Key identifies a hiring process in Comeet: one partner candidate in one
// position. Comeet answers 409 to a second POST with the same key while the
// first candidate is still in progress.
type Key struct {
	PositionUID        string
	PartnerCandidateID string
}

// Key returns the candidate's (position, partner id) pair.
func (c *Candidate) Key() Key {
	return Key{PositionUID: c.PositionUID, PartnerCandidateID: c.PartnerCandidateID}
}

// Created is Comeet's answer to a successful POST /candidates. Times are kept
// as the text Comeet sent, so an unexpected format never loses an answer.
type Created struct {
	UID                   string         `json:"uid"`
	PositionUID           string         `json:"position_uid,omitempty"`
	SourceContact         *SourceContact `json:"source_contact,omitempty"`
	TimeCreated           string         `json:"time_created,omitempty"`
	TimeLastStatusChanged string         `json:"time_last_status_changed,omitempty"`
	CurrentSteps          []Step         `json:"current_steps,omitempty"`
	CompletedSteps        []Step         `json:"completed_steps,omitempty"`
	Status                string         `json:"status,omitempty"`
}

// Step is one step of a candidate's hiring process.
type Step struct {
	Name          string `json:"name"`
	Type          string `json:"type,omitempty"`
	TimeScheduled string `json:"time_scheduled,omitempty"`
	TimeCompleted string `json:"time_completed,omitempty"`
}

// Problem is one reason a row would be refused, found before sending. Code is
// the error code Comeet documents for the same fault (required_field,
// invalid_email, ...), so a local verdict and the server's agree.
type Problem struct {
	Field   string // the API field, dotted for nested ones: "source_contact.email"
	Code    string
	Message string
	// Reason is what is wrong and what to change, in words that need
	// neither the field's name nor its value ("not an e-mail address
	// (name@example.com)"), for a caller that names the field and quotes
	// the value in its user's terms (the input's column, the cell as
	// typed). Empty when Message is all there is to say.
	Reason string
}

// String is the problem as a person reads it, led by the field unless the
// message already names it first.
func (p Problem) String() string {
	if p.Field == "" || strings.HasPrefix(p.Message, p.Field) {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Error codes that Comeet documents, plus the few this tool adds for faults
// found before sending (a missing file, a duplicate inside the spreadsheet).
const (
	CodeRequiredField         = "required_field"
	CodeStringSizeLimit       = "string_size_limit"
	CodeInvalidEmail          = "invalid_email"
	CodeInvalidLinkedInURL    = "invalid_linkedin_url"
	CodeInvalidURL            = "invalid_url"
	CodeSourceContactConflict = "source_contact_conflict"
	CodeIncorrectCountryCode  = "incorrect_country_code"
	CodeInvalidCustomField    = "invalid_custom_candidate_field"
	CodeInvalidDatetime       = "invalid_datetime"
	CodeDuplicateCandidate    = "duplicate_candidate"
	CodeFileSizeLimit         = "file_size_limit"
	CodeMaliciousFile         = "malicious_file"
	CodeNoPermission          = "no_permission"
	CodePositionNotFound      = "position_not_found"
	CodeNotFound              = "not_found"
	CodeCandidatePostConflict = "candidate_post_conflict"
	CodeTooManyRequests       = "too_many_requests"
	CodeInvalidProspectStatus = "invalid_prospect_status" // ours: Comeet documents the values, not a code
	CodeInvalidFileType       = "invalid_file_type"       // ours: a file type off the allow-list
	CodeFileNotFound          = "file_not_found"          // ours: a referenced file is missing or outside the files directory
	CodeAmbiguousFile         = "ambiguous_file"          // ours: a file name that several files of the files directory answer to
	CodeDuplicateRow          = "duplicate_row"           // ours: the same key twice in one spreadsheet
	CodeMalformedRow          = "malformed_row"           // ours: a ragged row or a broken quote
	CodeInvalidEncoding       = "invalid_encoding"        // ours: bytes that are not text in the input's encoding
)
