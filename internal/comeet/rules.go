package comeet

import (
	"fmt"
	"net/mail"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxFileSize is the largest attachment Comeet takes: "6MB" in the
// reference, read as 6 MiB and counted on the decoded bytes (the base64 on
// the wire is about a third larger).
const DefaultMaxFileSize int64 = 6 << 20

// Comeet answers string_size_limit for a value that is too long but does not
// publish the limits. The defaults below are the common column sizes such a
// backend uses, chosen so that a real value is never refused locally while
// a pasted paragraph in a name cell is; every one is a Rules field.
const (
	// DefaultMaxStringLength bounds every short field (ids, names, email,
	// phones, national id, salary, address parts, source contact, file
	// names, custom field names): 255 characters, the usual VARCHAR size.
	DefaultMaxStringLength = 255
	// DefaultNoteMaxLength bounds free text (note and custom field values),
	// which a backend keeps in a text column: 10,000 characters is about
	// four pages, more than any recruiter's note.
	DefaultNoteMaxLength = 10000
	// DefaultURLMaxLength bounds linkedin_url and each link: 2,048
	// characters, the practical URL limit of browsers and proxies. Links
	// with tracking parameters often pass 255, so they get their own limit.
	DefaultURLMaxLength = 2048
)

// ImageTypes are the image extensions the reference allows for resume,
// picture and files (lower case, with the dot).
var ImageTypes = []string{".jpeg", ".jpg", ".tiff", ".tif", ".png", ".gif", ".bmp", ".jfif", ".ico"}

// FileTypes are the other extensions the reference allows for resume and
// files. An account on Comeet's Enterprise plan can have its own list: set
// Rules.ResumeTypes and Rules.FileTypes.
var FileTypes = []string{
	".xlsx", ".zip", ".pptx", ".msg", ".rar", ".xls", ".csv", ".gsheet", ".xml", ".7z",
	".txt", ".gz", ".gdoc", ".ppsx", ".ppt", ".ics", ".html", ".htm", ".eml", ".dwg",
	".gl", ".cs", ".css", ".py", ".java", ".json", ".mp3", ".mp4", ".psd", ".odt",
	".pem", ".cpp", ".swf", ".apk", ".sql", ".mov", ".dash", ".p7s", ".dat", ".ipynb",
	".pdf", ".doc", ".docx", ".rtf", ".log", ".pages",
}

// StrictResumeTypes is the resume list of a newer revision of the reference;
// set Rules.ResumeTypes to it to apply that reading.
var StrictResumeTypes = []string{".pdf", ".doc", ".docx"}

// ProspectStatuses are the values prospect_status takes, spelled as Comeet
// documents them.
var ProspectStatuses = []string{"Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact"}

// attachmentTypes is what the reference allows in resume and files: images
// and the other types.
var attachmentTypes = slices.Concat(ImageTypes, FileTypes)

// Rules are Comeet's documented field rules, checked before a candidate is
// sent. The zero value applies the defaults; DefaultRules returns them
// spelled out. A negative limit turns that limit off.
type Rules struct {
	// MaxFileSize is the largest attachment in decoded bytes; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// MaxStringLength bounds every short string, in characters (runes);
	// 0 means DefaultMaxStringLength.
	MaxStringLength int
	// NoteMaxLength bounds note and custom field values; 0 means
	// DefaultNoteMaxLength.
	NoteMaxLength int
	// URLMaxLength bounds linkedin_url and links; 0 means DefaultURLMaxLength.
	URLMaxLength int
	// ResumeTypes, FileTypes and PictureTypes are the extensions (with the
	// dot, any case) allowed in resume, files and picture. Empty means the
	// reference's lists: images and other types for resume and files,
	// images for picture.
	ResumeTypes, FileTypes, PictureTypes []string
	// CustomFields are the account's custom field names. Empty means keys
	// are not checked (Comeet still refuses an unknown one).
	CustomFields []string
}

// DefaultRules returns the rules as the reference states them, each
// field filled in so that a caller can adjust one.
func DefaultRules() *Rules {
	return &Rules{
		MaxFileSize:     DefaultMaxFileSize,
		MaxStringLength: DefaultMaxStringLength,
		NoteMaxLength:   DefaultNoteMaxLength,
		URLMaxLength:    DefaultURLMaxLength,
		ResumeTypes:     slices.Clone(attachmentTypes),
		FileTypes:       slices.Clone(attachmentTypes),
		PictureTypes:    slices.Clone(ImageTypes),
	}
}

// ruleLimits are a Rules with the defaults resolved; -1 means no limit.
type ruleLimits struct {
	file               int64
	str, note, url     int
	resume, files, pic []string
	custom             []string
}

func (r *Rules) limits() ruleLimits {
	if r == nil {
		r = &Rules{}
	}
	return ruleLimits{
		file:   limitOrDefault(r.MaxFileSize, DefaultMaxFileSize),
		str:    limitOrDefault(r.MaxStringLength, DefaultMaxStringLength),
		note:   limitOrDefault(r.NoteMaxLength, DefaultNoteMaxLength),
		url:    limitOrDefault(r.URLMaxLength, DefaultURLMaxLength),
		resume: typesOrDefault(r.ResumeTypes, attachmentTypes),
		files:  typesOrDefault(r.FileTypes, attachmentTypes),
		pic:    typesOrDefault(r.PictureTypes, ImageTypes),
		custom: r.CustomFields,
	}
}

func limitOrDefault[T int | int64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return -1
	}
	return v
}

func typesOrDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

// CanonicalProspectStatus returns the documented spelling of a
// prospect_status written in any case, with any run of spaces, tabs,
// underscores or hyphens between words ("not  interested",
// "DO_NOT_CONTACT"). It reports false for anything else.
func CanonicalProspectStatus(s string) (string, bool) {
	for _, want := range ProspectStatuses {
		if s == want {
			return want, true
		}
	}
	for _, want := range ProspectStatuses {
		if looseEqual(s, want) {
			return want, true
		}
	}
	return "", false
}

// looseEqual compares s with canon (single-spaced ASCII) ignoring case,
// surrounding separators and the length of separator runs.
func looseEqual(s, canon string) bool {
	s = strings.TrimFunc(s, isStatusSeparator)
	j := 0
	for i := 0; i < len(s); i++ {
		if isStatusSeparator(rune(s[i])) {
			for i+1 < len(s) && isStatusSeparator(rune(s[i+1])) {
				i++
			}
			if j >= len(canon) || canon[j] != ' ' {
				return false
			}
			j++
			continue
		}
		if j >= len(canon) || lowerASCII(s[i]) != lowerASCII(canon[j]) {
			return false
		}
		j++
	}
	return j == len(canon)
}

func isStatusSeparator(r rune) bool {
	return r == ' ' || r == '\t' || r == '_' || r == '-' || r == '\u00a0'
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// Normalize puts the candidate's values in the form they are checked and
// sent in:
//   - every string is trimmed of white space (including no-break space) and
//     zero-width characters; links left empty are dropped, and a source
//     contact or address left empty becomes nil;
//   - emails (candidate and source contact) are lower-cased, a "mailto:"
//     prefix is removed and "Name <addr>" is reduced to addr;
//   - prospect_status in any case and spacing takes its documented spelling;
//     an unknown value is left for Check to report;
//   - the address country is upper-cased;
//   - a LinkedIn URL or a link written without a scheme
//     ("www.linkedin.com/in/bob", "github.com/bob") gets "https://" when it
//     starts with a host name followed by a path, or with "www.". A bare word
//     with a dot ("john.doe") is left alone: guessing would send a wrong link.
//
// It never invents a value: a field that is empty stays empty.
func (r *Rules) Normalize(c *Candidate) {
	if c == nil {
		return
	}
	for _, p := range []*string{
		&c.PositionUID, &c.PartnerCandidateID, &c.FirstName, &c.MiddleName,
		&c.LastName, &c.Phone, &c.MobilePhone, &c.NationalID,
		&c.SalaryExpectations, &c.Note,
	} {
		*p = trimCell(*p)
	}
	c.Email = normalizeEmail(c.Email)
	c.LinkedInURL = addScheme(trimCell(c.LinkedInURL))
	c.ProspectStatus = trimCell(c.ProspectStatus)
	if s, ok := CanonicalProspectStatus(c.ProspectStatus); ok {
		c.ProspectStatus = s
	}
	normalizeFile(c.Resume)
	normalizeFile(c.Picture)
	for _, f := range c.Files {
		normalizeFile(f)
	}
	c.Links = normalizeLinks(c.Links)
	c.SourceContact = normalizeSourceContact(c.SourceContact)
	c.Address = normalizeAddress(c.Address)
	normalizeCustomFields(c.CustomFields)
}

// TrimCell removes white space and the invisible characters spreadsheets
// leave at the ends of cells (BOM, zero-width space, zero-width joiner and
// non-joiner). It is the one trim of a cell: the mapping trims with it
// too, so the rules and the mapping agree on what an empty cell is.
func TrimCell(s string) string { return trimCell(s) }

func trimCell(s string) string {
	// Nearly every cell starts and ends with a visible ASCII character: it
	// is returned without a scan.
	if s == "" || (isVisibleASCII(s[0]) && isVisibleASCII(s[len(s)-1])) {
		return s
	}
	return strings.TrimFunc(s, isCellSpace)
}

func isVisibleASCII(b byte) bool { return b > ' ' && b < utf8.RuneSelf }

func isCellSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b' || r == '\u200c' || r == '\u200d'
}

