package ledger

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// The fields and files records are small binary encodings, a fraction of
// the JSON they replace (schema version 3):
//
//	fields:  a flags byte (schema 3's key flags; rawDigests), uvarint count,
//	         then per field: a code byte (the name's index in fieldNames plus
//	         one, or 0 followed by the name as a string) and the value's keyed
//	         digest: digestSize raw bytes with rawDigests, else a string
//	         (schema 3: the value itself).
//	files:   uvarint count, then per file: slot, the name's and the path's
//	         keyed digests (schema 3: name and path) as strings,
//	         uvarint size, varint mtime (Unix nanoseconds, 0 unknown) and
//	         the digest: a byte 0 (none), 1 (32 raw bytes of a lower-case
//	         hex SHA-256) or 2 (the text as a string).
//
// A string is a uvarint length and its bytes.

var errCorrupt = errors.New("corrupt record")

type encoder struct{ b []byte }

func (e *encoder) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }
func (e *encoder) int(n int64)   { e.b = binary.AppendVarint(e.b, n) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	n, k := binary.Uvarint(d.b)
	d.advance(k)
	return n
}

func (d *decoder) int() int64 {
	n, k := binary.Varint(d.b)
	d.advance(k)
	return n
}

// advance moves past a varint of k bytes; k <= 0 (binary's "too short" or
// "overflow") marks the record corrupt and leaves nothing to read. The
// value decoded alongside is then 0.
func (d *decoder) advance(k int) {
	if k <= 0 {
		d.err = errCorrupt
		d.b = nil
		return
	}
	d.b = d.b[k:]
}

func (d *decoder) bytes(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		d.b = nil
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) str() string { return string(d.bytes(d.uint())) }

func (d *decoder) byte() byte {
	if b := d.bytes(1); len(b) == 1 {
		return b[0]
	}
	return 0
}

// count reads a count, refusing one larger than the bytes left could hold.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

// Key flags of the fields record: the key's fields were sent with the
// key's values, and are left out of the record. Only schema 3 set them:
// schema 4 keeps no field of the key in the record (Ledger.SentOf).
const (
	keyPosition = 1 << iota
	keyPartnerID
	// rawDigests: every value is a digest (Ledger.Digest), kept as its
	// digestSize raw bytes instead of a string of hex (schema 5).
	rawDigests = 0x80
)

func encodeFields(fields map[string]string) []byte {
	if fields == nil {
		return nil
	}
	var flags byte
	if allDigests(fields) {
		flags = rawDigests
	}
	e := encoder{b: []byte{flags}}
	e.uint(uint64(len(fields)))
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if c, ok := fieldCodes[k]; ok {
			e.b = append(e.b, c)
		} else {
			e.b = append(e.b, 0)
			e.str(k)
		}
		if flags == rawDigests {
			e.b, _ = hex.AppendDecode(e.b, []byte(fields[k])) // allDigests checked it
		} else {
			e.str(fields[k])
		}
	}
	return e.b
}

// allDigests reports whether every value is a digest in lower-case hex,
// which the record then keeps as its raw bytes.
func allDigests(fields map[string]string) bool {
	for _, v := range fields {
		if len(v) != 2*digestSize || strings.ToLower(v) != v {
			return false
		}
		if _, err := hex.DecodeString(v); err != nil {
			return false
		}
	}
	return true
}

func decodeFields(b []byte, key comeet.Key) (map[string]string, error) {
	if b == nil {
		return nil, nil
	}
	d := decoder{b: b}
	flags := d.byte()
	n := d.count()
	fields := make(map[string]string, n+2)
	if flags&keyPosition != 0 {
		fields["position_uid"] = key.PositionUID
	}
	if flags&keyPartnerID != 0 {
		fields["partner_candidate_id"] = key.PartnerCandidateID
	}
	for range n {
		var name string
		switch c := d.byte(); {
		case c == 0:
			name = d.str()
		case int(c) <= len(fieldNames):
			name = fieldNames[c-1]
		default:
			return nil, fmt.Errorf("fields: unknown name code %d", c)
		}
		if flags&rawDigests != 0 {
			fields[name] = hex.EncodeToString(d.bytes(digestSize))
		} else {
			fields[name] = d.str()
		}
	}
	if d.err != nil || len(d.b) > 0 {
		return nil, fmt.Errorf("fields: %w", errCorrupt)
	}
	return fields, nil
}

const (
	digestNone = 0
	digestRaw  = 1
	digestText = 2
)

func encodeFiles(files []SentFile) []byte {
	if len(files) == 0 {
		return nil
	}
	var e encoder
	e.uint(uint64(len(files)))
	for _, f := range files {
		e.str(f.Slot)
		e.str(f.Name)
		e.str(f.Path)
		e.uint(uint64(max(f.Size, 0)))
		e.int(f.ModTime)
		raw, err := hex.DecodeString(f.SHA256)
		switch {
		case f.SHA256 == "":
			e.b = append(e.b, digestNone)
		case err == nil && len(raw) == 32 && hex.EncodeToString(raw) == f.SHA256:
			e.b = append(e.b, digestRaw)
			e.b = append(e.b, raw...)
		default:
			e.b = append(e.b, digestText)
			e.str(f.SHA256)
		}
	}
	return e.b
}

