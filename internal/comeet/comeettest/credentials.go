package comeettest

import "github.com/comeet-import/comeet-import/internal/comeet"

// SandboxCredentials returns the sandbox's credentials for a run that gave
// none and whose base URL is on this machine (comeet.IsLoopbackURL), so
// that trying the tool against `comeet-import sandbox` needs no set-up. ok
// is false, and the given ones come back, in every other case: a real
// account never gets the sandbox's.
func SandboxCredentials(baseURL, apiKey, secret string) (key, sec string, ok bool) {
	if apiKey != "" || secret != "" || !comeet.IsLoopbackURL(baseURL) {
		return apiKey, secret, false
	}
	return DefaultAPIKey, DefaultSecret, true
}
