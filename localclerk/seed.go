package localclerk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Fixture describes seed data with fixed ids, loaded from JSON by
// Options.SeedFile. Every list is optional. Roles that already exist (the
// built-in org:admin and org:member) get the listed permissions added.
type Fixture struct {
	Permissions   []FixturePermission `json:"permissions,omitempty"`
	Roles         []FixtureRole       `json:"roles,omitempty"`
	Users         []FixtureUser       `json:"users,omitempty"`
	Organizations []FixtureOrg        `json:"organizations,omitempty"`
	Machines      []FixtureMachine    `json:"machines,omitempty"`
	APIKeys       []FixtureAPIKey     `json:"api_keys,omitempty"`
	JWTTemplates  []FixtureTemplate   `json:"jwt_templates,omitempty"`
	// Settings, when set, are the instance's settings (fields left out
	// keep DefaultSettings'); Options.Settings win over them.
	Settings *Settings `json:"settings,omitempty"`
}

// FixturePermission is a custom organization permission, org:<feature>:<action>.
type FixturePermission struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// FixtureRole is an organization role and its permission keys.
type FixtureRole struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// FixtureUser is a user; Demo users get one-click buttons on the sign-in
// page and their password is shown there.
type FixtureUser struct {
	ID             string          `json:"id,omitempty"`
	Email          string          `json:"email,omitempty"`
	Password       string          `json:"password,omitempty"`
	FirstName      string          `json:"first_name,omitempty"`
	LastName       string          `json:"last_name,omitempty"`
	Username       string          `json:"username,omitempty"`
	ExternalID     string          `json:"external_id,omitempty"`
	PublicMetadata json.RawMessage `json:"public_metadata,omitempty"`
	Demo           bool            `json:"demo,omitempty"`
	// Plan and Features model Clerk Billing for the pla/fea claims
	// (has({ plan }), has({ feature })).
	Plan     string   `json:"plan,omitempty"`
	Features []string `json:"features,omitempty"`
}

// FixtureOrg is an organization with its members.
type FixtureOrg struct {
	ID      string          `json:"id,omitempty"`
	Name    string          `json:"name"`
	Slug    string          `json:"slug,omitempty"`
	Members []FixtureMember `json:"members,omitempty"`
	// Plan and Features: the organization's billing plan and its features.
	Plan     string   `json:"plan,omitempty"`
	Features []string `json:"features,omitempty"`
}

// FixtureMember is one organization membership.
type FixtureMember struct {
	UserID string `json:"user_id"`
	Role   string `json:"role"`
}

// FixtureMachine is a machine that can mint M2M tokens with its secret key.
type FixtureMachine struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	SecretKey string `json:"secret_key,omitempty"`
}

// FixtureAPIKey is an API key for a user or organization.
type FixtureAPIKey struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	Subject string   `json:"subject"`
	Secret  string   `json:"secret,omitempty"`
	Scopes  []string `json:"scopes,omitempty"`
}

// FixtureTemplate is a JWT template.
type FixtureTemplate struct {
	Name     string          `json:"name"`
	Claims   json.RawMessage `json:"claims"`
	Lifetime int64           `json:"lifetime,omitempty"`
}

// DemoInfo is what seeding created, for printing at start.
type DemoInfo struct {
	Users            []DemoUser `json:"users"`
	OrganizationID   string     `json:"organization_id,omitempty"`
	OrganizationSlug string     `json:"organization_slug,omitempty"`
	APIKey           string     `json:"api_key,omitempty"`
	MachineID        string     `json:"machine_id,omitempty"`
	MachineSecretKey string     `json:"machine_secret_key,omitempty"`
}

// DemoUser is a seeded user with a shown password.
type DemoUser struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Password string `json:"password,omitempty"`
	Name     string `json:"name"`
}

