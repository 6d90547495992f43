package comeet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxPages bounds how many next_page links one list call follows.
const maxPages = 1000

// Record is a candidate as GET /candidates answers it: what a create
// answers, plus the fields Comeet reads back. Not every field sent can be
// read back.
type Record struct {
	Created
	PartnerCandidateID string            `json:"partner_candidate_id,omitempty"`
	FirstName          string            `json:"first_name,omitempty"`
	MiddleName         string            `json:"middle_name,omitempty"`
	LastName           string            `json:"last_name,omitempty"`
	Email              string            `json:"email,omitempty"`
	Phone              string            `json:"phone,omitempty"`
	MobilePhone        string            `json:"mobile_phone,omitempty"`
	NationalID         string            `json:"national_id,omitempty"`
	LinkedInURL        string            `json:"linkedin_url,omitempty"`
	ProspectStatus     string            `json:"prospect_status,omitempty"`
	Address            *Address          `json:"address,omitempty"`
	CustomFields       map[string]string `json:"custom_fields,omitempty"`
}

// ReadBackFields are the API fields a Record reads back; the others
// (salary_expectations, links, source_contact, note and the files) can be
// sent but not read.
var ReadBackFields = []string{
	"partner_candidate_id", "first_name", "middle_name", "last_name", "email", "phone",
	"mobile_phone", "national_id", "linkedin_url", "prospect_status", "address", "custom_fields",
}

// Candidate is the record as a Candidate, with the fields it reads back
// (ReadBackFields) and its position.
func (r *Record) Candidate() Candidate {
	return Candidate{
		PositionUID: r.PositionUID, PartnerCandidateID: r.PartnerCandidateID,
		FirstName: r.FirstName, MiddleName: r.MiddleName, LastName: r.LastName,
		Email: r.Email, Phone: r.Phone, MobilePhone: r.MobilePhone, NationalID: r.NationalID,
		LinkedInURL: r.LinkedInURL, ProspectStatus: r.ProspectStatus,
		Address: r.Address, CustomFields: r.CustomFields,
	}
}

// FileInfo is one file of a candidate as GET /candidates/{uid}/files lists
// it; URL is valid for 15 minutes. Size is 0 when the answer does not say
// (Comeet's reference does not list it).
type FileInfo struct {
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Size        int64  `json:"size,omitempty"`
	TimeCreated string `json:"time_created,omitempty"`
}

// Position statuses, as the fake answers them; Comeet's capitalisation is
// not documented, so compare with strings.EqualFold.
const (
	PositionOpen   = "open"
	PositionClosed = "closed"
	PositionOnHold = "on hold"
)

// Position is a position the integration may see.
type Position struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Status string `json:"status,omitempty"`
}

// Open reports whether the position takes candidates.
func (p Position) Open() bool { return strings.EqualFold(p.Status, PositionOpen) }

// CandidateFilter selects candidates by time and status for
// ListCandidates; zero values are left out.
type CandidateFilter struct {
	CreatedAfter, CreatedBefore             time.Time
	StatusChangedAfter, StatusChangedBefore time.Time
	Status                                  string
	Deleted                                 bool // include deleted candidates
}

