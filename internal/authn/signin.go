package authn

import "net/url"

// ParamRedirectURL is the query parameter that tells a sign-in page where
// to send the user afterwards.
const ParamRedirectURL = "redirect_url"

// SignInRedirect builds a sign-in redirect as Clerk's redirectToSignIn
// ({ returnBackUrl }) does: target is resolved against the current URL,
// redirect_url is set to returnBack (resolved the same way) with the
// URLSearchParams serializer, and a dev browser token, when given, is
// added for a target on another host or port so that a development instance's
// sign-in page knows the browser. A target that does not parse is
// returned as given.
func SignInRedirect(current ClerkURL, target, returnBack, devBrowser string) string {
	base, err := url.Parse(current.String())
	if err != nil {
		return target
	}
	t, err := base.Parse(target)
	if err != nil {
		return target
	}
	u, ok := parseAbsolute(t.String())
	if !ok {
		return target
	}
	p := u.Params
	if returnBack != "" {
		if rb, err := base.Parse(returnBack); err == nil {
			returnBack = rb.String()
		}
		p = p.Set(ParamRedirectURL, returnBack)
	}
	// Host is host:port with the default port removed, as Clerk compares
	// `${hostname}:${port}`.
	if devBrowser != "" && u.Host != current.Host {
		p = p.Set(ParamDevBrowser, devBrowser)
	}
	return u.WithParams(p)
}
