package comeettest

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/comeet-import/comeet-import/comeet"
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
		checkRequired, s.checkPosition, checkContactFields, checkLinks,
		checkProspectStatus, checkSourceContact, checkAddress, s.checkCustomFields, s.checkFileSizes,
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
	if s.positions != nil && !s.positions[c.PositionUID] {
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

// checkAddress checks the country's shape only (two upper-case letters);
// the full ISO 3166 list is the local rules' business.
func checkAddress(c *comeet.Candidate) (answer, bool) {
	if c.Address == nil || c.Address.Country == "" {
		return answer{}, true
	}
	cc := c.Address.Country
	if len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
		return refuse(http.StatusBadRequest, comeet.CodeIncorrectCountryCode,
			"address.country %q is not an ISO 3166 code", cc)
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

func validLinkedIn(s string) bool {
	u, ok := webURL(s)
	if !ok {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "linkedin.com" || strings.HasSuffix(host, ".linkedin.com")
}