func (f CandidateFilter) query() string {
	q := url.Values{}
	for key, t := range map[string]time.Time{
		"time_created:after": f.CreatedAfter, "time_created:before": f.CreatedBefore,
		"time_last_status_change:after": f.StatusChangedAfter, "time_last_status_change:before": f.StatusChangedBefore,
	} {
		if !t.IsZero() {
			q.Set(key, t.UTC().Format(time.RFC3339))
		}
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.Deleted {
		q.Set("deleted", "true")
	}
	return q.Encode()
}

// PositionFilter selects positions for ListPositions; Status "" lists all.
type PositionFilter struct {
	Status string
}

// UpdateCandidate sends PATCH /candidates/{uid} with only the fields the
// patch sets (and its updated_by). A field outside the configured list
// (Config.PatchFields, NarrowPatchFields by default) is refused before
// anything is sent, with a *PatchFieldError. An unknown uid is an APIError
// with CodeCandidateNotFound, a merged candidate one with
// CodeDuplicateCandidate. The answer's candidate is in Reply.Created (nil
// for a 204); a 2xx that is neither is an *UncertainError, and since a
// PATCH applied twice is applied once, the caller may send it again.
func (c *Client) UpdateCandidate(ctx context.Context, uid string, p *Patch) (Reply, error) {
	const op = "update candidate"
	var reply Reply
	path, err := candidatePath(uid, "")
	if err == nil && p == nil {
		err = ErrEmptyPatch
	}
	if err == nil {
		err = p.check(c.patchFields)
	}
	if err != nil {
		return reply, fmt.Errorf("%s: %w", op, err)
	}
	b, err := p.body()
	if err != nil {
		return reply, fmt.Errorf("%s: %w", op, err)
	}
	res, err := c.do(ctx, request{op: op, method: http.MethodPatch, path: path, body: b}, &reply)
	if err != nil {
		return reply, err
	}
	if res.status == http.StatusNoContent && len(bytes.TrimSpace(res.data)) == 0 {
		return reply, nil
	}
	reply.Created, err = decodeCandidate(res.status, res.resp.Header, res.data)
	if err != nil {
		return reply, fmt.Errorf("%s: %w", op, err)
	}
	return reply, nil
}

// AddFile sends POST /candidates/{uid}/files with {name, file}, the bytes
// streamed as base64 like a create's. Nothing on Comeet's side notices a
// file sent twice, so after a failure it is sent again only when the answer
// proves it was not taken (a 429, a refused token, no connection); a 5xx or
// a timeout is returned, and ListFiles tells whether it arrived. A 403
// file_size_limit or malicious_file is an APIError like a create's. A 2xx
// that is neither JSON nor a 204 is an *UncertainError.
func (c *Client) AddFile(ctx context.Context, uid string, f *File) (Reply, error) {
	const op = "add file"
	var reply Reply
	path, err := candidatePath(uid, "/files")
	if err == nil && f == nil {
		err = errors.New("nil file")
	}
	if err != nil {
		return reply, fmt.Errorf("%s: %w", op, err)
	}
	var e encoder
	e.file(f)
	b, err := e.finish()
	if err != nil {
		return reply, fmt.Errorf("%s: %w", op, err)
	}
	res, err := c.do(ctx, request{op: op, method: http.MethodPost, path: path, body: b, once: true}, &reply)
	if err != nil {
		return reply, err
	}
	data := bytes.TrimSpace(res.data)
	if (res.status == http.StatusNoContent && len(data) == 0) || (startsJSONContainer(data) && json.Valid(data)) {
		return reply, nil
	}
	reason := "not with JSON"
	if len(data) == 0 {
		reason = "with an empty body"
	}
	return reply, fmt.Errorf("%s: %w", op, &UncertainError{Status: res.status,
		ContentType: res.resp.Header.Get("Content-Type"), Reason: reason, Body: excerpt(data)})
}

// ListFiles reads GET /candidates/{uid}/files.
func (c *Client) ListFiles(ctx context.Context, uid string) ([]FileInfo, Reply, error) {
	var reply Reply
	path, err := candidatePath(uid, "/files")
	if err != nil {
		return nil, reply, fmt.Errorf("list files: %w", err)
	}
	files, err := list[FileInfo](ctx, c, "list files", path, "", "files", &reply)
	return files, reply, err
}

// GetCandidate reads GET /candidates/{uid}. A candidate merged into another
// answers an APIError with CodeDuplicateCandidate (a 401 that is not about
// the credentials); an unknown or deleted one CodeCandidateNotFound.
func (c *Client) GetCandidate(ctx context.Context, uid string) (*Record, Reply, error) {
	var reply Reply
	path, err := candidatePath(uid, "")
	if err != nil {
		return nil, reply, fmt.Errorf("get candidate: %w", err)
	}
	var rec Record
	if err := c.get(ctx, "get candidate", path, &rec, &reply); err != nil {
		return nil, reply, err
	}
	if rec.UID == "" {
		return nil, reply, fmt.Errorf("get candidate: %w: no uid", ErrUnreadableAnswer)
	}
	return &rec, reply, nil
}

// ListCandidates reads GET /candidates with the filter, following the
// next_page links the answers carry, if any, on the same host.
func (c *Client) ListCandidates(ctx context.Context, f CandidateFilter) ([]Record, Reply, error) {
	var reply Reply
	recs, err := list[Record](ctx, c, "list candidates", "/candidates", f.query(), "candidates", &reply)
	return recs, reply, err
}

// ListPositions reads GET /positions: the positions the account's admin
// lets the integration see, with the status asked for ("" for all).
func (c *Client) ListPositions(ctx context.Context, f PositionFilter) ([]Position, Reply, error) {
	var reply Reply
	query := ""
	if f.Status != "" {
		query = url.Values{"status": {f.Status}}.Encode()
	}
	ps, err := list[Position](ctx, c, "list positions", "/positions", query, "positions", &reply)
	return ps, reply, err
}

// GetPosition reads GET /positions/{uid}; an unknown or hidden position is
// an APIError (404 position_not_found).
func (c *Client) GetPosition(ctx context.Context, uid string) (*Position, Reply, error) {
	var reply Reply
	if strings.TrimSpace(uid) == "" {
		return nil, reply, errors.New("get position: empty uid")
	}
	var p Position
	if err := c.get(ctx, "get position", "/positions/"+url.PathEscape(uid), &p, &reply); err != nil {
		return nil, reply, err
	}
	if p.UID == "" {
		return nil, reply, fmt.Errorf("get position: %w: no uid", ErrUnreadableAnswer)
	}
	return &p, reply, nil
}

func candidatePath(uid, suffix string) (string, error) {
	if strings.TrimSpace(uid) == "" {
		return "", errors.New("empty candidate uid")
	}
	return "/candidates/" + url.PathEscape(uid) + suffix, nil
}

// get reads one JSON object into v.
func (c *Client) get(ctx context.Context, op, path string, v any, reply *Reply) error {
	res, err := c.do(ctx, request{op: op, method: http.MethodGet, path: path}, reply)
	if err != nil {
		return err
	}
	data := bytes.TrimSpace(res.data)
	if len(data) == 0 || data[0] != '{' || json.Unmarshal(data, v) != nil {
		return fmt.Errorf("%s: %w: %d %q", op, ErrUnreadableAnswer, res.status, excerpt(data))
	}
	return nil
}

// list reads every page of a list: an answer is a JSON array (the whole
// list), or an object holding the items under key (or "data", or "items")
// and a next_page link when more follow.
func list[T any](ctx context.Context, c *Client, op, path, query, key string, reply *Reply) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	for range maxPages {
		res, err := c.do(ctx, request{op: op, method: http.MethodGet, path: path, query: query}, reply)
		if err != nil {
			return all, err
		}
		items, next, err := decodePage[T](res.data, key)
		if err != nil {
			return all, fmt.Errorf("%s: %w", op, err)
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		seen[path+"?"+query] = true
		if path, query, err = c.nextPage(next); err != nil {
			return all, fmt.Errorf("%s: %w", op, err)
		}
		if seen[path+"?"+query] {
			return all, fmt.Errorf("%s: next_page %q points back to a page already read", op, next)
		}
	}
	return all, fmt.Errorf("%s: more than %d pages", op, maxPages)
}

func decodePage[T any](data []byte, key string) ([]T, string, error) {
	data = bytes.TrimSpace(data)
	var items []T
	if len(data) > 0 && data[0] == '[' {
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrUnreadableAnswer, err)
		}
		return items, "", nil
	}
	var obj map[string]json.RawMessage
	if len(data) == 0 || data[0] != '{' || json.Unmarshal(data, &obj) != nil {
		return nil, "", fmt.Errorf("%w: %q", ErrUnreadableAnswer, excerpt(data))
	}
	for _, k := range []string{key, "data", "items"} {
		if raw, ok := obj[k]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, "", fmt.Errorf("%w: %s: %v", ErrUnreadableAnswer, k, err)
			}
			break
		}
	}
	var next string
	if raw, ok := obj["next_page"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &next); err != nil {
			return nil, "", fmt.Errorf("%w: next_page is not a string", ErrUnreadableAnswer)
		}
	}
	return items, next, nil
}

// nextPage turns a next_page link into a path and query under the base
// URL. A link to another host, another scheme or outside the base path is
// refused: it would receive the token.
func (c *Client) nextPage(link string) (path, query string, err error) {
	base, err := url.Parse(c.endpoint + "/")
	if err != nil {
		return "", "", err
	}
	u, err := base.Parse(link)
	if err != nil {
		return "", "", fmt.Errorf("next_page %q: %w", link, err)
	}
	prefix := strings.TrimSuffix(base.EscapedPath(), "/")
	if u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) || u.User != nil ||
		!strings.HasPrefix(u.EscapedPath(), prefix+"/") {
		return "", "", fmt.Errorf("next_page %q is not under %s: not followed", u.Redacted(), c.endpoint)
	}
	return strings.TrimPrefix(u.EscapedPath(), prefix), u.RawQuery, nil
}
