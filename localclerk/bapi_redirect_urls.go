package localclerk

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Redirect URLs are the instance's list of URLs native and OAuth flows
// may return to. localclerk keeps the list so apps can manage it as they
// do on Clerk.
const (
	kindRedirectURL = "redirect_url"
	nsRedirectURL   = "redirect_url:url"
)

type redirectURL struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// checkRedirectURLParam accepts an absolute URL with a scheme and, for
// http(s), a host; native apps register custom schemes (myapp://callback).
func checkRedirectURLParam(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || strings.ContainsAny(raw, " \t\r\n") ||
		((u.Scheme == "http" || u.Scheme == "https") && u.Host == "") || (u.Host == "" && u.Opaque == "" && u.Path == "") {
		return "", errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "url",
			"url must be an absolute URL, such as https://app.example.com/callback or myapp://callback.")
	}
	return raw, nil
}

func (inst *Instance) bapiListRedirectURLs(w http.ResponseWriter, r *http.Request) (any, int, error) {
	limit, offset, err := paging(r.URL.Query())
	if err != nil {
		return nil, 0, err
	}
	var items []*redirectURL
	if err := inst.store.view(r.Context(), func(t *txn) error {
		items, err = t.redirectURLs().list()
		return err
	}); err != nil {
		return nil, 0, err
	}
	slices.Reverse(items) // newest first, as Clerk lists them
	data, err := pageJSON(items, limit, offset, infallible(redirectURLJSON))
	return listAnswer(r.URL.Query(), data, len(items)), 0, err
}

func (inst *Instance) bapiCreateRedirectURL(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		URL *string `json:"url"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.URL == nil || strings.TrimSpace(*p.URL) == "" {
		return nil, 0, errMissing("url")
	}
	raw, err := checkRedirectURLParam(*p.URL)
	if err != nil {
		return nil, 0, err
	}
	now := ms(inst.now())
	u := &redirectURL{ID: newID("ru"), URL: raw, CreatedAt: now, UpdatedAt: now}
	err = inst.store.update(r.Context(), func(t *txn) error {
		if err := t.redirectURLValues().claim(raw, u.ID); err != nil {
			return conflictAs(err, errTaken("url", fmt.Sprintf("%s is already a redirect URL.", raw)))
		}
		return t.redirectURLs().put(u)
	})
	if err != nil {
		return nil, 0, err
	}
	return redirectURLJSON(u), 0, nil
}

func (inst *Instance) bapiGetRedirectURL(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var u redirectURL
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.redirectURLs().load(r.PathValue("id"), &u) }); err != nil {
		return nil, 0, notFoundAs(err, "redirect URL")
	}
	return redirectURLJSON(&u), 0, nil
}

func (inst *Instance) bapiDeleteRedirectURL(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	if err := inst.store.update(r.Context(), func(t *txn) error { return t.redirectURLs().del(id) }); err != nil {
		return nil, 0, notFoundAs(err, "redirect URL")
	}
	return deletedJSON("redirect_url", id), 0, nil
}
