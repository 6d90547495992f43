package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/comeet-import/comeet-import/internal/comeet"
)

// Account names the Comeet account that a ledger's entries were sent to.
// A ledger filled against the sandbox must never make a run against the real
// account skip rows, nor one customer's ledger another's: Open's caller
// binds the ledger to the account before it reads a single entry.
type Account struct {
	// ID is a digest of the base URL and the api key; the key itself is
	// never stored.
	ID string
	// BaseURL is kept, without user information, to say in an error which
	// account it was.
	BaseURL string
}

// AccountOf returns the account for a base URL and an api key. Every
// sandbox on this machine counts as one place, whatever its port: a sandbox
// gets a new port each time it starts.
func AccountOf(baseURL, apiKey string) Account {
	place := baseURL
	if comeet.IsLoopbackURL(baseURL) {
		place = "loopback"
	}
	sum := sha256.Sum256([]byte(place + "\x00" + apiKey))
	return Account{ID: hex.EncodeToString(sum[:16]), BaseURL: baseURL}
}

// ErrOtherAccount is returned by BindAccount when the ledger was filled for
// another account.
var ErrOtherAccount = errors.New("the ledger belongs to another Comeet account")

const (
	metaAccountID  = "account_id"
	metaAccountURL = "account_base_url"
)

// BindAccount ties the ledger to a: the first run stores it, and later runs
// must name the same account, or get ErrOtherAccount. A read-only ledger
// is only checked.
func (l *Ledger) BindAccount(ctx context.Context, a Account) error {
	id, url, err := l.account(ctx)
	if err != nil {
		return fmt.Errorf("read ledger account: %w", err)
	}
	switch {
	case id == a.ID:
		return nil
	case id != "":
		return fmt.Errorf("%w: it was filled against %s with another api key or base URL than this run's (%s); give this run its own --ledger",
			ErrOtherAccount, redactURL(url), redactURL(a.BaseURL))
	case l.readOnly:
		return nil
	}
	_, err = l.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)`,
		metaAccountID, a.ID, metaAccountURL, redactURL(a.BaseURL))
	if err != nil {
		return fmt.Errorf("record ledger account: %w", err)
	}
	return nil
}

func (l *Ledger) account(ctx context.Context) (id, url string, err error) {
	row := l.db.QueryRowContext(ctx, `SELECT
		(SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta WHERE key = ?)`,
		metaAccountID, metaAccountURL)
	var nid, nurl sql.NullString
	if err := row.Scan(&nid, &nurl); err != nil {
		return "", "", err
	}
	return nid.String, nurl.String, nil
}

// redactURL returns raw without user information (a password), for keeping
// or showing a base URL: "https://u:pass@host" becomes "https://host". A
// text that does not parse is cut after its last '@'.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndexByte(raw, '@'); i >= 0 {
			return raw[i+1:]
		}
		return raw
	}
	u.User = nil
	return u.String()
}
