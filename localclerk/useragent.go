package localclerk

import (
	"net"
	"net/http"
	"strings"
)

// A session's device, as <UserProfile/>'s "Active devices" shows it:
// browser, version and whether it is a phone, read from the User-Agent.
// Only the common browsers are told apart; anything else is reported by
// its first product token.

// maxUserAgent bounds what is stored of a User-Agent header.
const maxUserAgent = 512

// device is what parseUserAgent reads from a User-Agent.
type device struct {
	Browser, BrowserVersion string
	DeviceType              string // "Macintosh", "Windows", "Linux", "iPhone", "Android", …
	Mobile                  bool
}

// parseUserAgent reads the browser and platform from ua.
func parseUserAgent(ua string) device {
	var d device
	if ua == "" {
		return d
	}
	// Later tokens name the browser more precisely (Chrome's UA also says
	// Safari; Edge's also says Chrome), so the first match in this order wins.
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Chrome"},
		{"Chrome/", "Chrome"}, {"Version/", "Safari"},
	} {
		if i := strings.Index(ua, b.token); i >= 0 {
			d.Browser = b.name
			d.BrowserVersion = versionAt(ua[i+len(b.token):])
			break
		}
	}
	if d.Browser == "" {
		first, _, _ := strings.Cut(ua, " ")
		d.Browser, d.BrowserVersion, _ = strings.Cut(first, "/")
	}
	for _, p := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Macintosh", "Macintosh"},
		{"Windows", "Windows"}, {"CrOS", "Chrome OS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, p.token) {
			d.DeviceType = p.name
			break
		}
	}
	d.Mobile = strings.Contains(ua, "Mobile") || d.DeviceType == "iPhone"
	return d
}

// versionAt is the version number at the start of s ("123.0.1 Safari" →
// "123.0.1").
func versionAt(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end < 0 {
		return s
	}
	return s[:end]
}

// recordDevice stores on c the User-Agent and address of the request
// that first shows one.
func recordDevice(t *txn, c *client, r *http.Request) error {
	c.UserAgent = r.UserAgent()
	if len(c.UserAgent) > maxUserAgent {
		c.UserAgent = c.UserAgent[:maxUserAgent]
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.IPAddress = host
	}
	return t.clients().put(c)
}
