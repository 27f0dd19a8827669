package localclerk

import (
	"net/url"
	"strconv"
	"strings"
)

// userTextFilters holds the text and time filters GET /users, /users/count
// and the membership lists share.
type userTextFilters struct {
	emails, usernames                       []string // exact, case-insensitive
	query, emailQuery, usernameQuery, nameQ string   // substrings, lower-case
	phoneQuery                              string
	phones                                  []string // E.164, exact
	createdBefore, createdAfter             *int64
	signInBefore, signInAfter               *int64
	activeBefore, activeAfter, activeSince  *int64
}

// parseUserTextFilters reads the filters from q; a malformed timestamp is a
// 422 naming the parameter.
func parseUserTextFilters(q url.Values, withIdentity bool) (userTextFilters, error) {
	lower := func(name string) string { return strings.ToLower(strings.TrimSpace(q.Get(name))) }
	f := userTextFilters{
		emailQuery:    lower("email_address_query"),
		usernameQuery: lower("username_query"),
		nameQ:         lower("name_query"),
		phoneQuery:    lower("phone_number_query"),
	}
	if withIdentity {
		f.emails, f.usernames, f.query = multi(q, "email_address"), multi(q, "username"), lower("query")
	}
	for _, raw := range multi(q, "phone_number") {
		// A raw "+" in a query string arrives as a space.
		n, _ := parsePhoneNumber("+" + strings.TrimLeft(strings.TrimSpace(raw), "+"))
		f.phones = append(f.phones, n)
	}
	for name, dst := range map[string]**int64{
		"created_at_before": &f.createdBefore, "created_at_after": &f.createdAfter,
		"last_sign_in_at_before": &f.signInBefore, "last_sign_in_at_after": &f.signInAfter,
		"last_active_at_before": &f.activeBefore, "last_active_at_after": &f.activeAfter,
		"last_active_at_since": &f.activeSince,
	} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, errInvalid(name, name+" must be a Unix timestamp in milliseconds.")
		}
		*dst = &n
	}
	return f, nil
}

// match reports whether u passes every filter that is set.
func (f userTextFilters) match(u *user) bool {
	emails := make([]string, 0, len(u.Emails))
	for _, e := range u.Emails {
		emails = append(emails, strings.ToLower(e.Address))
	}
	phones := make([]string, 0, len(u.Phones))
	for _, p := range u.Phones {
		phones = append(phones, p.Number)
	}
	username := strings.ToLower(deref(u.Username))
	name := strings.ToLower(strings.TrimSpace(deref(u.FirstName) + " " + deref(u.LastName)))
	anyContains := func(list []string, sub string) bool {
		for _, s := range list {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case len(f.emails) > 0 && !anyFold(f.emails, emails),
		len(f.usernames) > 0 && !containsFold(f.usernames, username),
		f.emailQuery != "" && !anyContains(emails, f.emailQuery),
		f.usernameQuery != "" && !strings.Contains(username, f.usernameQuery),
		f.nameQ != "" && !strings.Contains(name, f.nameQ),
		len(f.phones) > 0 && !anyFold(f.phones, phones),
		f.phoneQuery != "" && !anyContains(phones, f.phoneQuery):
		return false
	}
	if f.query != "" {
		hay := strings.Join(append(append([]string{strings.ToLower(u.ID), username, name}, emails...), phones...), "\x00")
		if !strings.Contains(hay, f.query) {
			return false
		}
	}
	before := func(v *int64, bound *int64) bool { return bound == nil || (v != nil && *v < *bound) }
	after := func(v *int64, bound *int64) bool { return bound == nil || (v != nil && *v > *bound) }
	since := func(v *int64, bound *int64) bool { return bound == nil || (v != nil && *v >= *bound) }
	created := u.CreatedAt
	return before(&created, f.createdBefore) && after(&created, f.createdAfter) &&
		before(u.LastSignInAt, f.signInBefore) && after(u.LastSignInAt, f.signInAfter) &&
		before(u.LastActiveAt, f.activeBefore) && after(u.LastActiveAt, f.activeAfter) &&
		since(u.LastActiveAt, f.activeSince)
}

func anyFold(want, have []string) bool {
	for _, h := range have {
		if containsFold(want, h) {
			return true
		}
	}
	return false
}

// idFilter is a list parameter of ids where each value may carry Clerk's
// "+" (include, the default) or "-" (exclude) prefix.
type idFilter struct{ include, exclude []string }

func parseIDFilter(q url.Values, name string) idFilter {
	var f idFilter
	for _, v := range multi(q, name) {
		// A raw "+" in a query string arrives as a space.
		v = strings.TrimSpace(v)
		switch {
		case strings.HasPrefix(v, "-"):
			f.exclude = append(f.exclude, v[1:])
		case strings.HasPrefix(v, "+"):
			f.include = append(f.include, v[1:])
		case v != "":
			f.include = append(f.include, v)
		}
	}
	return f
}

// match reports whether a record known by ids passes: none of them is
// excluded and, when ids are included, one of them is.
func (f idFilter) match(ids ...string) bool {
	for _, id := range ids {
		if contains(f.exclude, id) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, id := range ids {
		if contains(f.include, id) {
			return true
		}
	}
	return false
}
