package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Satellite domains are stored; the primary domain is the instance
// itself (its listener's host), so it is computed, never stored.
const (
	kindDomain = "domain"
	nsDomain   = "domain:name"
)

// domain is a satellite domain added through the Backend API.
type domain struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	ProxyURL  *string `json:"proxy_url,omitempty"`
	CreatedAt int64   `json:"created_at"`
}

// primaryDomainID is stable per data file: it is derived from the
// instance id (the signing key's kid).
func (inst *Instance) primaryDomainID() string {
	inst.mu.RLock()
	defer inst.mu.RUnlock()
	return "dmn_" + strings.TrimPrefix(inst.KeyID, "ins_")
}

// primaryDomainName is the host (with port) the instance listens on.
func (inst *Instance) primaryDomainName() string {
	return strings.TrimPrefix(inst.FrontendAPIURL, "http://")
}

func isLoopbackName(host string) bool {
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostRe is a DNS host name; development hosts may be one label (myhost).
var hostRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// checkDomainName accepts a host with an optional port (development
// instances may have one), no scheme, path or user info; it returns the
// name lower-cased.
func checkDomainName(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	bad := errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "name",
		"name must be a host name, optionally with a port (app.example.com, localhost:3001), without a scheme or path.")
	host, port := name, ""
	if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.HasSuffix(name, "]") {
		host, port = name[:i], name[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return "", bad
		}
	}
	if ip, ok := strings.CutPrefix(host, "["); ok {
		if !strings.HasSuffix(ip, "]") || net.ParseIP(strings.TrimSuffix(ip, "]")) == nil || !strings.Contains(ip, ":") {
			return "", bad
		}
		return name, nil
	}
	if !hostRe.MatchString(host) {
		return "", bad
	}
	return name, nil
}

// checkProxyURL accepts an absolute http(s) URL; nil and "" clear it.
func checkProxyURL(p *string) (*string, error) {
	if p == nil || *p == "" {
		return nil, nil
	}
	u, err := url.Parse(*p)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errInvalid("proxy_url", "proxy_url must be an absolute http(s) URL.")
	}
	return p, nil
}

func (inst *Instance) bapiListDomains(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var sats []*domain
	if err := inst.store.view(r.Context(), func(t *txn) error {
		var err error
		sats, err = t.domains().list()
		return err
	}); err != nil {
		return nil, 0, err
	}
	data := []any{inst.primaryDomainJSON()}
	for _, d := range sats {
		data = append(data, inst.domainJSON(d))
	}
	return &pageWire{Data: data, TotalCount: len(data)}, 0, nil
}

func (inst *Instance) bapiAddDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name        *string `json:"name"`
		IsSatellite *bool   `json:"is_satellite"`
		ProxyURL    *string `json:"proxy_url"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Name == nil {
		return nil, 0, errMissing("name")
	}
	if p.IsSatellite == nil {
		return nil, 0, errMissing("is_satellite")
	}
	if !*p.IsSatellite {
		return nil, 0, newAPIError(http.StatusUnprocessableEntity, "primary_domain_already_exists", "primary domain already exists",
			"An instance has one primary domain: only satellite domains can be added (is_satellite must be true).", paramMeta("is_satellite"))
	}
	name, err := checkDomainName(*p.Name)
	if err != nil {
		return nil, 0, err
	}
	proxy, err := checkProxyURL(p.ProxyURL)
	if err != nil {
		return nil, 0, err
	}
	d := &domain{ID: newID("dmn"), Name: name, ProxyURL: proxy, CreatedAt: ms(inst.now())}
	err = inst.store.update(r.Context(), func(t *txn) error {
		if name == strings.ToLower(inst.primaryDomainName()) {
			return errTaken("name", "That is the instance's primary domain.")
		}
		if err := t.domainNames().claim(name, d.ID); err != nil {
			return conflictAs(err, errTaken("name", fmt.Sprintf("The domain %s is already one of the instance's domains.", name)))
		}
		return t.domains().put(d)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.domainJSON(d), 0, nil
}

func (inst *Instance) bapiUpdateDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Name *string `json:"name"`
		// ProxyURL is raw so that null (back to DNS, as Clerk documents)
		// differs from leaving the field out.
		ProxyURL    json.RawMessage `json:"proxy_url"`
		IsSecondary *bool           `json:"is_secondary"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var proxyURL *string // nil: unchanged; "": cleared
	switch string(p.ProxyURL) {
	case "":
	case "null":
		proxyURL = new(string)
	default:
		proxyURL = new(string)
		if err := json.Unmarshal(p.ProxyURL, proxyURL); err != nil {
			return nil, 0, errInvalid("proxy_url", "proxy_url must be a string or null.")
		}
	}
	id := r.PathValue("id")
	if id == inst.primaryDomainID() {
		if p.Name != nil || (proxyURL != nil && *proxyURL != "") {
			return nil, 0, errInvalid(map[bool]string{true: "name", false: "proxy_url"}[p.Name != nil],
				"localclerk's primary domain is its own listener address; change it with Options.Addr (and run the app behind goclerk's Frontend API proxy for a proxy URL).")
		}
		return inst.primaryDomainJSON(), 0, nil
	}
	var d domain
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.domains().load(id, &d); err != nil {
			return notFoundAs(err, "domain")
		}
		if p.Name != nil {
			name, err := checkDomainName(*p.Name)
			if err != nil {
				return err
			}
			if err := t.domainNames().release(d.ID); err != nil {
				return err
			}
			if err := t.domainNames().claim(name, d.ID); err != nil {
				return conflictAs(err, errTaken("name", fmt.Sprintf("The domain %s is already one of the instance's domains.", name)))
			}
			d.Name = name
		}
		if proxyURL != nil {
			proxy, err := checkProxyURL(proxyURL)
			if err != nil {
				return err
			}
			d.ProxyURL = proxy
		}
		return t.domains().put(&d)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.domainJSON(&d), 0, nil
}

func (inst *Instance) bapiDeleteDomain(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	if id == inst.primaryDomainID() {
		return nil, 0, newAPIError(http.StatusForbidden, "operation_not_allowed_on_primary_domain", "cannot delete the primary domain",
			"The instance's primary domain cannot be deleted; only satellite domains can.", nil)
	}
	if err := inst.store.update(r.Context(), func(t *txn) error { return t.domains().del(id) }); err != nil {
		return nil, 0, notFoundAs(err, "domain")
	}
	return deletedJSON("domain", id), 0, nil
}

// conflictAs maps a unique-key conflict to the caller's error.
func conflictAs(err error, taken *apiError) error {
	if errors.Is(err, errConflict) {
		return taken
	}
	return err
}
