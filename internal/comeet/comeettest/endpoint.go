package comeettest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// endpointKind is which of the served paths a request is for.
type endpointKind int

const (
	epNone       endpointKind = iota
	epCandidates              // /candidates
	epCandidate               // /candidates/{uid}
	epFiles                   // /candidates/{uid}/files
	epPositions               // /positions
	epPosition                // /positions/{uid}
)

type endpoint struct {
	kind endpointKind
	uid  string
}

// endpointOf parses a request path.
func endpointOf(path string) endpoint {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	switch {
	case len(parts) == 1 && parts[0] == "candidates" && path == "/candidates":
		return endpoint{kind: epCandidates}
	case len(parts) == 2 && parts[0] == "candidates" && parts[1] != "":
		return endpoint{kind: epCandidate, uid: parts[1]}
	case len(parts) == 3 && parts[0] == "candidates" && parts[1] != "" && parts[2] == "files":
		return endpoint{kind: epFiles, uid: parts[1]}
	case len(parts) == 1 && parts[0] == "positions" && path == "/positions":
		return endpoint{kind: epPositions}
	case len(parts) == 2 && parts[0] == "positions" && parts[1] != "":
		return endpoint{kind: epPosition, uid: parts[1]}
	}
	return endpoint{}
}

func (e endpoint) methods() []string {
	switch e.kind {
	case epCandidates, epFiles:
		return []string{http.MethodGet, http.MethodPost}
	case epCandidate:
		return []string{http.MethodGet, http.MethodPatch}
	case epPositions, epPosition:
		return []string{http.MethodGet}
	}
	return nil
}

func (e endpoint) allows(method string) bool { return slices.Contains(e.methods(), method) }

// input is a request body decoded for its endpoint.
type input struct {
	cand  *comeet.Candidate // POST /candidates
	patch *patchBody        // PATCH /candidates/{uid}
	file  *comeet.File      // POST /candidates/{uid}/files
	err   error
}

// patchBody is a decoded PATCH: the values in cand, the keys that were
// present, and those the field list does not allow.
type patchBody struct {
	cand      comeet.Candidate
	keys      []string
	refused   []string
	updatedBy map[string]string
}

// readBody decodes the body the endpoint takes and drains any other.
func (s *Server) readBody(r *http.Request, ep endpoint) input {
	r.Body = http.MaxBytesReader(nil, r.Body, s.opts.MaxBodySize)
	defer drain(r)
	d := newDecoder(r.Body)
	var in input
	switch {
	case ep.kind == epCandidates && r.Method == http.MethodPost:
		in.cand, in.err = d.candidate()
	case ep.kind == epCandidate && r.Method == http.MethodPatch:
		in.patch, in.err = d.patch(s.patchFields())
	case ep.kind == epFiles && r.Method == http.MethodPost:
		in.file, in.err = d.file()
		if in.err == nil {
			in.err = d.atEnd()
		}
		if in.err == nil && in.file == nil {
			in.err = d.fail("the body is null, want {name, file}")
		}
	}
	return in
}

func (s *Server) patchFields() []string {
	if s.opts.WidePatch {
		return comeet.WidePatchFields
	}
	return comeet.NarrowPatchFields
}

// patch reads a PATCH body: the allowed fields into a Candidate, updated_by
// aside, any other key noted as refused.
func (d *decoder) patch(allowed []string) (*patchBody, error) {
	p := &patchBody{}
	err := d.object(func(key string) error {
		switch {
		case key == "updated_by":
			p.updatedBy = map[string]string{}
			fields := map[string]*string{}
			for _, k := range []string{"type", "name", "email"} {
				v := new(string)
				fields[k] = v
				defer func() { p.updatedBy[k] = *v }()
			}
			return d.object(func(k string) error { return d.stringField(k, fields) })
		case slices.Contains(allowed, key):
			p.keys = append(p.keys, key)
			return d.candidateField(&p.cand, key)
		}
		p.refused = append(p.refused, key)
		return d.skip(1)
	})
	if err != nil {
		return nil, err
	}
	return p, d.atEnd()
}