func normalizeEmail(s string) string {
	s = trimCell(s)
	for hasPrefixFold(s, "mailto:") {
		s = trimCell(s[len("mailto:"):])
	}
	if strings.ContainsRune(s, '<') {
		if a, err := mail.ParseAddress(s); err == nil {
			s = a.Address
		}
	}
	return strings.ToLower(s)
}

func normalizeFile(f *File) {
	if f == nil {
		return
	}
	f.Path = trimCell(f.Path)
	f.Name = trimCell(f.Name)
}

func normalizeLinks(links []Link) []Link {
	out := links[:0]
	for _, l := range links {
		if l.URL = addScheme(trimCell(l.URL)); l.URL != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func normalizeSourceContact(sc *SourceContact) *SourceContact {
	if sc == nil {
		return nil
	}
	sc.FullName = trimCell(sc.FullName)
	sc.Email = normalizeEmail(sc.Email)
	sc.Phone = trimCell(sc.Phone)
	if *sc == (SourceContact{}) {
		return nil
	}
	return sc
}

func normalizeAddress(a *Address) *Address {
	if a == nil {
		return nil
	}
	a.Country = strings.ToUpper(trimCell(a.Country))
	a.City = trimCell(a.City)
	a.State = trimCell(a.State)
	a.Zip = trimCell(a.Zip)
	a.Street = trimCell(a.Street)
	if *a == (Address{}) {
		return nil
	}
	return a
}

// normalizeCustomFields trims values and keys. A key whose trimmed form is
// already present is left as it is, so no value is lost silently; Check
// reports it when the account's field names are known. Keys are renamed in
// sorted order so that the outcome does not depend on map order.
func normalizeCustomFields(m map[string]string) {
	var rename []string
	for k, v := range m {
		if trimCell(k) != k {
			rename = append(rename, k)
		}
		m[k] = trimCell(v)
	}
	slices.Sort(rename)
	for _, k := range rename {
		if tk := trimCell(k); !hasKey(m, tk) {
			m[tk] = m[k]
			delete(m, k)
		}
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// addScheme prefixes "https://" to a URL written without a scheme when it
// clearly starts with a host name: "www." or "host.tld/...".
func addScheme(s string) string {
	if s == "" || strings.Contains(s, "://") {
		return s
	}
	host, _, hasPath := strings.Cut(s, "/")
	if !validHostname(host) || strings.Count(host, ".") == 0 {
		return s
	}
	if hasPath || hasPrefixFold(host, "www.") {
		return "https://" + s
	}
	return s
}

// Check returns every problem of the candidate, in the order of the fields
// of Candidate, or nil when there is none. Each Problem carries the code
// Comeet documents for the same fault, so a row refused here would have been
// refused by the server. Call Normalize first: Check takes values as they
// will be sent ("interested" and "il" are reported, with a suggestion).
//
// File sizes are checked only once a file is attached (Size known); a File
// with an empty Path is a mapping fault, not a data fault, and is skipped.
// Check does not allocate for a candidate without problems.
func (r *Rules) Check(c *Candidate) []Problem {
	if c == nil {
		return []Problem{{Code: CodeRequiredField, Message: "no candidate"}}
	}
	k := ruleChecker{lim: r.limits()}
	k.required(FieldPositionUID, c.PositionUID)
	k.required(FieldPartnerCandidateID, c.PartnerCandidateID)
	k.required(FieldFirstName, c.FirstName)
	k.short(FieldMiddleName, c.MiddleName)
	k.required(FieldLastName, c.LastName)
	k.email(FieldEmail, c.Email)
	k.short(FieldPhone, c.Phone)
	k.short(FieldMobilePhone, c.MobilePhone)
	k.short(FieldNationalID, c.NationalID)
	k.linkedIn(c.LinkedInURL)
	k.short(FieldSalaryExpectations, c.SalaryExpectations)
	k.prospectStatus(c.ProspectStatus)
	k.file(ruleField{base: FieldResume, i: -1}, c.Resume, k.lim.resume)
	k.file(ruleField{base: FieldPicture, i: -1}, c.Picture, k.lim.pic)
	k.links(c.Links)
	for i, f := range c.Files {
		k.file(ruleField{base: FieldFiles, i: i}, f, k.lim.files)
	}
	k.sourceContact(c.SourceContact)
	k.address(c.Address)
	k.customFields(c.CustomFields)
	k.length(ruleField{base: FieldNote, i: -1}, c.Note, k.lim.note)
	return k.ps
}

// ruleField names a field without building the string until a problem needs
// it: a clean row must not pay for "files[3]".
type ruleField struct {
	base string // "files", "links", "custom_fields", "resume"
	i    int    // index in a list, or -1
	key  string // custom field key
	sub  string // a part of the element: "name"
}

func (f ruleField) String() string {
	s := f.base
	if f.i >= 0 {
		s += "[" + strconv.Itoa(f.i) + "]"
	}
	if f.key != "" {
		s += "." + f.key
	}
	if f.sub != "" {
		s += "." + f.sub
	}
	return s
}

type ruleChecker struct {
	lim ruleLimits
	ps  []Problem
}

// add records a problem of field f: reason is what is wrong and what to do,
// in words that need neither the field's name nor its value (Problem.Reason);
// format and args make the rest of the message after the field's name.
func (k *ruleChecker) add(f ruleField, code, reason, format string, args ...any) {
	name := f.String()
	k.ps = append(k.ps, Problem{Field: name, Code: code, Message: name + " " + fmt.Sprintf(format, args...), Reason: reason})
}

func (k *ruleChecker) required(name, v string) {
	if v == "" {
		k.add(ruleField{base: name, i: -1}, CodeRequiredField, "required: fill it in", "is required")
		return
	}
	k.short(name, v)
}

func (k *ruleChecker) short(name, v string) {
	k.length(ruleField{base: name, i: -1}, v, k.lim.str)
}

// length reports a value longer than limit characters. Comparing bytes
// first skips the rune count for nearly every value.
func (k *ruleChecker) length(f ruleField, v string, limit int) {
	if limit < 0 || len(v) <= limit {
		return
	}
	if n := utf8.RuneCountInString(v); n > limit {
		k.add(f, CodeStringSizeLimit, fmt.Sprintf("%d characters long; the limit is %d: shorten it", n, limit),
			"is %d characters long; the limit is %d", n, limit)
	}
}

func (k *ruleChecker) email(name, v string) {
	if v == "" {
		return
	}
	if !validEmail(v) {
		k.add(ruleField{base: name, i: -1}, CodeInvalidEmail, "not an e-mail address (name@example.com)",
			"%q is not a valid address", clipValue(v))
	}
	k.short(name, v)
}

func (k *ruleChecker) linkedIn(v string) {
	if v == "" {
		return
	}
	if !validLinkedInURL(v) {
		k.add(ruleField{base: FieldLinkedInURL, i: -1}, CodeInvalidLinkedInURL,
			"not a LinkedIn profile URL (https://www.linkedin.com/in/<name>)"+schemeHint(v),
			"%q is not a LinkedIn profile URL (https://www.linkedin.com/in/<name>)%s", clipValue(v), schemeHint(v))
	}
	k.length(ruleField{base: FieldLinkedInURL, i: -1}, v, k.lim.url)
}

func (k *ruleChecker) prospectStatus(v string) {
	if v == "" || slices.Contains(ProspectStatuses, v) {
		return
	}
	hint := ""
	if s, ok := CanonicalProspectStatus(v); ok {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	// Another system's statuses are translated once, in the mapping.
	k.add(ruleField{base: FieldProspectStatus, i: -1}, CodeInvalidProspectStatus,
		"not a Comeet prospect status; use one of "+quotedValues(ProspectStatuses)+hint+
			", or translate it with a value line in the mapping",
		"%q is not one of %s%s", clipValue(v), quotedValues(ProspectStatuses), hint)
}

func (k *ruleChecker) links(links []Link) {
	for i, l := range links {
		f := ruleField{base: FieldLinks, i: i}
		switch {
		case l.URL == "":
			k.add(f, CodeInvalidURL, "an empty link: remove the separator or fill it in", "is empty")
		case !validHTTPURL(l.URL):
			k.add(f, CodeInvalidURL, "not an absolute http(s) URL"+schemeHint(l.URL), "%q is not an absolute http(s) URL%s", clipValue(l.URL), schemeHint(l.URL))
		}
		k.length(f, l.URL, k.lim.url)
	}
}

// file checks one attachment's type and, once attached, its size.
func (k *ruleChecker) file(f ruleField, file *File, allowed []string) {
	if file == nil || file.Path == "" {
		return
	}
	name := file.Name
	if name == "" {
		name = file.Path
	}
	if ext := fileExtension(name); !containsFold(allowed, ext) {
		k.add(f, CodeInvalidFileType, describeExtension(ext)+"; use one of "+CutList(allowed, 12),
			"%q: %s; allowed: %s", clipValue(name), describeExtension(ext), strings.Join(allowed, " "))
	}
	if k.lim.file >= 0 && file.Size > k.lim.file {
		k.add(f, CodeFileSizeLimit, fmt.Sprintf("%d bytes; the limit is %s: use a smaller file", file.Size, formatMiB(k.lim.file)),
			"%q is %d bytes; the limit is %s",
			clipValue(name), file.Size, formatMiB(k.lim.file))
	}
	f.sub = "name"
	k.length(f, file.Name, k.lim.str)
}

func describeExtension(ext string) string {
	if ext == "" {
		return "the name has no extension"
	}
	return fmt.Sprintf("type %q is not allowed here", ext)
}

// formatMiB spells a limit in bytes, with its size in MiB when that is a
// whole number: "6291456 bytes (6 MiB)".
func formatMiB(n int64) string {
	s := strconv.FormatInt(n, 10) + " bytes"
	if n >= 1<<20 && n%(1<<20) == 0 {
		s += " (" + strconv.FormatInt(n>>20, 10) + " MiB)"
	}
	return s
}

func (k *ruleChecker) sourceContact(sc *SourceContact) {
	if sc == nil || *sc == (SourceContact{}) {
		return
	}
	k.required(FieldSourceFullName, sc.FullName)
	if sc.Email == "" {
		k.add(ruleField{base: FieldSourceEmail, i: -1}, CodeRequiredField,
			"required when a source contact is given: fill it in", "is required when a source contact is given")
	}
	k.email(FieldSourceEmail, sc.Email)
	k.short(FieldSourcePhone, sc.Phone)
}

func (k *ruleChecker) address(a *Address) {
	if a == nil {
		return
	}
	if a.Country != "" && !ValidCountry(a.Country) {
		k.add(ruleField{base: FieldCountry, i: -1}, CodeIncorrectCountryCode, countryReason(a.Country),
			"%q is not an ISO 3166-1 alpha-2 country code%s", clipValue(a.Country), countryHint(a.Country))
	}
	k.short(FieldCountry, a.Country)
	k.short(FieldCity, a.City)
	k.short(FieldState, a.State)
	k.short(FieldZip, a.Zip)
	k.short(FieldStreet, a.Street)
}

// countryReason says what is wrong with a country value and what to type:
// the code of the country it names, or of the name it is a typo of.
func countryReason(s string) string {
	if code, ok := CountryCode(s); ok {
		return fmt.Sprintf("a country's name, not its code: type %q (%s)", code, CountryName(code))
	}
	if code, name, ok := NearestCountry(s); ok {
		return fmt.Sprintf("not a country; did you mean %q? type its code %q", name, code)
	}
	return `not a country code: type the country's two letters, e.g. "US", "IL", "GB", or translate it with a value line in the mapping`
}

func countryHint(s string) string {
	code, ok := CountryCode(s)
	if !ok {
		return ""
	}
	return fmt.Sprintf("; did you mean %q (%s)?", code, CountryName(code))
}

// customFields reports unknown keys (when the account's names are known)
// and long values. Map order is random, so the problems found here are
// sorted by field to keep Check's output stable.
func (k *ruleChecker) customFields(m map[string]string) {
	start := len(k.ps)
	for key, v := range m {
		f := ruleField{base: "custom_fields", i: -1, key: key}
		switch {
		case key == "":
			k.add(ruleField{base: "custom_fields", i: -1}, CodeInvalidCustomField,
				"a custom field with an empty name: fix the mapping", "has a field with an empty name")
		case len(k.lim.custom) > 0 && !slices.Contains(k.lim.custom, key):
			k.add(f, CodeInvalidCustomField,
				fmt.Sprintf("%q is not a custom field of this account%s; fix the mapping or --custom-fields", clipValue(key), nearestHint(key, k.lim.custom)),
				"%q is not a custom field of this account%s", clipValue(key), nearestHint(key, k.lim.custom))
		default:
			k.length(f, key, k.lim.str)
		}
		k.length(f, v, k.lim.note)
	}
	if len(k.ps)-start > 1 {
		slices.SortStableFunc(k.ps[start:], func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	}
}

// nearestHint suggests the known name closest to key, if it is close
// enough to be a typo. Names longer than maxHintLength are not compared: the
// distance is quadratic and such a key is not a typo of anything.
func nearestHint(key string, names []string) string {
	const maxHintLength = 100
	if len(key) > maxHintLength {
		return ""
	}
	best, bestD := "", -1
	for _, n := range names {
		if len(n) > maxHintLength {
			continue
		}
		d := EditDistance(strings.ToLower(key), strings.ToLower(n))
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	if bestD < 0 || bestD > max(2, utf8.RuneCountInString(key)/3) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// EditDistance is the optimal string alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of neighbours
// each cost one, so "frist" is one edit from "first". It ranks the "did you
// mean" hints for custom field names here and for field and column names in
// mappings.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// clipValue shortens a value quoted in a message so that a pasted page does not
// become a page-long error.
func clipValue(s string) string {
	const maxRunes = 60
	if len(s) <= maxRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// CutList is the values, space-separated, the list cut after n of them with
// the count of the rest: ".pdf .doc .docx and 40 more".
func CutList(vs []string, n int) string {
	if len(vs) <= n {
		return strings.Join(vs, " ")
	}
	return strings.Join(vs[:n], " ") + fmt.Sprintf(" and %d more", len(vs)-n)
}

func quotedValues(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// schemeHint suggests the https:// form of a URL written without a scheme.
func schemeHint(s string) string {
	if strings.Contains(s, "://") {
		return ""
	}
	if fixed := "https://" + s; validHTTPURL(fixed) {
		return fmt.Sprintf("; did you mean %q?", clipValue(fixed))
	}
	return ""
}

// fileExtension returns the lower-case fileExtension of the last element of a path
// written with / or \ (spreadsheets made on Windows use both).
func fileExtension(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	i := strings.LastIndexByte(p, '.')
	if i <= 0 || i == len(p)-1 {
		return ""
	}
	return p[i:]
}

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, v := range list {
		if len(v) == len(s) && strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// validEmail accepts a plain address, local@domain, the way a server-side
// validator does: the local part is a dot-atom (letters, digits and
// !#$%&'*+-/=?^_`{|}~, dots inside only), the domain a host name with at
// least one dot. Quoted local parts, comments, display names and IP
// literals, which RFC 5322 allows but no recruiter types, are refused.
// Everything accepted here is accepted, unchanged, by net/mail.ParseAddress.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > 254 {
		return false
	}
	return validLocalPart(s[:at]) && validHostname(s[at+1:])
}

func validLocalPart(s string) bool {
	if len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			if !isEmailAtext(byte(r)) {
				return false
			}
		} else if !isWordRune(r) {
			return false
		}
	}
	return true
}

// isEmailAtext reports the ASCII characters of an RFC 5322 dot-atom.
func isEmailAtext(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", b) >= 0
}

// isWordRune accepts the non-ASCII characters of internationalised names:
// letters, digits and combining marks (RFC 6531 addresses, IDN hosts).
func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

// validHostname accepts a DNS name of at least two labels whose last label
// is not all digits (so "1.2.3.4" and "localhost" are not host names here).
// Labels are letters, digits and inner hyphens; non-ASCII letters are
// allowed for internationalised domains.
func validHostname(h string) bool {
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	labels, numericLast := 0, false
	for h != "" {
		label, rest, more := strings.Cut(h, ".")
		if !validLabel(label) || more && rest == "" {
			return false
		}
		labels++
		numericLast = allASCIIDigits(label)
		h = rest
	}
	return labels >= 2 && !numericLast
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		switch {
		case r == '-', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		case r >= utf8.RuneSelf && isWordRune(r):
		default:
			return false
		}
	}
	return true
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validHTTPURL accepts an absolute http or https URL: a host name, IPv4 or
// bracketed IPv6 address, an optional port, then any path, query and
// fragment without white space or control characters and with well-formed
// %XX escapes. Credentials in the authority (user:pass@) are refused: they
// have no place in a candidate's link. Everything accepted here parses with
// net/url.Parse into the same scheme and host.
func validHTTPURL(s string) bool {
	_, _, ok := splitHTTPURL(s)
	return ok
}

// splitHTTPURL returns the host (without port) and what follows the
// authority (path, query, fragment) of a URL validHTTPURL accepts.
func splitHTTPURL(s string) (host, rest string, ok bool) {
	switch {
	case hasPrefixFold(s, "https://"):
		s = s[len("https://"):]
	case hasPrefixFold(s, "http://"):
		s = s[len("http://"):]
	default:
		return "", "", false
	}
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	authority, rest := s[:end], s[end:]
	host, ok = validAuthority(authority)
	return host, rest, ok && validURLTail(rest)
}

func validAuthority(a string) (string, bool) {
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "", false
		}
		host, port = a[1:end], a[end+1:]
		if !validIPv6(host) {
			return "", false
		}
	} else {
		if i := strings.LastIndexByte(a, ':'); i >= 0 {
			host, port = a[:i], a[i:]
		}
		if !validHostname(host) && !validIPv4(host) {
			return "", false
		}
	}
	return host, port == "" || validURLPort(port)
}

func validIPv4(h string) bool {
	if strings.Count(h, ".") != 3 {
		return false
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Is4()
}

func validIPv6(h string) bool {
	if strings.ContainsAny(h, "%.") { // no zones, no embedded IPv4
		return false
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Is6()
}

func validURLPort(p string) bool {
	if len(p) < 2 || len(p) > 6 || p[0] != ':' || !allASCIIDigits(p[1:]) {
		return false
	}
	n, err := strconv.Atoi(p[1:])
	return err == nil && n > 0 && n <= 65535
}

// validURLTail checks the path, query and fragment of a URL.
func validURLTail(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b <= ' ' || b == 0x7f || b == '\\':
			return false
		case b == '%':
			if i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
				return false
			}
		case b >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
				return false
			}
			i += size - 1
		}
	}
	return true
}

func isHexDigit(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// validLinkedInURL accepts an http(s) URL on linkedin.com or one of its
// subdomains (www., il., m., ...) whose path names a person's profile:
// /in/<name>, /pub/<name>... or the older /profile/view?id=....
func validLinkedInURL(s string) bool {
	host, rest, ok := splitHTTPURL(s)
	if !ok || !(strings.EqualFold(host, "linkedin.com") || hasSuffixFold(host, ".linkedin.com")) {
		return false
	}
	path, query := rest, ""
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		path, query = rest[:i], rest[i:]
	}
	for _, prefix := range []string{"/in/", "/pub/"} {
		if hasPrefixFold(path, prefix) {
			name, _, _ := strings.Cut(path[len(prefix):], "/")
			return name != ""
		}
	}
	return strings.EqualFold(strings.TrimSuffix(path, "/"), "/profile/view") && strings.Contains(query, "id=")
}