// DemoFixture is the built-in seed: Alice (org admin, plan free_user), Bob
// (member), a +clerk_test user, the Acme organization (plan pro, feature
// analytics) with billing/reports permissions, a machine, an API key and a
// JWT template.
func DemoFixture() Fixture {
	return Fixture{
		Permissions: []FixturePermission{
			{Key: "org:billing:manage", Name: "Manage billing"},
			{Key: "org:billing:read", Name: "Read billing"},
			{Key: "org:reports:read", Name: "Read reports"},
		},
		Roles: []FixtureRole{
			{Key: "org:admin", Name: "Admin", Permissions: []string{"org:billing:manage", "org:billing:read", "org:reports:read"}},
			{Key: "org:member", Name: "Member", Permissions: []string{"org:billing:read", "org:reports:read"}},
		},
		Users: []FixtureUser{
			{ID: "user_demo_alice", Email: "alice@example.com", Password: "alice-password", FirstName: "Alice", LastName: "Admin", Username: "alice", Demo: true, Plan: "free_user"},
			{ID: "user_demo_bob", Email: "bob@example.com", Password: "bob-password", FirstName: "Bob", LastName: "Member", Username: "bob", Demo: true},
			{ID: "user_demo_carol", Email: "carol+clerk_test@example.com", FirstName: "Carol", LastName: "Tester", Demo: true},
		},
		Organizations: []FixtureOrg{{ID: "org_demo_acme", Name: "Acme Inc", Slug: "acme", Plan: "pro", Features: []string{"analytics"}, Members: []FixtureMember{
			{UserID: "user_demo_alice", Role: "org:admin"}, {UserID: "user_demo_bob", Role: "org:member"}}}},
		Machines:     []FixtureMachine{{ID: "mch_demo_worker", Name: "Demo worker"}},
		APIKeys:      []FixtureAPIKey{{ID: "ak_demo_alice", Name: "Alice's demo key", Subject: "user_demo_alice", Scopes: []string{"read"}}},
		JWTTemplates: []FixtureTemplate{{Name: "demo", Claims: json.RawMessage(`{"email":"{{user.primary_email_address}}","org":"{{org.slug}}"}`)}},
	}
}

