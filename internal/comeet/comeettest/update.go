package comeettest

import (
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// lookup finds a candidate for GET, PATCH and files: an unknown or deleted
// uid is 404 candidate_not_found, a merged one 401 duplicate_candidate.
// s.mu must be held.
func (s *Server) lookupLocked(uid string) (*Stored, answer, bool) {
	st, ok := s.state.byUID[uid]
	switch {
	case !ok || st.Deleted:
		return nil, answerError(http.StatusNotFound, comeet.CodeCandidateNotFound, "candidate not found"), false
	case st.MergedInto != "":
		return nil, answerError(http.StatusUnauthorized, comeet.CodeDuplicateCandidate,
			"candidate was merged into "+st.MergedInto), false
	}
	return st, answer{}, true
}

// getCandidate answers GET /candidates/{uid}.
func (s *Server) getCandidate(uid string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ans, ok := s.lookupLocked(uid)
	if !ok {
		return ans
	}
	a := answerJSON(http.StatusOK, st.record())
	a.uid = st.UID
	return a
}

// patch answers PATCH /candidates/{uid}: the fields given replace the
// stored ones (custom fields key by key), the result must pass the same
// rules as a create, and a later GET reads it back.
func (s *Server) patch(uid string, p *patchBody) answer {
	if len(p.refused) > 0 {
		return answerError(http.StatusBadRequest, CodeBadRequest,
			"fields cannot be updated: "+strings.Join(p.refused, ", "))
	}
	if len(p.keys) == 0 {
		return answerError(http.StatusBadRequest, comeet.CodeRequiredField, "no field to update")
	}
	if t := p.updatedBy["type"]; p.updatedBy != nil && !slices.Contains(updatedByTypes, t) {
		return answerError(http.StatusBadRequest, CodeBadRequest, fmt.Sprintf("updated_by.type %q is not one of %s", t, strings.Join(updatedByTypes, ", ")))
	}
	s.mu.Lock()
	st, ans, ok := s.lookupLocked(uid)
	var merged comeet.Candidate
	if ok {
		merged = applyPatch(st.Candidate, p)
	}
	s.mu.Unlock()
	if !ok {
		return ans
	}
	if ans, ok := s.validate(&merged); !ok {
		return ans
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ans, ok = s.lookupLocked(uid); !ok {
		return ans
	}
	st.Candidate, st.Updated = merged, s.opts.Now().UTC()
	a := answerJSON(http.StatusOK, st.record())
	a.uid = st.UID
	return a
}

var updatedByTypes = []string{comeet.UpdatedByUser, comeet.UpdatedBySourceContact, comeet.UpdatedByOther, comeet.UpdatedByApp}

// applyPatch returns the candidate with the patch's fields put in.
func applyPatch(c comeet.Candidate, p *patchBody) comeet.Candidate {
	c.CustomFields = maps.Clone(c.CustomFields)
	src, dst := candidateStrings(&p.cand), candidateStrings(&c)
	for _, key := range p.keys {
		if from := src[key]; from != nil {
			*dst[key] = *from
			continue
		}
		switch key {
		case "address":
			c.Address = p.cand.Address
		case "custom_fields":
			if c.CustomFields == nil {
				c.CustomFields = map[string]string{}
			}
			maps.Copy(c.CustomFields, p.cand.CustomFields)
		case "links":
			c.Links = p.cand.Links
		case "source_contact":
			c.SourceContact = p.cand.SourceContact
		case "resume":
			c.Resume = p.cand.Resume
		case "picture":
			c.Picture = p.cand.Picture
		case "files":
			c.Files = p.cand.Files
		}
	}
	return c
}

// fileView is a file as GET /candidates/{uid}/files lists it.
type fileView struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Size        int64  `json:"size"`
	TimeCreated string `json:"time_created"`
}

func (s *Server) fileView(uid string, i int, f StoredFile) fileView {
	return fileView{Name: f.Name, Size: f.Size, TimeCreated: f.Added.Format(time.RFC3339),
		URL: fmt.Sprintf("%s/files/%s/%d?expires=%d", s.URL, uid, i, f.Added.Add(15*time.Minute).Unix())}
}

// listFiles answers GET /candidates/{uid}/files.
func (s *Server) listFiles(uid string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ans, ok := s.lookupLocked(uid)
	if !ok {
		return ans
	}
	views := []fileView{}
	for i, f := range st.Files {
		views = append(views, s.fileView(uid, i, f))
	}
	return answerJSON(http.StatusOK, views)
}

// addFile answers POST /candidates/{uid}/files with the create's file
// rules: size (403 file_size_limit), type (when checked), and the names
// Options.MaliciousFiles refuses (403 malicious_file).
func (s *Server) addFile(uid string, f *comeet.File) answer {
	switch {
	case strings.TrimSpace(f.Name) == "":
		return answerError(http.StatusBadRequest, comeet.CodeRequiredField, "name is required")
	case s.opts.CheckFileTypes && !slices.Contains(slices.Concat(comeet.ImageTypes, comeet.FileTypes), strings.ToLower(path.Ext(f.Name))):
		return answerError(http.StatusBadRequest, comeet.CodeInvalidFileType, fmt.Sprintf("file %q: file type not allowed", f.Name))
	case f.Size > s.opts.MaxFileSize:
		return answerError(http.StatusForbidden, comeet.CodeFileSizeLimit,
			fmt.Sprintf("file %q is %d bytes, over the limit of %d", f.Name, f.Size, s.opts.MaxFileSize))
	case slices.Contains(s.opts.MaliciousFiles, f.Name):
		return answerError(http.StatusForbidden, comeet.CodeMaliciousFile, "the file was refused by the company's security policy")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ans, ok := s.lookupLocked(uid)
	if !ok {
		return ans
	}
	sf := StoredFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256, Added: s.opts.Now().UTC()}
	st.Files = append(st.Files, sf)
	a := answerJSON(http.StatusCreated, s.fileView(uid, len(st.Files)-1, sf))
	a.uid = st.UID
	return a
}

// Merge merges the candidate from into the candidate into, as a recruiter
// does in Comeet: from then answers 401 duplicate_candidate and leaves the
// lists. It reports whether both exist.
func (s *Server) Merge(from, into string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state.byUID[from]
	if _, ok2 := s.state.byUID[into]; !ok || !ok2 || from == into {
		return false
	}
	st.MergedInto = into
	return true
}

// Delete deletes a candidate: it then answers 404 candidate_not_found and
// is listed only with deleted=true. It reports whether the uid exists.
func (s *Server) Delete(uid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state.byUID[uid]
	if ok {
		st.Deleted = true
	}
	return ok
}

// Files returns the files of a candidate.
func (s *Server) Files(uid string) []StoredFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.state.byUID[uid]; ok {
		return slices.Clone(st.Files)
	}
	return nil
}
