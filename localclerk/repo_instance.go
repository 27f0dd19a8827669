package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
)

// The instance-wide resources' repositories: JWT templates, domains,
// redirect URLs, the allow-list and block-list, the waitlist, and the
// settings documents.

// jwtTemplates returns the JWT templates' repository of t.
func (t *txn) jwtTemplates() repo[jwtTemplate] {
	return newRepo(t, kindTemplate, func(j *jwtTemplate) string { return j.ID })
}

// domains returns the instance domains' repository of t.
func (t *txn) domains() repo[domain] {
	return newRepo(t, kindDomain, func(d *domain) string { return d.ID })
}

// redirectURLs returns the redirect URLs' repository of t.
func (t *txn) redirectURLs() repo[redirectURL] {
	return newRepo(t, kindRedirectURL, func(u *redirectURL) string { return u.ID })
}

// listIdentifiers returns the repository of the allow-list's or the
// block-list's entries (l.kind).
func (t *txn) listIdentifiers(l identifierList) repo[listIdentifier] {
	return newRepo(t, l.kind, func(e *listIdentifier) string { return e.ID })
}

// waitlist returns the waitlist entries' repository of t.
func (t *txn) waitlist() repo[waitlistEntry] {
	return newRepo(t, kindWaitlist, func(e *waitlistEntry) string { return e.ID })
}

// domainNames returns the unique keys of the instance domains' names.
func (t *txn) domainNames() uniqueKeys { return uniqueKeys{t, nsDomain} }

// redirectURLValues returns the unique keys of the redirect URLs.
func (t *txn) redirectURLValues() uniqueKeys { return uniqueKeys{t, nsRedirectURL} }

// waitlistEmails returns the unique keys of the waitlist entries' e-mail addresses.
func (t *txn) waitlistEmails() uniqueKeys { return uniqueKeys{t, nsWaitlistEmail} }

// jwtTemplateNames returns the unique keys of the JWT templates' names.
func (t *txn) jwtTemplateNames() uniqueKeys { return uniqueKeys{t, nsTemplate} }

// listIdentifierKeys returns the unique keys of the allow-list's or the
// block-list's identifiers (l.ns).
func (t *txn) listIdentifierKeys(l identifierList) uniqueKeys { return uniqueKeys{t, l.ns} }

// settingsRepo holds the instance's settings documents (metaInstance,
// metaRestrictions, …), one JSON document per key.
type settingsRepo struct{ t *txn }

// settings returns the settings' repository of t.
func (t *txn) settings() settingsRepo { return settingsRepo{t} }

// load decodes the settings document key into v, leaving v's defaults
// when it was never written.
func (r settingsRepo) load(key string, v any) error {
	s, err := r.t.getMeta(key)
	if errors.Is(err, errNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// save stores v as the settings document key.
func (r settingsRepo) save(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return r.t.setMeta(key, string(b))
}
