package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// catJWTTemplate is the "cat" header Clerk gives JWT-template tokens.
// Verifiers (goclerk, @clerk/backend) refuse any category other than the
// session one as a session or handshake token, so a template token cannot
// stand in for either.
const catJWTTemplate = "cl_B7d4PD222AAA"

// reservedTemplateClaims are the claims a template may not set: Clerk
// sets them itself (or they mean something to the verifier — "handshake"
// carries Set-Cookie directives), and Clerk's Backend API refuses a
// template that names one.
var reservedTemplateClaims = []string{"azp", "exp", "fva", "handshake", "iat", "iss", "nbf", "o", "sid", "sts", "sub", "v"}

// checkTemplateClaims requires claims to be a JSON object naming no
// reserved claim.
func checkTemplateClaims(claims json.RawMessage) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(claims, &obj); err != nil || obj == nil {
		return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "claims", "claims must be a JSON object.")
	}
	var bad []string
	for k := range obj {
		if slices.Contains(reservedTemplateClaims, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return errParam(http.StatusBadRequest, "jwt_template_reserved_claim", "claims",
			"You can't use the reserved claim(s) "+strings.Join(bad, ", ")+" in a JWT template.")
	}
	return nil
}

func templateByName(t *txn, name string) (*jwtTemplate, error) {
	id, err := t.jwtTemplateNames().owner(name)
	if err != nil {
		return nil, notFoundAs(err, "JWT template")
	}
	var tpl jwtTemplate
	if err := t.jwtTemplates().load(id, &tpl); err != nil {
		return nil, notFoundAs(err, "JWT template")
	}
	return &tpl, nil
}

type templateParams struct {
	Name             string          `json:"name"`
	Claims           json.RawMessage `json:"claims"`
	Lifetime         *int64          `json:"lifetime"`
	AllowedClockSkew *int64          `json:"allowed_clock_skew"`
	CustomSigningKey *bool           `json:"custom_signing_key"`
	SigningAlgorithm *string         `json:"signing_algorithm"`
	SigningKey       *string         `json:"signing_key"`
}

// createTemplate stores a new template built from p.
func createTemplate(t *txn, p *templateParams, id string, now time.Time) (*jwtTemplate, error) {
	tpl := &jwtTemplate{ID: id, Lifetime: 60, AllowedClockSkew: 5, CreatedAt: ms(now)}
	if tpl.ID == "" {
		tpl.ID = newID("jtmp")
	}
	return tpl, saveTemplate(t, tpl, p, now)
}

// saveTemplate validates p, applies it to tpl and stores tpl, moving its
// name claim when the name changes.
func saveTemplate(t *txn, tpl *jwtTemplate, p *templateParams, now time.Time) error {
	if p.Name == "" {
		return errMissing("name")
	}
	if len(p.Claims) == 0 {
		return errMissing("claims")
	}
	if err := checkTemplateClaims(p.Claims); err != nil {
		return err
	}
	if p.Lifetime != nil {
		if *p.Lifetime < 30 || *p.Lifetime > 315360000 {
			return errInvalid("lifetime", "lifetime must be between 30 and 315360000 seconds.")
		}
		tpl.Lifetime = *p.Lifetime
	}
	if p.AllowedClockSkew != nil {
		if *p.AllowedClockSkew < 0 || *p.AllowedClockSkew > 300 {
			return errInvalid("allowed_clock_skew", "allowed_clock_skew must be between 0 and 300 seconds.")
		}
		tpl.AllowedClockSkew = *p.AllowedClockSkew
	}
	if err := setTemplateSigning(tpl, p); err != nil {
		return err
	}
	if err := t.jwtTemplateNames().release(tpl.ID); err != nil {
		return err
	}
	err := t.jwtTemplateNames().claim(p.Name, tpl.ID)
	if errors.Is(err, errConflict) {
		return errTaken("name", "A JWT template with that name already exists.")
	}
	if err != nil {
		return err
	}
	tpl.Name, tpl.Claims, tpl.UpdatedAt = p.Name, p.Claims, ms(now)
	return t.jwtTemplates().put(tpl)
}

func (inst *Instance) bapiCreateTemplate(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p templateParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var tpl *jwtTemplate
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		tpl, err = createTemplate(t, &p, "", inst.now())
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return templateJSON(tpl), 0, nil
}

func (inst *Instance) bapiUpdateTemplate(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p templateParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var tpl jwtTemplate
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.jwtTemplates().load(r.PathValue("id"), &tpl); err != nil {
			return notFoundAs(err, "JWT template")
		}
		return saveTemplate(t, &tpl, &p, inst.now())
	})
	if err != nil {
		return nil, 0, err
	}
	return templateJSON(&tpl), 0, nil
}

