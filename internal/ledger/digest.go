package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"sync"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// The ledger keeps no value of a row: each value sent is kept as a keyed
// digest (HMAC-SHA-256, cut to digestSize bytes, in hex), which tells
// whether it changed and nothing else. The key is drawn at random when the
// ledger is made and kept in its meta table, so a digest means nothing
// outside the file, and a guessed value (a phone number, an id) cannot be
// checked against a digest without the ledger itself.

// metaDigestKey is the meta row holding the key, in hex.
const metaDigestKey = "digest_key"

// digestSize is the bytes of HMAC kept: 128 bits tell a changed value from
// the one sent; nothing relies on them being hard to forge.
const digestSize = 16

// FingerprintVersion is the first byte of every fingerprint that
// Ledger.Fingerprint makes. Version 1 (ledgers before schema 3) was the
// SHA-256 of Sent's JSON; version 2 (schema 3) an unkeyed digest, which
// the migration to schema 4 keyed. A fingerprint of another version cannot
// be compared with a current one, so a re-run treats it as "unknown",
// never as "changed".
const FingerprintVersion = 3

// digester makes the ledger's keyed digests. It keeps HMACs keyed once
// (Reset returns one to its keyed state), since a re-run digests a
// million rows.
type digester struct{ macs *sync.Pool }

func newDigester(key []byte) digester {
	return digester{&sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// newDigestKey draws a key and records it in meta.
func newDigestKey(ctx context.Context, tx *sql.Tx) (digester, error) {
	key := make([]byte, 32)
	rand.Read(key)
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, metaDigestKey, hex.EncodeToString(key))
	if err != nil {
		return digester{}, fmt.Errorf("record the digest key: %w", err)
	}
	return newDigester(key), nil
}

// readKey loads the ledger's digest key.
func (l *Ledger) readKey(ctx context.Context) error {
	var v string
	err := l.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaDigestKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("the ledger has no digest key (damaged meta table)")
	}
	if err != nil {
		return fmt.Errorf("read the digest key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != 32 {
		return errors.New("the ledger's digest key is damaged")
	}
	l.d = newDigester(key)
	return nil
}

func (d digester) sum(parts ...string) []byte {
	m := d.macs.Get().(hash.Hash)
	defer d.macs.Put(m)
	m.Reset()
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		m.Write(binary.AppendUvarint(n[:0], uint64(len(p))))
		io.WriteString(m, p)
	}
	return m.Sum(nil)[:digestSize]
}

// value is the digest of one named value, in hex.
func (d digester) value(name, v string) string { return hex.EncodeToString(d.sum(name, v)) }

// keyFP keys an unkeyed digest of a row (schema 3's fingerprint, after its
// version byte).
func (d digester) keyFP(unkeyed []byte) string {
	return string(append([]byte{FingerprintVersion}, d.sum(string(unkeyed))...))
}

// Digest returns the ledger's keyed digest of a value under a name (a
// field's dotted name, as in Sent.Fields): what the ledger holds in its
// place. Equal values under equal names give equal digests in one ledger.
func (l *Ledger) Digest(name, value string) string { return l.d.value(name, value) }

// Fingerprint is the keyed digest of what would be sent for c, files
// counted by their slot, name, path, size and SHA-256 (so the files must be
// hashed first): FingerprintVersion followed by 16 bytes, as a string of
// bytes (not text). It keys a SHA-256 of the values, streamed in
// eachField's fixed order, each as a uvarint length and its bytes, then
// the files in eachFile's order.
func (l *Ledger) Fingerprint(c *comeet.Candidate) string {
	return l.d.keyFP(unkeyedFingerprint(c))
}

// unkeyedFingerprint is what schema 3 kept as the fingerprint (after its
// version byte 2), which Fingerprint keys.
func unkeyedFingerprint(c *comeet.Candidate) []byte {
	buf := make([]byte, 0, 1024)
	put := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	eachField(c, func(name, value string) {
		put(name)
		put(value)
	})
	eachFile(c, func(slot string, f *comeet.File) {
		put(slot)
		put(f.Name)
		put(f.Path)
		put(strconv.FormatInt(f.Size, 10))
		put(f.SHA256)
	})
	sum := sha256.Sum256(buf)
	return sum[:digestSize]
}

// FingerprintCurrent reports whether fp was made by this version of
// Fingerprint, so that comparing it with a new one means something.
func FingerprintCurrent(fp string) bool {
	return len(fp) == 1+digestSize && fp[0] == FingerprintVersion
}
