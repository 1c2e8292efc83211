package keys

import (
	"errors"
	"runtime"
)

// Errors a Keyring or the Resolver returns, wrapped with %w; test them
// with errors.Is.
var (
	// ErrNotFound is a keyring that answered and holds no key.
	ErrNotFound = errors.New("no API key is stored in the keyring")
	// ErrUnavailable is a keyring that cannot be used: no D-Bus session, no
	// Secret Service, a locked collection. The cause is wrapped too.
	ErrUnavailable = errors.New("the OS keyring is not available")
	// ErrTimeout is a keyring that did not answer within its timeout, such
	// as a hung D-Bus or an unlock prompt nobody can see.
	ErrTimeout = errors.New("the OS keyring did not answer in time")
	// ErrNoKey is a Resolve that found no key anywhere. When the keyring
	// could not be read the error wraps that cause as well.
	ErrNoKey = errors.New("no API key found")
	// ErrMalformed is a string that cannot be an API key (see CheckShape).
	ErrMalformed = errors.New("that does not look like an API key")
)

// KeyringUnusable reports an error that means the keyring could not be
// asked (ErrUnavailable or ErrTimeout), as opposed to one that holds no key.
func KeyringUnusable(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTimeout)
}

// Advice is the next step a person should take after err, or "" when
// there is none to give.
func Advice(err error) string {
	const fallback = "Or set the APIDOT_API_KEY variable for this shell: it wins over the keyring."
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTimeout):
		return "The keyring may be locked and waiting for a prompt nobody can see, or D-Bus is hung: " +
			unlockHint() + " " + fallback
	case errors.Is(err, ErrUnavailable):
		return unavailableHint() + " " + fallback
	case errors.Is(err, ErrMalformed):
		return "Copy the key again from your APIDot dashboard and store it with 'soratui key set' " +
			"(paste it at the prompt or pipe it on stdin), or fix the APIDOT_API_KEY variable."
	case errors.Is(err, ErrNoKey), errors.Is(err, ErrNotFound):
		return "Store one with 'soratui key set' (paste it at the prompt or pipe it on stdin), " +
			"or set the APIDOT_API_KEY variable."
	}
	return ""
}

func unlockHint() string {
	switch runtime.GOOS {
	case "darwin":
		return "unlock the login keychain and try again."
	case "windows":
		return "check Windows Credential Manager and try again."
	}
	return "unlock your keyring (e.g. log in to the desktop session) and try again."
}

func unavailableHint() string {
	switch runtime.GOOS {
	case "darwin":
		return "The macOS keychain could not be used: unlock the login keychain."
	case "windows":
		return "Windows Credential Manager could not be used."
	}
	return "soratui keeps the key in a Secret Service over D-Bus and found none usable: install and " +
		"unlock one (gnome-keyring, KWallet or KeePassXC with Secret Service enabled) in a D-Bus session."
}