func (inst *Instance) bapiListTemplates(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var tpls []*jwtTemplate
	if err := inst.store.view(r.Context(), func(t *txn) error {
		tpls, err = t.jwtTemplates().list()
		return err
	}); err != nil {
		return nil, 0, err
	}
	slices.Reverse(tpls) // newest first, as Clerk lists them
	data, _ := pageJSON(tpls, limit, offset, infallible(templateJSON))
	return listAnswer(r.URL.Query(), data, len(tpls)), 0, nil
}

func (inst *Instance) bapiGetTemplate(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var tpl jwtTemplate
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.jwtTemplates().load(r.PathValue("id"), &tpl) }); err != nil {
		return nil, 0, notFoundAs(err, "JWT template")
	}
	return templateJSON(&tpl), 0, nil
}

func (inst *Instance) bapiDeleteTemplate(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	if err := inst.store.update(r.Context(), func(t *txn) error { return t.jwtTemplates().del(id) }); err != nil {
		return nil, 0, notFoundAs(err, "JWT template")
	}
	return deletedJSON("jwt_template", id), 0, nil
}

var shortcode = regexp.MustCompile(`\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}`)

// mintTemplateToken issues a JWT from a template: the template's claims
// with {{user.*}}/{{org.*}}/{{session.*}} shortcodes resolved, plus the
// standard claims, which the template cannot override, under the
// template category.
func (inst *Instance) mintTemplateToken(t *txn, s *session, tpl *jwtTemplate, now time.Time, lifetime time.Duration) (string, error) {
	var u user
	if err := t.users().load(s.UserID, &u); err != nil {
		return "", fmt.Errorf("load session user: %w", err)
	}
	vals := map[string]any{
		"user.id":                    u.ID,
		"user.first_name":            deref(u.FirstName),
		"user.last_name":             deref(u.LastName),
		"user.username":              deref(u.Username),
		"user.external_id":           deref(u.ExternalID),
		"user.primary_email_address": u.primaryEmail(),
		"user.email_verified":        true,
		"user.full_name":             u.displayName(),
		"user.public_metadata":       rawOrEmpty(u.PublicMeta),
		"user.created_at":            u.CreatedAt / 1000,
		"session.id":                 s.ID,
	}
	if s.ActiveOrgID != "" {
		if o, m, _, err := activeOrg(t, s.ActiveOrgID, s.UserID); err == nil {
			vals["org.id"] = o.ID
			vals["org.slug"] = o.Slug
			vals["org.name"] = o.Name
			vals["org.role"] = m.Role
			vals["org.public_metadata"] = rawOrEmpty(o.PublicMeta)
		}
	}
	var custom map[string]any
	if len(tpl.Claims) > 0 {
		if err := json.Unmarshal(tpl.Claims, &custom); err != nil {
			return "", fmt.Errorf("template %s claims: %w", tpl.Name, err)
		}
	}
	claims := map[string]any{}
	for k, v := range custom {
		// Templates stored before reserved claims were refused still
		// must not set them.
		if !slices.Contains(reservedTemplateClaims, k) {
			claims[k] = resolveShortcodes(v, vals)
		}
	}
	iat := now.Unix()
	if tpl.Lifetime > 0 {
		lifetime = time.Duration(tpl.Lifetime) * time.Second
	}
	claims["iat"] = iat
	claims["nbf"] = iat - max(tpl.AllowedClockSkew, 5)
	claims["exp"] = iat + int64(lifetime/time.Second)
	claims["iss"] = inst.Issuer
	claims["sub"] = s.UserID
	claims["sid"] = s.ID
	claims["jti"] = randString(20)
	if s.Azp != "" {
		claims["azp"] = s.Azp
	}
	if tpl.CustomSigningKey {
		return signWithTemplateKey(tpl, claims)
	}
	return inst.key().sign(claims, catJWTTemplate)
}

func resolveShortcodes(v any, vals map[string]any) any {
	switch x := v.(type) {
	case string:
		if m := shortcode.FindStringSubmatch(x); m != nil && m[0] == strings.TrimSpace(x) {
			if r, ok := vals[m[1]]; ok {
				return r
			}
			return nil
		}
		return shortcode.ReplaceAllStringFunc(x, func(s string) string {
			k := shortcode.FindStringSubmatch(s)[1]
			if r, ok := vals[k].(string); ok {
				return r
			}
			if r, ok := vals[k]; ok {
				b, _ := json.Marshal(r)
				return string(b)
			}
			return ""
		})
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = resolveShortcodes(e, vals)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolveShortcodes(e, vals)
		}
		return out
	}
	return v
}