func decodeFiles(b []byte) ([]SentFile, error) {
	if b == nil {
		return nil, nil
	}
	d := decoder{b: b}
	n := d.count()
	files := make([]SentFile, 0, n)
	for range n {
		f := SentFile{Slot: d.str(), Name: d.str(), Path: d.str()}
		f.Size = int64(d.uint())
		f.ModTime = d.int()
		switch d.byte() {
		case digestNone:
		case digestRaw:
			f.SHA256 = hex.EncodeToString(d.bytes(32))
		case digestText:
			f.SHA256 = d.str()
		default:
			return nil, fmt.Errorf("files: %w", errCorrupt)
		}
		files = append(files, f)
	}
	if d.err != nil || len(d.b) > 0 {
		return nil, fmt.Errorf("files: %w", errCorrupt)
	}
	return files, nil
}

// Flags of the response record: what was left out because another column
// holds it. Schema 4 never keeps the source contact (noContact): it is
// personal data, and nothing reads it back.
const (
	sameUID      = 1 << iota // the uid is candidate_uid
	samePosition             // the position is the key's
	sameContact              // the source contact is the one sent (schema 3)
	sameTime                 // time_last_status_changed is time_created
	noContact                // no source contact kept
)

// encodeResponse returns the response record of r: a flags byte, then
// uid and position_uid (each left out when a flag says another column
// holds it), time_created, time_last_status_changed, status, and the
// current then the completed steps, each list a uvarint count of (name,
// type, time_scheduled, time_completed). nil (SQL NULL) for no answer.
// (Schema 3 also kept the source contact's full name, email and phone
// after position_uid.)
func encodeResponse(r *comeet.Created, candidateUID string, key comeet.Key) any {
	if r == nil {
		return nil
	}
	flags := byte(noContact)
	if r.UID == candidateUID {
		flags |= sameUID
	}
	if r.PositionUID == key.PositionUID {
		flags |= samePosition
	}
	if r.TimeLastStatusChanged == r.TimeCreated {
		flags |= sameTime
	}
	e := encoder{b: []byte{flags}}
	if flags&sameUID == 0 {
		e.str(r.UID)
	}
	if flags&samePosition == 0 {
		e.str(r.PositionUID)
	}
	e.str(r.TimeCreated)
	if flags&sameTime == 0 {
		e.str(r.TimeLastStatusChanged)
	}
	e.str(r.Status)
	for _, steps := range [][]comeet.Step{r.CurrentSteps, r.CompletedSteps} {
		e.uint(uint64(len(steps)))
		for _, st := range steps {
			e.str(st.Name)
			e.str(st.Type)
			e.str(st.TimeScheduled)
			e.str(st.TimeCompleted)
		}
	}
	return e.b
}

func decodeResponse(b []byte, candidateUID string, key comeet.Key, fields map[string]string) (*comeet.Created, error) {
	if b == nil {
		return nil, nil
	}
	d := decoder{b: b}
	flags := d.byte()
	r := &comeet.Created{UID: candidateUID, PositionUID: key.PositionUID}
	if flags&sameUID == 0 {
		r.UID = d.str()
	}
	if flags&samePosition == 0 {
		r.PositionUID = d.str()
	}
	switch {
	case flags&noContact != 0:
	case flags&sameContact != 0:
		sc := sentContact(fields)
		r.SourceContact = &sc
	default:
		r.SourceContact = &comeet.SourceContact{FullName: d.str(), Email: d.str(), Phone: d.str()}
	}
	r.TimeCreated = d.str()
	r.TimeLastStatusChanged = r.TimeCreated
	if flags&sameTime == 0 {
		r.TimeLastStatusChanged = d.str()
	}
	r.Status = d.str()
	for _, steps := range []*[]comeet.Step{&r.CurrentSteps, &r.CompletedSteps} {
		n := d.count()
		for range n {
			*steps = append(*steps, comeet.Step{Name: d.str(), Type: d.str(), TimeScheduled: d.str(), TimeCompleted: d.str()})
		}
	}
	if d.err != nil || len(d.b) > 0 {
		return nil, fmt.Errorf("response: %w", errCorrupt)
	}
	return r, nil
}

func sentContact(fields map[string]string) comeet.SourceContact {
	return comeet.SourceContact{
		FullName: fields["source_contact.full_name"],
		Email:    fields["source_contact.email"],
		Phone:    fields["source_contact.phone"],
	}
}

// encodeDoubt is d as its two columns, each NULL when empty: the fields
// as a fields record, the files as a files record.
func encodeDoubt(d Doubt) (fields, files any) {
	if len(d.Fields) > 0 {
		fields = encodeFields(d.Fields)
	}
	if len(d.Files) > 0 {
		files = encodeFiles(d.Files)
	}
	return fields, files
}

func decodeDoubt(fields, files []byte) (d Doubt, err error) {
	if d.Fields, err = decodeFields(fields, comeet.Key{}); err == nil {
		d.Files, err = decodeFiles(files)
	}
	if err != nil {
		return Doubt{}, fmt.Errorf("doubt: %w", err)
	}
	return d, nil
}