// seed applies the seed fixture once per data file.
func (inst *Instance) seed(ctx context.Context) error {
	fx := DemoFixture()
	if inst.opts.SeedFile != "" {
		b, err := os.ReadFile(inst.opts.SeedFile)
		if err != nil {
			return fmt.Errorf("localclerk: read seed file: %w", err)
		}
		fx = Fixture{}
		if err := json.Unmarshal(b, &fx); err != nil {
			return fmt.Errorf("localclerk: seed file %s is not a valid fixture: %w", inst.opts.SeedFile, err)
		}
	}
	// Passwords are hashed before the write transaction (bcrypt is slow),
	// and only when the instance still needs seeding.
	seeded := false
	err := inst.store.view(ctx, func(t *txn) error {
		_, err := t.getMeta("seeded")
		seeded = err == nil
		if errors.Is(err, errNotFound) {
			return nil
		}
		return err
	})
	if err != nil || seeded {
		return err
	}
	users, err := fixtureUsers(&fx)
	if err != nil {
		return fmt.Errorf("localclerk: seed: %w", err)
	}
	err = inst.store.update(ctx, func(t *txn) error {
		if _, err := t.getMeta("seeded"); err == nil {
			return nil
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		info, err := inst.applyFixture(t, &fx, users, inst.now())
		if err != nil {
			return err
		}
		b, err := json.Marshal(info)
		if err != nil {
			return fmt.Errorf("encode demo info: %w", err)
		}
		if err := t.setMeta("demo", string(b)); err != nil {
			return err
		}
		return t.setMeta("seeded", time.Now().UTC().Format(time.RFC3339))
	})
	if err != nil {
		return fmt.Errorf("localclerk: seed: %w", err)
	}
	if fx.Settings != nil {
		return inst.loadLiveSettings(ctx)
	}
	return nil
}

// ApplyFixture adds a fixture's records to a running instance (ids that
// already exist are an error, and nothing is applied then).
func (inst *Instance) ApplyFixture(ctx context.Context, fx Fixture) (*DemoInfo, error) {
	users, err := fixtureUsers(&fx)
	if err != nil {
		return nil, fmt.Errorf("localclerk: apply fixture: %w", err)
	}
	var info *DemoInfo
	err = inst.store.update(ctx, func(t *txn) error {
		var err error
		info, err = inst.applyFixture(t, &fx, users, inst.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("localclerk: apply fixture: %w", err)
	}
	if fx.Settings != nil {
		if err := inst.loadLiveSettings(ctx); err != nil {
			return nil, fmt.Errorf("localclerk: apply fixture: %w", err)
		}
	}
	return info, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// fixtureUsers are the parameters of a fixture's users, their passwords
// already hashed: outside the transaction that applies the fixture.
func fixtureUsers(fx *Fixture) ([]*userParams, error) {
	out := make([]*userParams, len(fx.Users))
	for i, fu := range fx.Users {
		p := &userParams{ID: fu.ID, FirstName: strPtr(fu.FirstName), LastName: strPtr(fu.LastName), Username: strPtr(fu.Username),
			ExternalID: strPtr(fu.ExternalID), PublicMetadata: fu.PublicMetadata, SkipPasswordChecks: new(bool)}
		*p.SkipPasswordChecks = true
		if fu.Email != "" {
			p.EmailAddress = []string{fu.Email}
		}
		if fu.Password != "" {
			p.Password = &fu.Password
			if err := p.hashPassword(); err != nil {
				return nil, fmt.Errorf("user %s: %w", fu.Email, err)
			}
		}
		out[i] = p
	}
	return out, nil
}

// applyFixture stores fx, with users from fixtureUsers(fx), in t.
func (inst *Instance) applyFixture(t *txn, fx *Fixture, users []*userParams, now time.Time) (*DemoInfo, error) {
	info := &DemoInfo{Users: []DemoUser{}}
	if err := ensureDefaultRoles(t, now); err != nil {
		return nil, err
	}
	if fx.Settings != nil && inst.opts.Settings == nil {
		if err := fx.Settings.Validate(); err != nil {
			return nil, err
		}
		if err := saveSettings(t, fx.Settings); err != nil {
			return nil, err
		}
	}
	for _, p := range fx.Permissions {
		if _, err := createPermission(t, &permissionParams{Key: p.Key, Name: p.Name, Description: p.Description}, "", now); err != nil {
			return nil, fmt.Errorf("permission %s: %w", p.Key, err)
		}
	}
	for _, fr := range fx.Roles {
		if r, err := roleByKey(t, fr.Key); err == nil {
			for _, p := range fr.Permissions {
				if !contains(r.Permissions, p) {
					r.Permissions = append(r.Permissions, p)
				}
			}
			if fr.Name != "" {
				r.Name = fr.Name
			}
			if err := t.roles().put(r); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := inst.createRole(t, &roleParams{Key: fr.Key, Name: fr.Name, Description: fr.Description, Permissions: fr.Permissions}, "", now); err != nil {
			return nil, fmt.Errorf("role %s: %w", fr.Key, err)
		}
	}
	for i, fu := range fx.Users {
		u, err := inst.createUser(t, users[i], now, true)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", fu.Email, err)
		}
		if fu.Plan != "" || len(fu.Features) > 0 {
			u.Plan, u.Features = fu.Plan, fu.Features
			if err := t.users().put(u); err != nil {
				return nil, err
			}
		}
		if fu.Demo {
			pw := fu.Password
			if pw == "" && isTestEmail(fu.Email) {
				pw = "(code " + testVerificationCode + ")"
			}
			info.Users = append(info.Users, DemoUser{ID: u.ID, Email: u.primaryEmail(), Password: pw, Name: u.displayName()})
		}
	}
	for _, fo := range fx.Organizations {
		name := fo.Name
		p := &orgParams{ID: fo.ID, Name: &name}
		if fo.Slug != "" {
			p.Slug = &fo.Slug
		}
		o, err := inst.createOrg(t, p, now)
		if err != nil {
			return nil, fmt.Errorf("organization %s: %w", fo.Name, err)
		}
		if fo.Plan != "" || len(fo.Features) > 0 {
			o.Plan, o.Features = fo.Plan, fo.Features
			if err := t.orgs().put(o); err != nil {
				return nil, err
			}
		}
		for _, m := range fo.Members {
			if _, err := addMember(t, o, m.UserID, m.Role, now); err != nil {
				return nil, fmt.Errorf("organization %s member %s: %w", fo.Name, m.UserID, err)
			}
		}
		if info.OrganizationID == "" {
			info.OrganizationID, info.OrganizationSlug = o.ID, o.Slug
		}
	}
	for _, fm := range fx.Machines {
		m := &machine{ID: fm.ID, Name: fm.Name, SecretKey: fm.SecretKey, CreatedAt: ms(now)}
		if m.ID == "" {
			m.ID = newID("mch")
		}
		if m.SecretKey == "" {
			m.SecretKey = "ak_" + randString(40)
		}
		if err := t.machineKeys().claim(m.SecretKey, m.ID); err != nil {
			return nil, fmt.Errorf("machine %s: %w", m.ID, err)
		}
		if err := t.machines().put(m); err != nil {
			return nil, err
		}
		if info.MachineID == "" {
			info.MachineID, info.MachineSecretKey = m.ID, m.SecretKey
		}
	}
	for _, fk := range fx.APIKeys {
		k := &apiKey{ID: fk.ID, Type: "api_key", Name: fk.Name, Subject: fk.Subject, Secret: fk.Secret, Scopes: nonNil(fk.Scopes),
			CreatedAt: ms(now), UpdatedAt: ms(now)}
		if k.ID == "" {
			k.ID = newID("ak")
		}
		if k.Secret == "" {
			k.Secret = "ak_" + randString(40)
		}
		if err := putAPIKey(t, k); err != nil {
			return nil, fmt.Errorf("API key %s: %w", k.Name, err)
		}
		if info.APIKey == "" {
			info.APIKey = k.Secret
		}
	}
	for _, ft := range fx.JWTTemplates {
		p := &templateParams{Name: ft.Name, Claims: ft.Claims}
		if ft.Lifetime > 0 {
			p.Lifetime = &ft.Lifetime
		}
		if _, err := createTemplate(t, p, "", now); err != nil {
			return nil, fmt.Errorf("JWT template %s: %w", ft.Name, err)
		}
	}
	return info, nil
}

func (inst *Instance) loadDemoInfo(ctx context.Context) error {
	return inst.store.view(ctx, func(t *txn) error {
		s, err := t.getMeta("demo")
		if errors.Is(err, errNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var info DemoInfo
		if err := json.Unmarshal([]byte(s), &info); err != nil {
			return fmt.Errorf("localclerk: stored demo info: %w", err)
		}
		inst.Demo = &info
		return nil
	})
}

// exportDoc is the JSON format of Export/Import.
type exportDoc struct {
	Format  string            `json:"format"`
	Version int               `json:"version"`
	Objects []dumpRow         `json:"objects"`
	Keys    []uniqRow         `json:"keys"`
	Meta    map[string]string `json:"meta"`
}

const exportFormat = "localclerk-export"

// keyMeta are the settings that make up the instance's identity.
var keyMeta = []string{"kid", "signing_key", "secret_key"}

// Export writes the whole instance — records, signing key and secret key —
// as JSON. The output contains secrets; treat it like the data file.
func (inst *Instance) Export(ctx context.Context, w io.Writer) error {
	var doc exportDoc
	err := inst.store.view(ctx, func(t *txn) error {
		var err error
		doc.Objects, doc.Keys, doc.Meta, err = t.dump()
		return err
	})
	if err != nil {
		return fmt.Errorf("localclerk: export: %w", err)
	}
	doc.Format, doc.Version = exportFormat, len(migrations)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("localclerk: export: %w", err)
	}
	return nil
}

// Import replaces every record of the running instance with an export.
// The running instance keeps its own signing key and secret key, so tokens
// it issued stay valid and configured apps keep working.
func (inst *Instance) Import(ctx context.Context, r io.Reader) error {
	var doc exportDoc
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("localclerk: import: not a localclerk export: %w", err)
	}
	if doc.Format != exportFormat {
		return fmt.Errorf("localclerk: import: format %q is not %q", doc.Format, exportFormat)
	}
	if doc.Version > len(migrations) {
		return fmt.Errorf("localclerk: import: export version %d is newer than this localclerk", doc.Version)
	}
	for _, o := range doc.Objects {
		if o.Kind == "" || o.ID == "" || !json.Valid(o.Data) {
			return fmt.Errorf("localclerk: import: bad record %q/%q", o.Kind, o.ID)
		}
	}
	err := inst.store.update(ctx, func(t *txn) error {
		keep := map[string]string{}
		for _, k := range keyMeta {
			v, err := t.getMeta(k)
			if err != nil {
				return err
			}
			keep[k] = v
		}
		if err := t.wipe(); err != nil {
			return err
		}
		for _, o := range doc.Objects {
			if err := t.put(o.Kind, o.ID, o.Data); err != nil {
				return err
			}
		}
		for _, k := range doc.Keys {
			if err := t.claim(k.NS, k.Key, k.ID); err != nil {
				return fmt.Errorf("key %s: %w", k.NS, err)
			}
		}
		for k, v := range doc.Meta {
			if err := t.setMeta(k, v); err != nil {
				return err
			}
		}
		for k, v := range keep {
			if err := t.setMeta(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("localclerk: import: %w", err)
	}
	if err := inst.loadLiveSettings(ctx); err != nil {
		return fmt.Errorf("localclerk: import: %w", err)
	}
	return inst.loadDemoInfo(ctx)
}
