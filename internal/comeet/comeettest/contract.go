package comeettest

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// prospectStatuses are the documented values of prospect_status.
var prospectStatuses = map[string]bool{
	"Sourced": true, "Contacted": true, "Responded": true, "Interested": true,
	"Not interested": true, "Do not contact": true,
}

// validate applies the documented contract to a decoded candidate and
// returns the first refusal.
func (s *Server) validate(c *comeet.Candidate) (answer, bool) {
	checks := []func(*comeet.Candidate) (answer, bool){
		checkRequired, s.checkPosition, s.checkStringSizes, checkContactFields, checkLinks,
		checkProspectStatus, s.checkFileTypes, checkSourceContact, checkAddress, s.checkCustomFields, s.checkFileSizes,
	}
	for _, check := range checks {
		if a, ok := check(c); !ok {
			return a, false
		}
	}
	return answer{}, true
}

func refuse(status int, code, format string, args ...any) (answer, bool) {
	return answerError(status, code, fmt.Sprintf(format, args...)), false
}

func checkRequired(c *comeet.Candidate) (answer, bool) {
	for _, f := range []struct{ name, value string }{
		{"position_uid", c.PositionUID}, {"partner_candidate_id", c.PartnerCandidateID},
		{"first_name", c.FirstName}, {"last_name", c.LastName},
	} {
		if strings.TrimSpace(f.value) == "" {
			return refuse(http.StatusBadRequest, comeet.CodeRequiredField, "%s is required", f.name)
		}
	}
	return answer{}, true
}

func (s *Server) checkPosition(c *comeet.Candidate) (answer, bool) {
	if s.restrictPositions && !s.knownPosition(c.PositionUID) {
		return refuse(http.StatusNotFound, comeet.CodePositionNotFound, "position %q not found", c.PositionUID)
	}
	return answer{}, true
}

func checkContactFields(c *comeet.Candidate) (answer, bool) {
	if c.Email != "" && !validEmail(c.Email) {
		return refuse(http.StatusBadRequest, comeet.CodeInvalidEmail, "email is not a valid email address")
	}
	if c.LinkedInURL != "" && !validLinkedIn(c.LinkedInURL) {
		return refuse(http.StatusBadRequest, comeet.CodeInvalidLinkedInURL, "linkedin_url is not a LinkedIn URL")
	}
	return answer{}, true
}

func checkLinks(c *comeet.Candidate) (answer, bool) {
	for i, l := range c.Links {
		if _, ok := webURL(l.URL); !ok {
			return refuse(http.StatusBadRequest, comeet.CodeInvalidURL, "links[%d].url is not a valid URL", i)
		}
	}
	return answer{}, true
}

func checkProspectStatus(c *comeet.Candidate) (answer, bool) {
	if c.ProspectStatus != "" && !prospectStatuses[c.ProspectStatus] {
		return refuse(http.StatusBadRequest, comeet.CodeInvalidProspectStatus,
			"prospect_status %q is not one of the allowed values", c.ProspectStatus)
	}
	return answer{}, true
}

func checkSourceContact(c *comeet.Candidate) (answer, bool) {
	sc := c.SourceContact
	switch {
	case sc == nil:
	case strings.TrimSpace(sc.FullName) == "":
		return refuse(http.StatusBadRequest, comeet.CodeRequiredField, "source_contact.full_name is required")
	case strings.TrimSpace(sc.Email) == "":
		return refuse(http.StatusBadRequest, comeet.CodeRequiredField, "source_contact.email is required")
	case !validEmail(sc.Email):
		return refuse(http.StatusBadRequest, comeet.CodeInvalidEmail, "source_contact.email is not a valid email address")
	}
	return answer{}, true
}

// checkAddress checks the country against the regions of CLDR (through
// golang.org/x/text/language), a source of ISO 3166 codes independent of the
// list the local rules use. CLDR also knows a few reserved and transitional
// codes (AC, CP, DG, EA, IC, TA, XK, ...) that are not assigned ISO 3166-1
// codes: those the server accepts and the local rules refuse.
func checkAddress(c *comeet.Candidate) (answer, bool) {
	if c.Address == nil || c.Address.Country == "" {
		return answer{}, true
	}
	cc := c.Address.Country
	r, err := language.ParseRegion(cc)
	if err != nil || !r.IsCountry() || r.String() != cc || r.Canonicalize() != r {
		return refuse(http.StatusBadRequest, comeet.CodeIncorrectCountryCode,
			"address.country %q is not an ISO 3166 code", cc)
	}
	return answer{}, true
}

