package localclerk

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// pngImage is a 1×1 PNG, the smallest image an upload can carry.
var pngImage = func() string {
	b, err := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// multipartFile wraps data as the "file" part of a multipart/form-data
// body and returns its content type and the body.
func multipartFile(t testing.TB, data string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "avatar.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(data))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.String()
}

// refreshableSession signs a user in through the hosted page and a
// suffixed handshake and returns the session id, its token and the
// refresh token the handshake set in __refresh_<suffix>.
func refreshableSession(t *testing.T, h *harness, email, password string) (sid, jwt, refresh string) {
	t.Helper()
	dvb := freshSignIn(t, h, email, password)
	dirs, _ := h.handshake(app, "token", dvb, true)
	jwt, _ = cookieValue(dirs, "__session")
	refresh, _ = cookieValue(dirs, "__refresh_"+h.inst.CookieSuffix)
	if jwt == "" || refresh == "" {
		t.Fatalf("handshake gave no session or refresh cookie: %v", dirs)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d, "__refresh_") && !strings.Contains(d, "HttpOnly") {
			t.Errorf("refresh cookie is readable by script: %s", d)
		}
	}
	_, claims := h.verifyJWT(jwt)
	return claims["sid"].(string), jwt, refresh
}

// freshSignIn signs a user in on the hosted page in a new browser (an
// empty cookie jar) and returns its dev browser token, which later
// handshakes use to find the signed-in client.
func freshSignIn(t *testing.T, h *harness, email, password string) string {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := h.http.Jar
	h.http.Jar = jar
	defer func() { h.http.Jar = saved }()
	_, dvb := h.handshake(app, "token", "", false)
	resp := h.postForm("/sign-in", url.Values{"email": {email}, "password": {password}, "redirect_url": {app}, "__clerk_db_jwt": {dvb}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: status %d", email, resp.StatusCode)
	}
	return dvb
}
