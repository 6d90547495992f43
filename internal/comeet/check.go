package comeet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Causes a CheckError names: what is most likely wrong.
const (
	CauseNetwork     = "network"     // the server could not be reached
	CauseTLS         = "tls"         // the server's certificate was refused
	CauseURL         = "url"         // something answered, but not Comeet's API
	CauseAPIKey      = "api_key"     // Comeet does not know the api key
	CauseSecret      = "secret"      // the token's signature was refused
	CauseCredentials = "credentials" // refused; key or secret, Comeet did not say which
	CauseClock       = "clock"       // a fresh token was refused as expired
	CauseThrottled   = "throttled"   // the request budget is spent
	CauseServer      = "server"      // Comeet answered with a server error
	CauseUnexpected  = "unexpected"  // an answer none of the above explains
)

var causeHints = map[string]string{
	CauseNetwork:     "cannot reach the server (network, proxy or firewall)",
	CauseTLS:         "the server's TLS certificate was refused",
	CauseURL:         "the base URL does not answer like Comeet's API",
	CauseAPIKey:      "the api key is not known to Comeet",
	CauseSecret:      "the token signature was refused: check the partner secret",
	CauseCredentials: "the credentials were refused: check the api key and the secret",
	CauseClock:       "a fresh token was refused as expired, or the server's clock is far from this machine's: check this machine's clock",
	CauseThrottled:   "the request budget is spent: try again in a minute",
	CauseServer:      "Comeet answered with a server error: try again later",
	CauseUnexpected:  "unexpected answer",
}

// CheckError is why Client.Check failed: Cause names the likely culprit (one
// of the Cause constants) and Err is the failure itself (an *APIError when
// the server answered).
type CheckError struct {
	Cause string
	Err   error
}

func (e *CheckError) Error() string {
	return "check connection: " + causeHints[e.Cause] + ": " + e.Err.Error()
}

func (e *CheckError) Unwrap() error { return e.Err }

// Check makes one harmless request (a list of the candidates created from
// now on, which is empty) to prove the URL, the network and the credentials.
// It waits for the limiter like any request and does not retry. The error,
// a *CheckError, says which of them is wrong as far as the answer tells.
func (c *Client) Check(ctx context.Context) error {
	query := "time_created:after=" + url.QueryEscape(c.now().UTC().Format(time.RFC3339))
	var reply Reply
	res, err := c.attempt(ctx, http.MethodGet, "/candidates", query, nil, &reply, nil)
	if err != nil {
		return err
	}
	switch {
	case res.err != nil:
		return &CheckError{Cause: transportCause(res.err), Err: res.err}
	case res.apiErr != nil:
		return &CheckError{Cause: answerCause(res.apiErr), Err: res.apiErr}
	case !json.Valid(res.data) || !startsJSONContainer(res.data):
		e := &APIError{Status: res.status, Body: excerpt(res.data)}
		return &CheckError{Cause: CauseURL, Err: e}
	}
	return nil
}

func startsJSONContainer(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) > 0 && (data[0] == '[' || data[0] == '{')
}

// transportCause classifies a request that got no answer.
func transportCause(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return CauseURL
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr):
		return CauseTLS
	}
	return CauseNetwork
}

// answerCause names the likely culprit of a non-2xx answer: the code of a
// refused token says which credential, and otherwise the answer's Kind.
func answerCause(e *APIError) string {
	switch e.Code {
	case CodeUnknownAPIKey:
		return CauseAPIKey
	case CodeInvalidSignature:
		return CauseSecret
	case CodeTokenExpired:
		return CauseClock
	}
	if e.ClockSkew != 0 && e.Status == http.StatusUnauthorized {
		return CauseClock
	}
	if e.Status == http.StatusNotFound {
		// The check's request names no id, so a 404, whatever its code
		// (KindInvalid for "unknown id"), says the path is not the API's.
		return CauseURL
	}
	switch e.Kind() {
	case KindAuth, KindForbidden:
		return CauseCredentials
	case KindThrottled:
		return CauseThrottled
	case KindTransient:
		return CauseServer
	case KindNoEndpoint:
		return CauseURL
	}
	return CauseUnexpected
}