// checkStringSizes refuses a text value longer than MaxStringLength
// characters, when a limit is set. Comeet does not publish its limits.
func (s *Server) checkStringSizes(c *comeet.Candidate) (answer, bool) {
	limit := s.opts.MaxStringLength
	if limit <= 0 {
		return answer{}, true
	}
	for name, v := range shortStrings(c) {
		if n := utf8.RuneCountInString(v); n > limit {
			return refuse(http.StatusBadRequest, comeet.CodeStringSizeLimit,
				"%s is %d characters long, over the limit of %d", name, n, limit)
		}
	}
	return answer{}, true
}

// shortStrings are the fields a short text limit applies to: all but the
// note, custom field values and URLs.
func shortStrings(c *comeet.Candidate) map[string]string {
	m := map[string]string{
		"position_uid": c.PositionUID, "partner_candidate_id": c.PartnerCandidateID,
		"first_name": c.FirstName, "middle_name": c.MiddleName, "last_name": c.LastName,
		"email": c.Email, "phone": c.Phone, "mobile_phone": c.MobilePhone,
		"national_id": c.NationalID, "salary_expectations": c.SalaryExpectations,
	}
	if sc := c.SourceContact; sc != nil {
		m["source_contact.full_name"], m["source_contact.email"], m["source_contact.phone"] = sc.FullName, sc.Email, sc.Phone
	}
	if a := c.Address; a != nil {
		m["address.city"], m["address.state"], m["address.zip"], m["address.street"] = a.City, a.State, a.Zip, a.Street
	}
	return m
}

// checkFileTypes refuses, when Options.CheckFileTypes is set, a resume or
// file whose extension is off the seed's allow-list, and a picture that is
// not an image.
func (s *Server) checkFileTypes(c *comeet.Candidate) (answer, bool) {
	if !s.opts.CheckFileTypes {
		return answer{}, true
	}
	check := func(field string, f *comeet.File, allowed []string) (answer, bool) {
		if f == nil {
			return answer{}, true
		}
		ext := strings.ToLower(path.Ext(f.Name))
		if !slices.Contains(allowed, ext) {
			return refuse(http.StatusBadRequest, comeet.CodeInvalidFileType, "%s %q: file type not allowed", field, f.Name)
		}
		return answer{}, true
	}
	attachments := slices.Concat(comeet.ImageTypes, comeet.FileTypes)
	if a, ok := check("resume", c.Resume, attachments); !ok {
		return a, ok
	}
	if a, ok := check("picture", c.Picture, comeet.ImageTypes); !ok {
		return a, ok
	}
	for _, f := range c.Files {
		if a, ok := check("files", f, attachments); !ok {
			return a, ok
		}
	}
	return answer{}, true
}

func (s *Server) checkCustomFields(c *comeet.Candidate) (answer, bool) {
	if s.fields == nil {
		return answer{}, true
	}
	for name := range c.CustomFields {
		if !s.fields[name] {
			return refuse(http.StatusBadRequest, comeet.CodeInvalidCustomField,
				"custom field %q does not exist", name)
		}
	}
	return answer{}, true
}

// checkFileSizes applies the limit to the resume and the files, as the
// contract says; the picture is not limited by it.
func (s *Server) checkFileSizes(c *comeet.Candidate) (answer, bool) {
	files := append([]*comeet.File{c.Resume}, c.Files...)
	for _, f := range files {
		if f != nil && f.Size > s.opts.MaxFileSize {
			return refuse(http.StatusForbidden, comeet.CodeFileSizeLimit,
				"file %q is %d bytes, over the limit of %d", f.Name, f.Size, s.opts.MaxFileSize)
		}
	}
	return answer{}, true
}

func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

func webURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, false
	}
	return u, true
}

// validLinkedIn accepts a LinkedIn profile: /in/<name>, /pub/<name> or
// /profile/view?id=..., on linkedin.com or a subdomain of it.
func validLinkedIn(s string) bool {
	u, ok := webURL(s)
	if !ok {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return false
	}
	p := strings.ToLower(u.EscapedPath())
	for _, prefix := range []string{"/in/", "/pub/"} {
		if name, ok := strings.CutPrefix(p, prefix); ok {
			return strings.Trim(name, "/") != ""
		}
	}
	return strings.TrimSuffix(p, "/") == "/profile/view" && u.Query().Get("id") != ""
}
